using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using ChangeFlow.Application.Changes;
using ChangeFlow.Domain.Changes;
using ChangeFlow.Domain.Demo;
using ChangeFlow.Testing;
using ChangeFlow.Web.Tests.Support;
using static ChangeFlow.Web.Tests.Changes.ChangeApiDriver;

namespace ChangeFlow.Web.Tests.Changes;

/// <summary>Tests that run a real Hangfire server: Hangfire keeps process-wide statics, so they run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class JobServerCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Hangfire job server";
}

/// <summary>
/// RFC-2026-014 against the real Hangfire scheduler on the system clock: the seed's dossier with its window moved to
/// open seconds from now and its hard rollback decision point seconds after that. Nothing moves time: Hangfire's
/// own server fires the window and decision-point timers, and the tests poll the API until the change moves on.
/// </summary>
/// <remarks>
/// The CAB meets seconds after submission (the board is edited through the catalogue API: no lead time), so the
/// high-risk stage's deadline, twelve hours before the window, has already passed when that stage opens. The
/// decision is therefore taken on a node that only serves the API; the node is then restarted with a job server,
/// which finds the window timer scheduled in Hangfire's storage and the overdue deadline's job already moot (its
/// bookmark was consumed by the approval). This is how a deployment with separate API and job nodes behaves.
/// </remarks>
[Collection(JobServerCollection.Name)]
public sealed class Rfc2026014JobServerTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    private ChangeFlowServer _server = null!;
    private ChangeApiDriver _api = null!;
    private DateTimeOffset _meetingAt;

    public async Task InitializeAsync()
    {
        _server = await ChangeFlowServer.StartAsync(new ChangeFlowServerOptions
        {
            WorkflowsDirectory = RepositoryPaths.Workflows,
            UseSystemClock = true,
            RunJobServer = false,
        });
        _api = await SetUpAsync(_server, board =>
        {
            // The CAB meets a few seconds from now (to the second, in WAT) and needs no notice.
            _meetingAt = WholeSecond(_server.Time.GetUtcNow().AddSeconds(5));
            var local = _meetingAt.ToOffset(TimeSpan.FromHours(1));
            Assert.NotNull(board["meeting"]);
            board["meeting"] = new JsonObject
            {
                ["day"] = local.DayOfWeek.ToString(),
                ["localTime"] = local.ToString("HH:mm:ss", CultureInfo.InvariantCulture),
                ["timeZoneId"] = DemoData.TimeZoneId,
                ["duration"] = "00:30:00",
            };
            board["agendaLeadTime"] = "00:00:00";
        });
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Rfc2026014_RollsBackThroughHangfireAtTheDecisionPoint_WhenNotValidated()
    {
        var windowStart = _meetingAt.AddSeconds(4);
        var decisionPoint = windowStart.AddSeconds(5);
        var (number, change) = await ApprovedAndImplementingAsync(windowStart, decisionPoint);
        for (var i = 0; i < 9; i++)
        {
            await _api.ReportStepAsync(i == 0 ? _api.Requestor : _api.Implementer, number, change.ImplementationPlan.IdOf(i));
        }

        // Nobody validates and nobody calls the API: Hangfire fires the decision point's timer.
        JsonNode? started = null;
        await WaitUntilAsync("the rollback to start", async () =>
        {
            started = (await _api.TimelineAsync(number)).FirstOrDefault(e => e["action"]!.GetValue<string>() == "rollback.started");
            return started is not null;
        }, Patience);
        Assert.Equal("system", started!["actor"]!.GetValue<string>());
        Assert.Equal("rollback", started["workflowStep"]!["activityId"]!.GetValue<string>());
        Assert.Contains("Not validated by the hard rollback decision point", started["summary"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.True(Instant(started["at"]) >= decisionPoint, $"The rollback started at {started["at"]}, before the decision point {decisionPoint:O}.");
        var decided = Assert.Single(await _api.TimelineAsync(number), e => e["action"]!.GetValue<string>() == "rollback-decision.rollback");
        Assert.Equal("system", decided["actor"]!.GetValue<string>());

        for (var i = 0; i < change.RollbackProcedure!.Steps.Count; i++)
        {
            await _api.ReportStepAsync(_api.Implementer, number, ChangeStimuli.RollbackStepId(i), rollback: true);
        }

        await WaitUntilAsync("the change to be in review", async () => await _api.StateAsync(number) == "Review", Patience);
        var record = await _api.ChangeAsync(number);
        Assert.Equal("RolledBack", record["dossier"]!["outcome"]!.GetValue<string>());
        var pir = Assert.Single(await _api.TimelineAsync(number), e => e["action"]!.GetValue<string>() == "pir.scheduled");
        Assert.True(pir["data"]!["mandatory"]!.GetValue<bool>());

        await CompleteAsync(_api.ChangeManager, number, "Held", data: new JsonObject { ["findings"] = new JsonArray("Rehearse the migration on a production-size copy") });
        Assert.Equal("Closed", await _api.StateAsync(number));
    }

    [Fact]
    public async Task Rfc2026014_IsSuccessfulThroughHangfire_WhenValidatedBeforeTheDecisionPoint()
    {
        // The decision point is far enough away that validating before it does not race the clock.
        var windowStart = _meetingAt.AddSeconds(4);
        var (number, change) = await ApprovedAndImplementingAsync(windowStart, windowStart.AddMinutes(30));
        for (var i = 0; i < change.ImplementationPlan.Steps.Count; i++)
        {
            await _api.ReportStepAsync(i == 0 ? _api.Requestor : _api.Implementer, number, change.ImplementationPlan.IdOf(i));
        }

        await HttpAssert.StatusAsync(HttpStatusCode.OK, await ValidateAsync(_api.Implementer, number, "Lab manager created a sample, entered a result, generated a report"));

        var record = await _api.ChangeAsync(number);
        Assert.Equal("Review", record["dossier"]!["state"]!.GetValue<string>());
        Assert.Equal("Successful", record["dossier"]!["outcome"]!.GetValue<string>());
        var timeline = await _api.TimelineAsync(number);
        Assert.DoesNotContain(timeline, e => e["action"]!.GetValue<string>() == "rollback.started");
        var opened = Assert.Single(timeline, e => e["action"]!.GetValue<string>() == "window.opened");
        Assert.Equal("system", opened["actor"]!.GetValue<string>());

        await CompleteAsync(_api.ChangeManager, number, "Held", data: new JsonObject { ["findings"] = new JsonArray("Keep the 04:00 decision point for major LIMS changes") });
        Assert.Equal("Closed", await _api.StateAsync(number));
        var improvements = (await HttpAssert.StatusAsync(HttpStatusCode.OK, await _api.ChangeManager.Client.GetAsync($"api/improvements?change={number}")))!;
        Assert.Equal(1, improvements["total"]!.GetValue<int>());
    }

    /// <summary>
    /// Submits the seed's RFC with its times moved (window opening at <paramref name="windowStart"/>, steps a fifth
    /// of a second apart from the pre-checks just before it, decision point <paramref name="decisionPoint"/>), has the
    /// CAB and the high-risk stage approve it on the API node, restarts with a job server and waits for Implement.
    /// </summary>
    private async Task<(string Number, ChangeRequest Change)> ApprovedAndImplementingAsync(DateTimeOffset windowStart, DateTimeOffset decisionPoint)
    {
        var seed = DemoData.Rfc2026014();
        var windowEnd = decisionPoint + seed.RollbackProcedure!.EstimatedDuration + TimeSpan.FromMinutes(15);
        var change = seed with
        {
            SubmittedAt = _server.Time.GetUtcNow(),
            Window = new ChangeWindow(windowStart, windowEnd, DemoData.TimeZoneId),
            Impact = seed.Impact! with { Duration = windowEnd - windowStart },
            ImplementationPlan = new ImplementationPlan([.. seed.ImplementationPlan.Steps.Select((step, i) => step with { PlannedAt = windowStart.AddMilliseconds(200 * (i - 1)) })]),
            RollbackDecisionPoint = decisionPoint,
            PostImplementationReview = seed.PostImplementationReview! with { ScheduledAt = windowEnd.AddDays(1) },
        };
        var number = await _api.SubmitAsync(_api.Dossier(change));

        var submitted = await _api.ChangeAsync(number);
        Assert.Equal("Authorize", submitted["dossier"]!["state"]!.GetValue<string>());
        Assert.Equal(_meetingAt, Instant(submitted["cabMeetingAt"]));
        await CompleteAsync(_api.ChangeManager, number, "Approved");
        await CompleteAsync(_api.Security, number, "Approved");
        await CompleteAsync(_api.Quality, number, "Approved");
        await CompleteAsync(_api.ChangeManager, number, "Approved");
        await CompleteAsync(_api.Owner, number, "Approved");
        Assert.Equal("Scheduled", await _api.StateAsync(number));

        await _server.RestartAsync(runJobServer: true);
        _api.Reconnect();
        await WaitUntilAsync("the window to open", async () => await _api.StateAsync(number) == "Implement", Patience);
        var gate = (await HttpAssert.StatusAsync(HttpStatusCode.OK, await _api.DeployGateAsync(number)))!;
        Assert.True(gate["allowed"]!.GetValue<bool>());
        return (number, change);
    }

    private static DateTimeOffset WholeSecond(DateTimeOffset instant) =>
        new(instant.Ticks - (instant.Ticks % TimeSpan.TicksPerSecond) + TimeSpan.TicksPerSecond, instant.Offset);
}
