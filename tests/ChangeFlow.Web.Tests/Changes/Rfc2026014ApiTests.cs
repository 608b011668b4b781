using System.Net;
using System.Text.Json.Nodes;
using ChangeFlow.Application.Changes;
using ChangeFlow.Domain.Demo;
using ChangeFlow.Testing;
using ChangeFlow.Web.Api;
using ChangeFlow.Web.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static ChangeFlow.Web.Tests.Changes.ChangeApiDriver;

namespace ChangeFlow.Web.Tests.Changes;

/// <summary>
/// The seed's worked case, RFC-2026-014 (LIMS v3.8 → v4.0), end to end through the REST API of the real service on
/// Kestrel, on the fake clock with the seed's own dates and times: submitted Sunday 2026-05-03 09:00 WAT, on the
/// 2026-05-13 CAB agenda, voted on from the inboxes, approved, window Saturday 22:00 → Sunday 06:00 WAT, steps
/// reported at their planned times, then (a) validated: Successful, PIR Monday 10:00, findings in the register;
/// (b) not validated by 04:00: the rollback starts at 04:00 with nobody calling the API, Rolled back, PIR mandatory.
/// Each test has a server of its own, because each moves the service's time three weeks on. The case runs on both
/// databases ChangeFlow ships.
/// </summary>
public abstract class Rfc2026014ApiTests : IAsyncLifetime
{
    private static readonly Domain.Changes.ImplementationPlan Plan = DemoData.Rfc2026014().ImplementationPlan;

    private ChangeFlowServer _server = null!;
    private ChangeApiDriver _api = null!;

    public async Task InitializeAsync()
    {
        _server = await ChangeFlowServer.StartAsync(new ChangeFlowServerOptions { Provider = Provider, WorkflowsDirectory = RepositoryPaths.Workflows });
        _api = await SetUpAsync(_server);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    /// <summary>The database the service runs on.</summary>
    protected abstract DatabaseProvider Provider { get; }

    [Fact]
    public async Task Rfc2026014_IsSuccessfulWithPirMondayTenAndFindingsInTheRegister_WhenValidatedBeforeTheDecisionPoint()
    {
        var number = await ApprovedAndImplementingAsync();
        for (var i = 1; i < Plan.Steps.Count; i++)
        {
            await _server.AdvanceToAsync(Plan.Steps[i].PlannedAt);
            await _api.ReportStepAsync(_api.Implementer, number, Plan.IdOf(i));
        }

        // Sunday 02:00, two hours before the hard rollback decision point.
        Assert.Equal(Wat(5, 24, 2), _server.Clock.GetUtcNow());
        await HttpAssert.StatusAsync(HttpStatusCode.OK, await ValidateAsync(_api.Implementer, number, "Lab manager created a sample, entered a result, generated a report"));

        var change = await _api.ChangeAsync(number);
        Assert.Equal("Review", change["dossier"]!["state"]!.GetValue<string>());
        Assert.Equal("Successful", change["dossier"]!["outcome"]!.GetValue<string>());
        Assert.Equal(Wat(5, 24, 2), Instant(change["validatedAt"]));
        Assert.Equal(_api.Implementer.Id, change["validatedBy"]!.GetValue<string>());
        Assert.Equal(Wat(5, 25, 10), Instant(change["dossier"]!["postImplementationReview"]!["scheduledAt"]));
        Assert.DoesNotContain(await _api.TimelineAsync(number), e => e["action"]!.GetValue<string>() == "rollback.started");

        // The decision point passing afterwards changes nothing.
        await _server.AdvanceToAsync(Wat(5, 24, 6));
        Assert.Equal("Review", await _api.StateAsync(number));

        var pir = await OpenTaskAsync(_api.ChangeManager, number);
        Assert.Equal("PostImplementationReview", pir["kind"]!.GetValue<string>());
        await _server.AdvanceToAsync(Wat(5, 25, 10, 30));
        await CompleteAsync(_api.ChangeManager, number, "Held", data: new JsonObject
        {
            ["findings"] = new JsonArray("The schema migration took 50 minutes, not 45: time it on a production-size copy", "Quality's report templates needed a second sign-off"),
        });

        change = await _api.ChangeAsync(number);
        Assert.Equal("Closed", change["dossier"]!["state"]!.GetValue<string>());
        Assert.Equal("Successful", change["dossier"]!["outcome"]!.GetValue<string>());
        var improvements = (await HttpAssert.StatusAsync(HttpStatusCode.OK, await _api.ChangeManager.Client.GetAsync($"api/improvements?change={number}")))!;
        Assert.Equal(2, improvements["total"]!.GetValue<int>());
        var items = improvements["items"]!.AsArray().Select(i => i!).OrderBy(i => i["number"]!.GetValue<string>(), StringComparer.Ordinal).ToList();
        Assert.Equal(["CIR-2026-001", "CIR-2026-002"], items.Select(i => i["number"]!.GetValue<string>()));
        Assert.All(items, i => Assert.Equal(number, i["item"]!["sourceChange"]!.GetValue<string>()));
        Assert.Contains(items, i => i["item"]!["title"]!.GetValue<string>().StartsWith("The schema migration took 50 minutes", StringComparison.Ordinal));

        await AssertTimelineTellsWhoDidWhatAsync(number);
        await AssertInTheForwardScheduleAsync(number, "CONFIRMED");
    }

    [Fact]
    public async Task Rfc2026014_RollsBackByItselfAtFourWithAMandatoryPir_WhenNotValidatedByTheDecisionPoint()
    {
        var number = await ApprovedAndImplementingAsync();
        for (var i = 1; i < 9; i++)
        {
            await _server.AdvanceToAsync(Plan.Steps[i].PlannedAt);
            await _api.ReportStepAsync(_api.Implementer, number, Plan.IdOf(i));
        }

        // The lab manager's validation (01:00) never comes, and nobody calls the API until after 04:00: only the
        // service's own timer acts at the decision point.
        await _server.AdvanceToAsync(Wat(5, 24, 4, 1));

        var timeline = await _api.TimelineAsync(number);
        var decision = Assert.Single(timeline, e => e["action"]!.GetValue<string>() == "rollback-decision.rollback");
        Assert.Equal(Wat(5, 24, 4), Instant(decision["at"]));
        Assert.Equal("system", decision["actor"]!.GetValue<string>());
        Assert.Equal("decision-point", decision["workflowStep"]!["activityId"]!.GetValue<string>());
        var rollback = Assert.Single(timeline, e => e["action"]!.GetValue<string>() == "rollback.started");
        Assert.Equal(Wat(5, 24, 4), Instant(rollback["at"]));
        Assert.Equal("system", rollback["actor"]!.GetValue<string>());
        Assert.Contains("Not validated by the hard rollback decision point", rollback["summary"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("Implement", await _api.StateAsync(number));

        // The change itself says a rollback is under way, since when, who set it off and how far it got.
        var underWay = (await _api.ChangeAsync(number))["rollback"]!;
        Assert.Equal(Wat(5, 24, 4), Instant(underWay["startedAt"]));
        Assert.Equal("system", underWay["startedBy"]!.GetValue<string>());
        Assert.Equal(0, underWay["stepsDone"]!.GetValue<int>());
        Assert.Equal(DemoData.Rfc2026014().RollbackProcedure!.Steps.Count, underWay["stepsTotal"]!.GetValue<int>());
        Assert.True(underWay["inProgress"]!.GetValue<bool>());

        // Too late to validate now.
        var late = await ValidateAsync(_api.Implementer, number, "Finished at last");
        Assert.True(late.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.BadRequest, $"Validating after the decision point answered {(int)late.StatusCode}.");

        for (var i = 0; i < DemoData.Rfc2026014().RollbackProcedure!.Steps.Count; i++)
        {
            await _server.AdvanceToAsync(Wat(5, 24, 4, 5 * (i + 1)));
            await _api.ReportStepAsync(_api.Implementer, number, ChangeStimuli.RollbackStepId(i), rollback: true);
            if (i == 1)
            {
                Assert.Equal(2, (await _api.ChangeAsync(number))["rollback"]!["stepsDone"]!.GetValue<int>());
            }
        }

        var change = await _api.ChangeAsync(number);
        Assert.False(change["rollback"]!["inProgress"]!.GetValue<bool>());
        Assert.Equal("Review", change["dossier"]!["state"]!.GetValue<string>());
        Assert.Equal("RolledBack", change["dossier"]!["outcome"]!.GetValue<string>());
        Assert.Equal(8, change["rollbackSteps"]!.AsArray().Count);
        Assert.Equal(Wat(5, 25, 10), Instant(change["dossier"]!["postImplementationReview"]!["scheduledAt"]));
        var pirScheduled = Assert.Single(await _api.TimelineAsync(number), e => e["action"]!.GetValue<string>() == "pir.scheduled");
        Assert.True(pirScheduled["data"]!["mandatory"]!.GetValue<bool>());
        var pir = await OpenTaskAsync(_api.ChangeManager, number);
        Assert.Equal("PostImplementationReview", pir["kind"]!.GetValue<string>());

        await _server.AdvanceToAsync(Wat(5, 25, 10, 30));
        await CompleteAsync(_api.ChangeManager, number, "Held", data: new JsonObject { ["findings"] = new JsonArray("Run the full migration rehearsal before rescheduling") });
        change = await _api.ChangeAsync(number);
        Assert.Equal("Closed", change["dossier"]!["state"]!.GetValue<string>());
        Assert.Equal("RolledBack", change["dossier"]!["outcome"]!.GetValue<string>());
        var improvements = (await HttpAssert.StatusAsync(HttpStatusCode.OK, await _api.ChangeManager.Client.GetAsync($"api/improvements?change={number}")))!;
        Assert.Equal(1, improvements["total"]!.GetValue<int>());
        await AssertInTheForwardScheduleAsync(number, "CONFIRMED");
    }

    /// <summary>
    /// Submits the seed's RFC as RFC-2026-014 through the API, has the CAB vote from their inboxes (with a rejection
    /// lacking its comment and the requestor's attempt refused on the way), the high-risk stage approve, and opens
    /// the window at Saturday 22:00 WAT.
    /// </summary>
    private async Task<string> ApprovedAndImplementingAsync()
    {
        // Thirteen RFCs were raised earlier in 2026; numbers are never reused, so this one is the 14th.
        var changes = _server.Services.GetRequiredService<IChangeStore>();
        for (var i = 0; i < 13; i++)
        {
            await changes.AllocateNumberAsync(2026, CancellationToken.None);
        }

        Assert.Equal(Wat(5, 3, 9), _server.Clock.GetUtcNow());
        var number = await _api.SubmitAsync(_api.Dossier(DemoData.Rfc2026014()));
        Assert.Equal("RFC-2026-014", number);

        var change = await _api.ChangeAsync(number, _api.Requestor);
        Assert.Equal("Authorize", change["dossier"]!["state"]!.GetValue<string>());
        Assert.Equal("High", change["dossier"]!["overallRisk"]!.GetValue<string>());
        Assert.Equal("normal-change", change["workflowDefinitionId"]!.GetValue<string>());
        Assert.Equal("cab-main", change["cabBoardId"]!.GetValue<string>());
        Assert.Equal(Wat(5, 13, 10), Instant(change["cabMeetingAt"]));
        Assert.Equal(Wat(5, 13, 10), Instant(change["dossier"]!["cabReviewAt"]));

        var agenda = (await HttpAssert.StatusAsync(HttpStatusCode.OK, await _api.Quality.Client.GetAsync("api/cab-boards/cab-main/agenda")))!;
        var meeting = Assert.Single(agenda["meetings"]!.AsArray());
        Assert.Equal(Wat(5, 13, 10), Instant(meeting!["meetingAt"]));
        var item = Assert.Single(meeting["changes"]!.AsArray());
        Assert.Equal(number, item!["number"]!.GetValue<string>());
        Assert.Equal("High", item["overallRisk"]!.GetValue<string>());
        Assert.Equal(Wat(5, 23, 22), Instant(item["windowStart"]));

        // Every member but the requestor finds a vote in their inbox, due a day after the meeting.
        Assert.Empty(await InboxAsync(_api.Requestor, number));
        var votes = new Dictionary<string, JsonNode>();
        foreach (var voter in _api.Voters)
        {
            var vote = await OpenTaskAsync(voter, number);
            Assert.Equal("cab-vote", vote["activityId"]!.GetValue<string>());
            Assert.Equal("Open", vote["status"]!.GetValue<string>());
            Assert.Equal(Wat(5, 14, 10), Instant(vote["dueAt"]));
            votes[voter.Id] = vote;
        }

        await _server.AdvanceToAsync(Wat(5, 13, 10, 30));

        // A rejection needs a comment; the requestor may not decide on their own change, whoever's task it is.
        await HttpAssert.FieldErrorAsync(await TryCompleteAsync(_api.Quality, votes[_api.Quality.Id]["id"]!.GetValue<string>(), "Rejected"), "comment", "required");
        var own = await TryCompleteAsync(_api.Requestor, votes[_api.ChangeManager.Id]["id"]!.GetValue<string>(), "Approved");
        await HttpAssert.StatusAsync(HttpStatusCode.Forbidden, own);
        Assert.Equal("Open", (await OpenTaskAsync(_api.ChangeManager, number))["status"]!.GetValue<string>());

        await CompleteAsync(_api.ChangeManager, number, "Approved");
        await CompleteAsync(_api.Security, number, "Approved");
        await CompleteAsync(_api.Quality, number, "Approved", "Templates signed off on staging");

        // Three of four is a majority; the owner's CAB vote is withdrawn. High risk adds the extra approval stage.
        Assert.Equal("Authorize", await _api.StateAsync(number));
        var extra = new[] { _api.ChangeManager, _api.Owner };
        foreach (var approver in extra)
        {
            var task = await OpenTaskAsync(approver, number);
            Assert.Equal("extra-approval", task["activityId"]!.GetValue<string>());
            Assert.Equal(Wat(5, 23, 10), Instant(task["dueAt"]));
        }

        Assert.Empty(await InboxAsync(_api.Security, number));
        Assert.Empty(await InboxAsync(_api.Quality, number));
        await CompleteAsync(_api.ChangeManager, number, "Approved");
        await CompleteAsync(_api.Owner, number, "Approved");
        Assert.Equal("Scheduled", await _api.StateAsync(number));

        // A pipeline asking before the window is told to wait.
        var closed = await _api.DeployGateAsync(number);
        var gate = (await HttpAssert.StatusAsync((HttpStatusCode)ChangesApi.GateClosedStatus, closed))!;
        Assert.False(gate["allowed"]!.GetValue<bool>());
        Assert.True(closed.Headers.RetryAfter?.Delta > TimeSpan.Zero);

        await _server.AdvanceToAsync(Wat(5, 23, 21, 30));
        await _api.ReportStepAsync(_api.Requestor, number, Plan.IdOf(0));
        Assert.Equal("Scheduled", await _api.StateAsync(number));
        await HttpAssert.StatusAsync((HttpStatusCode)ChangesApi.GateClosedStatus, await _api.DeployGateAsync(number));

        await _server.AdvanceToAsync(Wat(5, 23, 22));
        Assert.Equal("Implement", await _api.StateAsync(number));
        var open = (await HttpAssert.StatusAsync(HttpStatusCode.OK, await _api.DeployGateAsync(number)))!;
        Assert.True(open["allowed"]!.GetValue<bool>());
        Assert.Equal(Wat(5, 23, 22), Instant(open["windowStart"]));
        Assert.Equal(Wat(5, 24, 6), Instant(open["windowEnd"]));
        return number;
    }

    /// <summary>The audit trail names the actor, the instant and the workflow step of what happened.</summary>
    private async Task AssertTimelineTellsWhoDidWhatAsync(string number)
    {
        var timeline = await _api.TimelineAsync(number);
        var submitted = Assert.Single(timeline, e => e["action"]!.GetValue<string>() == "change.submitted");
        Assert.Equal(_api.Requestor.Id, submitted["actor"]!.GetValue<string>());
        Assert.Equal(Wat(5, 3, 9), Instant(submitted["at"]));

        var scheduled = Assert.Single(timeline, e => e["action"]!.GetValue<string>() == "cab.scheduled");
        Assert.Equal("agenda", scheduled["workflowStep"]!["activityId"]!.GetValue<string>());

        var approvals = timeline.Where(e => e["action"]!.GetValue<string>() == "task.completed" && e["workflowStep"]!["activityId"]!.GetValue<string>() == "cab-vote").ToList();
        // Entries of the same instant are compared as a set: the store orders them by instant, then by id.
        Assert.Equal(
            new[] { _api.ChangeManager.Id, _api.Security.Id, _api.Quality.Id }.Order(StringComparer.Ordinal),
            approvals.Select(e => e["actor"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        Assert.All(approvals, e => Assert.Equal(Wat(5, 13, 10, 30), Instant(e["at"])));
        Assert.All(approvals, e => Assert.Equal("CAB vote", e["workflowStep"]!["activityName"]!.GetValue<string>()));

        var opened = Assert.Single(timeline, e => e["action"]!.GetValue<string>() == "window.opened");
        Assert.Equal(Wat(5, 23, 22), Instant(opened["at"]));
        Assert.Equal("system", opened["actor"]!.GetValue<string>());
        Assert.Equal("await-window", opened["workflowStep"]!["activityId"]!.GetValue<string>());

        var steps = timeline.Where(e => e["action"]!.GetValue<string>() == "step.reported").ToList();
        Assert.Equal(Plan.Steps.Count, steps.Count);
        Assert.Equal(_api.Requestor.Id, steps[0]["actor"]!.GetValue<string>());
        Assert.All(steps.Skip(1), e => Assert.Equal(_api.Implementer.Id, e["actor"]!.GetValue<string>()));
        Assert.Equal(Plan.Steps.Select(s => s.PlannedAt), steps.Select(e => Instant(e["at"])));

        var validated = Assert.Single(timeline, e => e["action"]!.GetValue<string>() == "rollback-decision.validated");
        Assert.Equal(_api.Implementer.Id, validated["actor"]!.GetValue<string>());
        Assert.Equal("decision-point", validated["workflowStep"]!["activityId"]!.GetValue<string>());

        // Oldest first, and instants never go back.
        var instants = timeline.Select(e => Instant(e["at"])).ToList();
        Assert.Equal(instants.Order(), instants);
    }

    /// <summary>The forward schedule (iCalendar, read back by Ical.Net) shows the change in its window.</summary>
    private async Task AssertInTheForwardScheduleAsync(string number, string status)
    {
        using var response = await _api.Owner.Client.GetAsync("api/calendar/changes.ics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/calendar", response.Content.Headers.ContentType?.MediaType);
        var calendar = Ical.Net.Calendar.Load(await response.Content.ReadAsStringAsync())!;
        var ev = Assert.Single(calendar.Events, e => e.Uid!.StartsWith(number.ToLowerInvariant() + "-window@", StringComparison.Ordinal));
        Assert.Equal(Wat(5, 23, 22).UtcDateTime, ev.DtStart!.AsUtc);
        Assert.Equal(Wat(5, 24, 6).UtcDateTime, ev.DtEnd!.AsUtc);
        Assert.StartsWith($"{number}: LIMS major version upgrade", ev.Summary, StringComparison.Ordinal);
        Assert.Equal(status, ev.Status);
        Assert.Contains("lims-db-01", ev.Location, StringComparison.Ordinal);
    }
}

/// <summary>RFC-2026-014 end to end on SQLite, the embedded default.</summary>
public sealed class SqliteRfc2026014ApiTests : Rfc2026014ApiTests
{
    /// <inheritdoc />
    protected override DatabaseProvider Provider => DatabaseProvider.Sqlite;
}

/// <summary>RFC-2026-014 end to end on PostgreSQL, the production database.</summary>
public sealed class PostgreSqlRfc2026014ApiTests : Rfc2026014ApiTests
{
    /// <inheritdoc />
    protected override DatabaseProvider Provider => DatabaseProvider.PostgreSql;
}
