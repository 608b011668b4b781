using System.Net;
using System.Text.Json.Nodes;
using ChangeFlow.Testing;
using ChangeFlow.Web.Tests.Support;
using static ChangeFlow.Web.Tests.Incidents.IncidentApiDriver;

namespace ChangeFlow.Web.Tests.Incidents;

/// <summary>
/// SLA clocks on the simulated clock: each test has a server of its own whose time starts on Thursday 2026-04-30
/// 15:00 WAT and is moved with <see cref="ChangeFlowServer.AdvanceToAsync"/>, which fires every workflow timer at its
/// own due instant, as the scheduler would.
/// </summary>
public sealed class SlaTimerTests : IAsyncLifetime
{
    private ChangeFlowServer _server = null!;
    private IncidentApiDriver _api = null!;

    public async Task InitializeAsync()
    {
        _server = await ChangeFlowServer.StartAsync(new ChangeFlowServerOptions { WorkflowsDirectory = RepositoryPaths.Workflows, ClockStart = ThursdayBeforeWorkersDay });
        _api = await SetUpAsync(_server);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task WarningsBreachesAndEscalations_FireOnceEach_AtTheirDueInstants()
    {
        // Application support, P2: response 2h, resolution 4h, business hours; default policy: next tier at 50 % of
        // the resolution target, the team manager at 75 %, the head of IT at the breach.
        var number = (await _api.OpenAsync(_api.Report("application-support", "High", "Medium")))["number"]!.GetValue<string>();

        await _server.AdvanceToAsync(Wat(5, 4, 12));
        await _server.AdvanceToAsync(Wat(5, 8, 12));

        var timeline = await _api.TimelineAsync(number);
        var fired = timeline.Where(e => e["action"]!.GetValue<string>() is "sla.warning" or "sla.breached" or "incident.escalated")
            .Select(e => (Action: e["action"]!.GetValue<string>(), Key: e["data"]!["key"]?.GetValue<string>() ?? e["data"]!["level"]!.GetValue<string>(), At: e["at"]!.GetValue<DateTimeOffset>(), Actor: e["actor"]!.GetValue<string>()))
            .ToList();
        Assert.Equal(
        [
            ("sla.warning", "Response:0.5", Wat(4, 30, 16)),
            ("sla.warning", "Response:0.75", Wat(4, 30, 16, 30)),
            ("sla.breached", "Response:1", Wat(4, 30, 17)),
            ("sla.warning", "Resolution:0.5", Wat(4, 30, 17)),
            ("incident.escalated", "next-tier", Wat(4, 30, 17)),
            ("sla.warning", "Resolution:0.75", Wat(5, 4, 9)),
            ("incident.escalated", "team-manager", Wat(5, 4, 9)),
            ("sla.breached", "Resolution:1", Wat(5, 4, 10)),
            ("incident.escalated", "head-of-it", Wat(5, 4, 10)),
        ],
            fired.Select(f => (f.Action, f.Key, f.At)));
        Assert.All(fired, f => Assert.Equal("system", f.Actor));

        var incident = await _api.IncidentAsync(number);
        Assert.Equal("it-operations", incident["assignmentGroup"]!.GetValue<string>());
        Assert.True((await _api.ClockAsync(number, "Resolution"))["breached"]!.GetValue<bool>());

        var outbox = await _api.OutboxAsync(number);
        Assert.Equal(outbox.Count, outbox.Select(m => m.IdempotencyKey).Distinct().Count());
        Assert.Equal(4, outbox.Count(m => m.Kind == "incident-sla-warning"));
        Assert.Equal(2, outbox.Count(m => m.Kind == "incident-sla-breach"));
        var escalations = outbox.Where(m => m.Kind == "incident-escalation").ToList();
        Assert.Equal([$"{number}:escalation:next-tier", $"{number}:escalation:team-manager", $"{number}:escalation:head-of-it"], escalations.Select(m => m.IdempotencyKey));
        Assert.Contains(_api.Engineer.Email, escalations[0].To.Select(r => r.Address));
        Assert.Equal(["it-operations-lead@example.org"], escalations[1].To.Select(r => r.Address));
        Assert.Equal(["head-of-it@example.org", "it-operations-lead@example.org"], escalations[2].To.Select(r => r.Address));
        var firstWarning = outbox.First(m => m.Kind == "incident-sla-warning");
        Assert.Contains(_api.Agent.Email, firstWarning.To.Select(r => r.Address));
        Assert.Contains("50 % of the response target used", firstWarning.Subject, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HoldAndResume_MoveTheDueTime_ByThePausedBusinessTime()
    {
        var number = (await _api.OpenAsync(_api.Report("application-support", "High", "Medium")))["number"]!.GetValue<string>();
        await _api.CommandAsync(number, "acknowledge", by: _api.Engineer);
        Assert.Equal(Wat(5, 4, 10), await _api.DueAsync(number, "Resolution"));

        await _server.AdvanceToAsync(Wat(4, 30, 16));
        await _api.CommandAsync(number, "hold", new JsonObject { ["state"] = "AwaitingUser", ["reason"] = "Which sample ids fail?" }, _api.Engineer);
        var paused = await _api.ClockAsync(number, "Resolution");
        Assert.Equal("Paused", paused["status"]!.GetValue<string>());
        Assert.Null(paused["dueAt"]);

        // Paused past the original warning and breach instants: nothing fires.
        await _server.AdvanceToAsync(Wat(5, 4, 12));
        Assert.DoesNotContain(await _api.ActionsAsync(number), a => a is "sla.warning" or "sla.breached");

        var resumed = await _api.CommandAsync(number, "resume", new JsonObject { ["note"] = "Ids received" }, _api.Engineer);
        Assert.Equal("Diagnosis", resumed["state"]!.GetValue<string>());
        Assert.Equal(Wat(5, 4, 15), await _api.DueAsync(number, "Resolution"));
        Assert.Contains("sla.rescheduled", await _api.ActionsAsync(number));

        await _server.AdvanceToAsync(Wat(5, 4, 18));
        var fired = (await _api.TimelineAsync(number)).Where(e => e["action"]!.GetValue<string>() is "sla.warning" or "sla.breached").ToList();
        Assert.Equal([Wat(5, 4, 13), Wat(5, 4, 14), Wat(5, 4, 15)], fired.Select(e => e["at"]!.GetValue<DateTimeOffset>()));
    }

    [Fact]
    public async Task Reprioritizing_MovesTheBreach_AndReassigningDoesNot()
    {
        var number = (await _api.OpenAsync(_api.Report("application-support", "Low", "Low")))["number"]!.GetValue<string>();
        Assert.Equal(Wat(5, 6, 15), await _api.DueAsync(number, "Resolution"));

        await _server.AdvanceToAsync(Wat(4, 30, 16));
        await _api.CommandAsync(number, "assign", new JsonObject { ["group"] = "network" });
        Assert.Equal(Wat(5, 6, 15), await _api.DueAsync(number, "Resolution"));

        // Now P1: its 1h response target is used up already, its 2h resolution target has an hour left.
        var raised = await _api.CommandAsync(number, "prioritize", new JsonObject { ["impact"] = "High", ["urgency"] = "High", ["reason"] = "All labs affected" });
        Assert.Equal("P1", raised["priority"]!.GetValue<string>());
        Assert.Equal(Wat(4, 30, 17), await _api.DueAsync(number, "Resolution"));
        var responseBreach = Assert.Single(await _api.TimelineAsync(number), e => e["action"]!.GetValue<string>() == "sla.breached");
        Assert.Equal(Wat(4, 30, 16), responseBreach["at"]!.GetValue<DateTimeOffset>());

        await _server.AdvanceToAsync(Wat(4, 30, 18));
        var breaches = (await _api.TimelineAsync(number)).Where(e => e["action"]!.GetValue<string>() == "sla.breached").ToList();
        Assert.Equal(2, breaches.Count);
        Assert.Equal(Wat(4, 30, 17), breaches[1]["at"]!.GetValue<DateTimeOffset>());
        Assert.Equal("Resolution", breaches[1]["data"]!["clock"]!.GetValue<string>());
    }

    [Fact]
    public async Task AResolvedIncident_ClosesItself_AfterThreeBusinessDaysWithoutConfirmation()
    {
        var number = (await _api.OpenAsync(_api.Report("application-support")))["number"]!.GetValue<string>();
        await _server.AdvanceToAsync(Wat(4, 30, 15, 30));
        await _api.CommandAsync(number, "resolve", new JsonObject { ["resolutionCode"] = "fixed", ["resolution"] = "Restarted the result service" });
        var awaiting = Assert.Single(await _api.TimelineAsync(number), e => e["action"]!.GetValue<string>() == "closure.awaiting");
        Assert.Equal(Wat(5, 6, 15, 30), awaiting["data"]!["closesAt"]!.GetValue<DateTimeOffset>());

        await _server.AdvanceToAsync(Wat(5, 6, 15));
        Assert.Equal("Resolved", (await _api.IncidentAsync(number))["state"]!.GetValue<string>());

        await _server.AdvanceToAsync(Wat(5, 6, 16));
        var closed = await _api.IncidentAsync(number);
        Assert.Equal("Closed", closed["state"]!.GetValue<string>());
        Assert.Equal("AutoClosed", closed["closure"]!["kind"]!.GetValue<string>());
        var entry = Assert.Single(await _api.TimelineAsync(number), e => e["action"]!.GetValue<string>() == "incident.closed");
        Assert.Equal(("system", Wat(5, 6, 15, 30)), (entry["actor"]!.GetValue<string>(), entry["at"]!.GetValue<DateTimeOffset>()));
    }

    [Fact]
    public async Task Reopening_SendsTheIncidentBackToTheClocks_ThenItClosesOnConfirmation()
    {
        var number = (await _api.OpenAsync(_api.Report("application-support", "High", "Medium")))["number"]!.GetValue<string>();
        await _api.CommandAsync(number, "acknowledge", by: _api.Engineer);
        await _server.AdvanceToAsync(Wat(4, 30, 15, 30));
        await _api.CommandAsync(number, "resolve", new JsonObject { ["resolutionCode"] = "fixed", ["resolution"] = "Cleared the cache" }, _api.Engineer);
        Assert.Equal("Paused", (await _api.ClockAsync(number, "Resolution"))["status"]!.GetValue<string>());

        await _server.AdvanceToAsync(Wat(4, 30, 16, 30));
        var reopened = await _api.CommandAsync(number, "reopen", new JsonObject { ["reason"] = "Still failing for virology" }, _api.Reporter);
        Assert.Equal("Diagnosis", reopened["state"]!.GetValue<string>());
        Assert.Equal(Wat(5, 4, 11), await _api.DueAsync(number, "Resolution"));

        await _api.CommandAsync(number, "resolve", new JsonObject { ["resolutionCode"] = "fixed", ["resolution"] = "Rebuilt the index" }, _api.Engineer);
        var closed = await _api.CommandAsync(number, "confirm", by: _api.Reporter);
        Assert.Equal("Closed", closed["state"]!.GetValue<string>());
        Assert.Equal(1, closed["reopenCount"]!.GetValue<int>());
        var instance = (await HttpAssert.StatusAsync(HttpStatusCode.OK, await _server.Admin.GetAsync($"api/workflow-instances/{closed["workflowInstanceId"]}")))!;
        Assert.Equal("Finished", instance["status"]!.GetValue<string>());
        Assert.Equal(2, (await _api.ActionsAsync(number)).Count(a => a == "closure.awaiting"));
    }
}
