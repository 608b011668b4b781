using System.Net;
using ChangeFlow.Application.Approvals;
using ChangeFlow.Application.Changes;
using ChangeFlow.Application.Changes.Catalog;
using ChangeFlow.Application.Common;
using ChangeFlow.Application.Security;
using ChangeFlow.Application.Tasks;
using ChangeFlow.Application.Workflows;
using ChangeFlow.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ChangeFlow.Web.Tests.Approvals;

/// <summary>
/// One link used twice at once decides once: a double click (two requests to one node) and two nodes on one database
/// (a second runtime and link service over the same stores, without the first node's in-process lock, so only the
/// database can keep them apart). The loser is told the link was already used; the timeline has one decision.
/// </summary>
public abstract class MailApprovalConcurrencyTests : IAsyncLifetime
{
    private MailApprovalDriver _mail = null!;

    /// <summary>The database the service runs on.</summary>
    protected abstract DatabaseProvider Provider { get; }

    public async Task InitializeAsync() => _mail = await MailApprovalDriver.StartAsync(Provider);

    public async Task DisposeAsync() => await _mail.DisposeAsync();

    [Fact]
    public async Task DoubleClick_OnOneLink_DecidesOnce()
    {
        foreach (var voter in new[] { _mail.Api.Quality, _mail.Api.Security, _mail.Api.ChangeManager })
        {
            var (approve, _) = await _mail.LinksOfAsync(voter);
            var pages = await Task.WhenAll(_mail.ConfirmAsync(approve), _mail.ConfirmAsync(approve));

            Assert.Single(pages, p => p.Status == HttpStatusCode.OK);
            Assert.Single(pages, p => p.Status == HttpStatusCode.Conflict && p.Heading == "This link was already used");
            Assert.Single(await _mail.TimelineAsync("task.completed"), e => e["actor"]!.GetValue<string>() == voter.Id);
        }

        // Three approvals of four: the CAB vote is decided once, and the workflow moved on.
        Assert.Single(await _mail.TimelineAsync("task.decided"), e => e["workflowStep"]!["activityId"]!.GetValue<string>() == "cab-vote");
        Assert.Equal("extra-approval", (await _mail.TaskOfAsync(_mail.Api.Owner))["activityId"]!.GetValue<string>());
    }

    [Fact]
    public async Task TwoNodes_UsingOneLinkAtOnce_DecideOnce()
    {
        var other = SecondNode(_mail.Server.Services);
        foreach (var voter in new[] { _mail.Api.Quality, _mail.Api.Security })
        {
            var (approve, _) = await _mail.LinksOfAsync(voter);
            var first = _mail.ConfirmAsync(approve);
            var second = other.DecideAsync(MailApprovalDriver.TokenOf(approve), null, CancellationToken.None);
            await Task.WhenAll(first, second);

            var outcomes = new[] { (await first).Status == HttpStatusCode.OK ? LinkOutcome.Recorded : LinkOutcome.Used, (await second).Outcome };
            Assert.Single(outcomes, o => o == LinkOutcome.Recorded);
            Assert.Single(outcomes, o => o == LinkOutcome.Used);
            Assert.Single(await _mail.TimelineAsync("task.completed"), e => e["actor"]!.GetValue<string>() == voter.Id);
        }
    }

    /// <summary>Another node's runtime, task service, key ring and link service over the same database.</summary>
    private static MailApprovalService SecondNode(IServiceProvider sp)
    {
        var time = sp.GetRequiredService<TimeProvider>();
        var runtime = new WorkflowRuntime(
            sp.GetRequiredService<WorkflowDefinitionService>(),
            sp.GetRequiredService<IWorkflowInstanceStore>(),
            sp.GetRequiredService<IStimulusStore>(),
            sp.GetRequiredService<IJobScheduler>(),
            time,
            sp.GetRequiredService<IOptions<RuntimeOptions>>(),
            sp.GetRequiredService<ILogger<WorkflowRuntime>>(),
            sp.GetServices<IWorkflowGlobals>(),
            sp);
        var tasks = new TaskService(sp.GetRequiredService<IHumanTaskStore>(), sp.GetRequiredService<IUserDirectory>(), sp.GetRequiredService<TaskDeciders>(), runtime, sp.GetRequiredService<ITimelineStore>(), time);
        var options = sp.GetRequiredService<IOptions<MailApprovalOptions>>();
        var links = new ApprovalLinks(new MailLinkKeyRing(sp.GetRequiredService<IMailLinkKeyStore>(), time), sp.GetRequiredService<IPublicUrls>(), options, time);
        return new MailApprovalService(
            links,
            sp.GetRequiredService<IMailLinkRedemptionStore>(),
            sp.GetRequiredService<IHumanTaskStore>(),
            sp.GetRequiredService<IUserDirectory>(),
            sp.GetRequiredService<IChangeStore>(),
            sp.GetRequiredService<ChangeCatalog>(),
            tasks,
            options);
    }
}

/// <summary>One link at once, on SQLite.</summary>
public sealed class SqliteMailApprovalConcurrencyTests : MailApprovalConcurrencyTests
{
    /// <inheritdoc />
    protected override DatabaseProvider Provider => DatabaseProvider.Sqlite;
}

/// <summary>One link at once, on PostgreSQL (the database several nodes share).</summary>
public sealed class PostgreSqlMailApprovalConcurrencyTests : MailApprovalConcurrencyTests
{
    /// <inheritdoc />
    protected override DatabaseProvider Provider => DatabaseProvider.PostgreSql;
}
