using System.Net;
using System.Text.Json.Nodes;
using ChangeFlow.Web.Tests.Support;

namespace ChangeFlow.Web.Tests.Incidents;

/// <summary>
/// The seven-step lifecycle over HTTP on one server whose clock stands still (Thursday 2026-04-30 15:00 WAT): each
/// test opens incidents of its own.
/// </summary>
public sealed class IncidentLifecycleApiTests(IncidentApiFixture fixture) : IClassFixture<IncidentApiFixture>, IAsyncLifetime
{
    private IncidentApiDriver _api = null!;

    public async Task InitializeAsync() => _api = await IncidentApiDriver.SetUpAsync(fixture.Server);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Open_LogsCategorizesPrioritizesAndAssigns_AndStartsTheLifecycleWorkflow()
    {
        var incident = await _api.OpenAsync(_api.Report("application-support", "High", "Medium"));

        var number = incident["number"]!.GetValue<string>();
        Assert.Matches(@"^INC-2026-\d{4}$", number);
        Assert.Equal("Prioritized", incident["state"]!.GetValue<string>());
        Assert.Equal("P2", incident["priority"]!.GetValue<string>());
        Assert.Equal("service-desk", incident["assignmentGroup"]!.GetValue<string>());
        Assert.Equal(_api.Reporter.Id, incident["reporterId"]!.GetValue<string>());
        Assert.NotNull(incident["workflowInstanceId"]);
        Assert.Equal(
            ["incident.identified", "incident.logged", "incident.categorized", "incident.prioritized", "incident.assigned", "sla.tracking"],
            await _api.ActionsAsync(number));
        var tracking = (await _api.TimelineAsync(number))[^1];
        Assert.Equal("track", tracking["workflowStep"]!["activityId"]!.GetValue<string>());
        Assert.Equal(IncidentApiDriver.Wat(4, 30, 17), await _api.DueAsync(number, "Response"));
        Assert.Equal(IncidentApiDriver.Wat(5, 4, 10), await _api.DueAsync(number, "Resolution"));
    }

    [Fact]
    public async Task Lifecycle_RunsToClosure_ThroughEveryStep_WithTheReporterConfirming()
    {
        var report = new JsonObject { ["title"] = "Scanner in virology does not scan", ["description"] = "The scanner shows a red light.", ["serviceId"] = "workstations" };
        var identified = await _api.OpenAsync(report, _api.Reporter);
        var number = identified["number"]!.GetValue<string>();
        Assert.Equal("Logged", identified["state"]!.GetValue<string>());

        await _api.CommandAsync(number, "categorize", new JsonObject { ["category"] = "hardware" });
        var prioritized = await _api.CommandAsync(number, "prioritize", new JsonObject { ["impact"] = "Low", ["urgency"] = "Low" });
        Assert.Equal("P4", prioritized["priority"]!.GetValue<string>());
        await _api.CommandAsync(number, "assign", new JsonObject { ["group"] = "it-support", ["assignee"] = _api.Engineer.Email });
        await _api.CommandAsync(number, "acknowledge", new JsonObject { ["note"] = "On my way" }, _api.Engineer);
        await _api.CommandAsync(number, "diagnosis", new JsonObject { ["probableCause"] = "Worn USB cable" }, _api.Engineer);
        var resolved = await _api.CommandAsync(number, "resolve", new JsonObject { ["resolutionCode"] = "fixed", ["resolution"] = "Replaced the cable" }, _api.Engineer);
        Assert.Equal("Resolved", resolved["state"]!.GetValue<string>());

        // Someone who neither reported it nor works on it does not see it at all.
        await HttpAssert.StatusAsync(HttpStatusCode.NotFound, await _api.PostAsync(number, "confirm", by: _api.Stranger));
        var closed = await _api.CommandAsync(number, "confirm", new JsonObject { ["comment"] = "Scans again" }, _api.Reporter);

        Assert.Equal("Closed", closed["state"]!.GetValue<string>());
        Assert.Equal("Confirmed", closed["closure"]!["kind"]!.GetValue<string>());
        var actions = await _api.ActionsAsync(number);
        Assert.Equal(
            ["incident.identified", "incident.logged", "incident.assigned", "sla.tracking", "incident.categorized", "incident.prioritized", "sla.rescheduled",
             "incident.assigned", "incident.diagnosis", "incident.diagnosed", "incident.resolved", "closure.awaiting", "incident.closed"],
            actions);
        var instance = (await HttpAssert.StatusAsync(HttpStatusCode.OK, await fixture.Server.Admin.GetAsync($"api/workflow-instances/{closed["workflowInstanceId"]}")))!;
        Assert.Equal("Finished", instance["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Acknowledge_BeforePrioritization_Is409_NamingTheAllowedMoves_AndStoresNothing()
    {
        var report = new JsonObject { ["title"] = "VPN drops", ["description"] = "Drops every 10 minutes", ["serviceId"] = "vpn-remote-access" };
        var number = (await _api.OpenAsync(report, _api.Reporter))["number"]!.GetValue<string>();
        var before = await _api.IncidentAsync(number);

        var body = (await HttpAssert.StatusAsync(HttpStatusCode.Conflict, await _api.PostAsync(number, "acknowledge")))!;

        Assert.Contains("cannot move to Diagnosis", body["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("Categorized", body["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(before["version"]!.GetValue<long>(), (await _api.IncidentAsync(number))["version"]!.GetValue<long>());
    }

    [Fact]
    public async Task Open_ByAUser_RefusesAgentOnlyFields_AndReportsEveryBadFieldWithItsPath()
    {
        using var userFields = await _api.Reporter.Client.PostAsync("api/incidents", IncidentApiDriver.Json(_api.Report("application-support")));
        var body = await HttpAssert.FieldErrorAsync(userFields, "impact", "not_allowed");
        Assert.NotNull(body["errors"]!["category"]);

        using var bad = await _api.Agent.Client.PostAsync("api/incidents", IncidentApiDriver.Json(new JsonObject
        {
            ["title"] = "",
            ["description"] = "x",
            ["serviceId"] = "no-such-service",
            ["category"] = "weather",
            ["impact"] = "Huge",
        }));
        var problem = await HttpAssert.FieldErrorAsync(bad, "title", "required");
        Assert.Equal(["impact", "title"], problem["errors"]!.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal));

        using var unknown = await _api.Agent.Client.PostAsync("api/incidents", IncidentApiDriver.Json(new JsonObject
        {
            ["title"] = "t", ["description"] = "x", ["serviceId"] = "no-such-service", ["category"] = "weather", ["impact"] = "High",
        }));
        var refused = await HttpAssert.FieldErrorAsync(unknown, "serviceId", "unknown");
        Assert.NotNull(refused["errors"]!["category"]);
        Assert.NotNull(refused["errors"]!["urgency"]);
    }

    [Fact]
    public async Task Commands_WithAStaleIfMatch_Are409_AndAReplayedIdempotencyKeyRunsOnce()
    {
        var number = (await _api.OpenAsync(_api.Report("application-support")))["number"]!.GetValue<string>();
        var version = (await _api.IncidentAsync(number))["version"]!.GetValue<long>();

        await HttpAssert.StatusAsync(HttpStatusCode.Conflict, await _api.PostAsync(number, "assign", new JsonObject { ["group"] = "it-operations" }, ifMatch: version - 1));
        var first = await _api.PostAsync(number, "assign", new JsonObject { ["group"] = "it-operations" }, ifMatch: version, idempotencyKey: "assign-1");
        var again = await _api.PostAsync(number, "assign", new JsonObject { ["group"] = "it-operations" }, ifMatch: version, idempotencyKey: "assign-1");

        await HttpAssert.StatusAsync(HttpStatusCode.OK, first);
        await HttpAssert.StatusAsync(HttpStatusCode.OK, again);
        Assert.True(again.Headers.Contains("Idempotent-Replayed"));
        Assert.Single(await _api.TimelineAsync(number), e => e["action"]!.GetValue<string>() == "incident.assigned" && e["data"]!["group"]!.GetValue<string>() == "it-operations");
    }

    [Fact]
    public async Task Crisis_IsRefusedForAP2_AndTellsTheExecutiveListForAP1WithHighImpact()
    {
        var p2 = (await _api.OpenAsync(_api.Report("application-support", "High", "Medium")))["number"]!.GetValue<string>();
        var p1 = (await _api.OpenAsync(_api.Report("application-support", "High", "High", "LIMS down in every lab")))["number"]!.GetValue<string>();

        await HttpAssert.StatusAsync(HttpStatusCode.Conflict, await _api.PostAsync(p2, "crisis", new JsonObject { ["reason"] = "x" }));
        var crisis = await _api.CommandAsync(p1, "crisis", new JsonObject { ["reason"] = "No lab can record results; surveillance reporting stopped" });

        Assert.Equal("No lab can record results; surveillance reporting stopped", crisis["crisis"]!["reason"]!.GetValue<string>());
        var message = Assert.Single(await _api.OutboxAsync(p1), m => m.Kind == "incident-crisis");
        Assert.Equal(["director-general@example.org", "head-of-it@example.org", "communications@example.org"], message.To.Select(r => r.Address));
        Assert.StartsWith($"CRISIS {p1}", message.Subject, StringComparison.Ordinal);
        Assert.Contains("surveillance reporting stopped", message.TextBody, StringComparison.Ordinal);
        await HttpAssert.StatusAsync(HttpStatusCode.Conflict, await _api.PostAsync(p1, "crisis", new JsonObject { ["reason"] = "again" }));
    }

    [Fact]
    public async Task Escalate_Functionally_HandsTheIncidentToTheNextTier_AndQueuesTheNoticeForThatGroup()
    {
        var number = (await _api.OpenAsync(_api.Report("application-support")))["number"]!.GetValue<string>();
        var due = await _api.DueAsync(number, "Resolution");

        var escalated = await _api.CommandAsync(number, "escalate", new JsonObject { ["kind"] = "Functional", ["reason"] = "Needs the LIMS database" });

        Assert.Equal("it-operations", escalated["assignmentGroup"]!.GetValue<string>());
        Assert.Equal(due, await _api.DueAsync(number, "Resolution"));
        var notice = Assert.Single(await _api.OutboxAsync(number), m => m.Kind == "incident-escalation");
        Assert.Contains(_api.Engineer.Email, notice.To.Select(r => r.Address));
        Assert.DoesNotContain(_api.Agent.Email, notice.To.Select(r => r.Address));
        Assert.Equal($"{number}:escalation:next-tier", notice.IdempotencyKey);

        var hierarchical = await _api.CommandAsync(number, "escalate", new JsonObject { ["kind"] = "Hierarchical", ["reason"] = "Lab director asks" });
        Assert.Equal(2, hierarchical["escalations"]!.AsArray().Count);
        Assert.Contains(await _api.OutboxAsync(number), m => m.Kind == "incident-escalation" && m.To.Any(r => r.Address == "it-operations-lead@example.org"));
    }

    [Fact]
    public async Task Links_NeedAnExistingProblemAndChange()
    {
        var number = (await _api.OpenAsync(_api.Report("application-support")))["number"]!.GetValue<string>();

        using var noProblem = await _api.Agent.Client.PutAsync($"api/incidents/{number}/problem", IncidentApiDriver.Json(new JsonObject { ["problem"] = "PRB-2026-9999" }));
        using var badChange = await _api.Agent.Client.PutAsync($"api/incidents/{number}/caused-by", IncidentApiDriver.Json(new JsonObject { ["change"] = "RFC-26-1" }));
        using var noChange = await _api.Agent.Client.PutAsync($"api/incidents/{number}/caused-by", IncidentApiDriver.Json(new JsonObject { ["change"] = "RFC-2026-999" }));

        await HttpAssert.FieldErrorAsync(noProblem, "problem", "unknown");
        await HttpAssert.FieldErrorAsync(badChange, "change", "invalid");
        await HttpAssert.FieldErrorAsync(noChange, "change", "unknown");
    }
}
