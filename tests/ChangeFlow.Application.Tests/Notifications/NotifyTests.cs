using System.Text.Json.Nodes;
using ChangeFlow.Application.Notifications;
using ChangeFlow.Application.Tests.Changes.Support;
using ChangeFlow.Engine.Execution;
using static ChangeFlow.Application.Tests.Changes.Support.ChangeHarness;

namespace ChangeFlow.Application.Tests.Notifications;

/// <summary>The <c>ChangeFlow.Notify</c> activity: a template to an audience, at a time relative to the change, in the run's own commit.</summary>
public sealed class NotifyTests : IAsyncLifetime
{
    private ChangeHarness _h = null!;

    private static CancellationToken Ct => CancellationToken.None;

    public async Task InitializeAsync()
    {
        _h = await ChangeHarness.CreateAsync(notices: true);
        var imported = await _h.Definitions.ImportAsync(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Notifications", "notify-probe.json")), "test", publish: true, Ct);
        Assert.True(imported.Result == "added", string.Join("; ", imported.Problems));
    }

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task Notify_QueuesOneMessagePerPerson_AtTheAnchorTime_WithTheInvite_InTheRunsCommit()
    {
        var (number, instance) = await RunAsync("maintenance-notice", ["requestor", "board:cab-main", "email:ops@example.org"], "windowStart-PT32H", "Window", "Heads-up for the on-call team");

        Assert.Equal(WorkflowStatus.Finished, instance.Status);
        var queued = await _h.OutboxAsync(number);
        Assert.Equal(
            new[] { Requestor, ChangeManager, ChangeHarness.Security, Owner, Quality }.Select(id => $"{id}@example.org").Append("ops@example.org").Order(),
            queued.Select(e => e.Message.To[0].Address).Order());
        Assert.All(queued, e =>
        {
            Assert.Equal(Wat(5, 22, 14), e.Message.NotBefore);
            Assert.Equal((instance.Id, "notify"), (e.Message.InstanceId, e.Message.ActivityId));
            Assert.Equal("notify", e.Message.Headers[NoticeScheduler.NoticeHeader]);
            Assert.Contains("Heads-up for the on-call team", e.Message.TextBody, StringComparison.Ordinal);
            Assert.Single(e.Message.Attachments, a => a.ContentType == "text/calendar; method=REQUEST; charset=utf-8");
        });
        Assert.Contains(await _h.TimelineAsync(number), e => e.Action == "notices.sent" && e.Summary.StartsWith("6 maintenance-notice messages queued", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Notify_WithADuration_SendsThatLongFromNow_AndABadAudienceOrTemplateFaultsTheActivity()
    {
        var (number, instance) = await RunAsync("rollback-notice", ["requestor"], "PT2H", null, "Smoke tests failed");
        Assert.Equal(_h.Clock.GetUtcNow() + TimeSpan.FromHours(2), Assert.Single(await _h.OutboxAsync(number)).Message.NotBefore);
        Assert.Equal(WorkflowStatus.Finished, instance.Status);

        var (_, badAudience) = await RunAsync("rollback-notice", ["pager:42"], null, null, null);
        Assert.Contains(badAudience.Incidents, i => i.Message.Contains("'pager:42' is not an audience", StringComparison.Ordinal));

        var (_, badTemplate) = await RunAsync("no-such-template", ["requestor"], null, null, null);
        Assert.Contains(badTemplate.Incidents, i => i.Message.Contains("No template 'no-such-template'", StringComparison.Ordinal));
    }

    private async Task<(string Number, WorkflowInstanceState Instance)> RunAsync(string template, string[] audience, string? when, string? invite, string? message)
    {
        var created = await _h.Changes.CreateAsync(SeedDossier(), null, Requestor, _h.RolesOf(Requestor), Ct);
        Assert.True(created.IsOk, created.Message);
        var number = created.Value!.Number;
        await _h.Ports.Changes.UpdateAsync(created.Value with { CabBoardId = "cab-main", Version = 2 }, 1, Ct);
        var started = await _h.Runtime.StartAsync(
            "notify-probe",
            new StartRequest
            {
                CorrelationId = number,
                Input = new Dictionary<string, JsonNode?>
                {
                    ["template"] = template,
                    ["audience"] = new JsonArray([.. audience.Select(a => (JsonNode?)JsonValue.Create(a))]),
                    ["when"] = when,
                    ["invite"] = invite,
                    ["message"] = message,
                },
            },
            Ct);
        Assert.True(started.Succeeded, started.Message);
        var snapshot = await _h.Instances.LoadAsync(started.Instance!.Id, Ct);
        return (number, snapshot!.State);
    }
}
