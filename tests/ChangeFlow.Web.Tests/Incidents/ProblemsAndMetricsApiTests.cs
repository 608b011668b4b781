using System.Net;
using System.Text.Json.Nodes;
using ChangeFlow.Application.Changes;
using ChangeFlow.Domain.Changes;
using ChangeFlow.Domain.Demo;
using ChangeFlow.Testing;
using ChangeFlow.Web.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static ChangeFlow.Web.Tests.Incidents.IncidentApiDriver;

namespace ChangeFlow.Web.Tests.Incidents;

/// <summary>
/// Problems and known errors linked to incidents, and the metrics: MTTA, MTTR, SLA compliance, backlog, change
/// success and failure rates. A server of its own, so the figures count only this test's records.
/// </summary>
public sealed class ProblemsAndMetricsApiTests : IAsyncLifetime
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
    public async Task Problem_BecomesAKnownError_AndListsItsIncidents()
    {
        var first = (await _api.OpenAsync(_api.Report("application-support")))["number"]!.GetValue<string>();
        var second = (await _api.OpenAsync(_api.Report("application-support")))["number"]!.GetValue<string>();
        using var created = await _api.Agent.Client.PostAsync("api/problems", Json(new JsonObject { ["title"] = "LIMS result entry fails weekly", ["serviceId"] = "application-support" }));
        var problem = (await HttpAssert.StatusAsync(HttpStatusCode.Created, created))!;
        var number = problem["number"]!.GetValue<string>();
        Assert.Matches(@"^PRB-2026-\d{4}$", number);

        foreach (var incident in new[] { first, second })
        {
            await HttpAssert.StatusAsync(HttpStatusCode.OK, await _api.Agent.Client.PutAsync($"api/incidents/{incident}/problem", Json(new JsonObject { ["problem"] = number })));
        }

        await HttpAssert.StatusAsync(HttpStatusCode.Conflict, await _api.Agent.Client.PostAsync($"api/problems/{number}/close", Json(new JsonObject())));
        await HttpAssert.FieldErrorAsync(await _api.Agent.Client.PostAsync($"api/problems/{number}/known-error", Json(new JsonObject { ["rootCause"] = "x" })), "workaround", "required");
        await HttpAssert.StatusAsync(HttpStatusCode.OK, await _api.Agent.Client.PostAsync($"api/problems/{number}/investigate", Json(new JsonObject())));
        var known = (await HttpAssert.StatusAsync(HttpStatusCode.OK, await _api.Agent.Client.PostAsync($"api/problems/{number}/known-error", Json(new JsonObject
        {
            ["workaround"] = "Restart the result service",
            ["rootCause"] = "Index bloat on lims-db-01",
        }))))!;
        Assert.True(known["knownError"]!.GetValue<bool>());

        var read = (await HttpAssert.StatusAsync(HttpStatusCode.OK, await _api.Agent.Client.GetAsync($"api/problems/{number}")))!;
        Assert.Equal([second, first], read["incidents"]!.AsArray().Select(i => i!["number"]!.GetValue<string>()));

        // Outside the service desk a problem lists only the incidents the caller may read.
        var seenByStranger = (await HttpAssert.StatusAsync(HttpStatusCode.OK, await _api.Stranger.Client.GetAsync($"api/problems/{number}")))!;
        Assert.Empty(seenByStranger["incidents"]!.AsArray());
        var seenByReporter = (await HttpAssert.StatusAsync(HttpStatusCode.OK, await _api.Reporter.Client.GetAsync($"api/problems/{number}")))!;
        Assert.Equal([second, first], seenByReporter["incidents"]!.AsArray().Select(i => i!["number"]!.GetValue<string>()));
        Assert.Equal("Restart the result service", read["workaround"]!.GetValue<string>());
        var knownErrors = (await HttpAssert.StatusAsync(HttpStatusCode.OK, await _api.Agent.Client.GetAsync("api/problems?state=KnownError")))!;
        Assert.Equal(1, knownErrors["total"]!.GetValue<int>());
        await HttpAssert.StatusAsync(HttpStatusCode.Forbidden, await _api.Reporter.Client.PostAsync("api/problems", Json(new JsonObject { ["title"] = "x" })));
    }

    [Fact]
    public async Task Metrics_GiveMttaMttrComplianceBacklog_AndTheChangeFailureRate()
    {
        // Two changes implemented: RFC-2026-014 successful, another rolled back; an incident is then caused by the first.
        var changes = _server.Services.GetRequiredService<IChangeStore>();
        var successful = await StoreImplementedChangeAsync(changes, ChangeOutcome.Successful);
        await StoreImplementedChangeAsync(changes, ChangeOutcome.RolledBack);

        // P2 on application support: acknowledged after 30 min, resolved after 1 h (within 4h).
        var met = (await _api.OpenAsync(_api.Report("application-support", "High", "Medium")))["number"]!.GetValue<string>();
        await _server.AdvanceToAsync(Wat(4, 30, 15, 30));
        await _api.CommandAsync(met, "acknowledge", by: _api.Engineer);
        await _server.AdvanceToAsync(Wat(4, 30, 16));
        await _api.CommandAsync(met, "resolve", new JsonObject { ["resolutionCode"] = "fixed", ["resolution"] = "Restarted" }, _api.Engineer);
        await HttpAssert.StatusAsync(HttpStatusCode.OK, await _api.Agent.Client.PutAsync($"api/incidents/{met}/caused-by", Json(new JsonObject { ["change"] = successful })));

        // Another P2, acknowledged after 2h30 (response missed), still open when its resolution target passes.
        var missed = (await _api.OpenAsync(_api.Report("application-support", "High", "Medium")))["number"]!.GetValue<string>();
        await _server.AdvanceToAsync(Wat(5, 4, 9, 30));
        await _api.CommandAsync(missed, "acknowledge", by: _api.Engineer);
        await _server.AdvanceToAsync(Wat(5, 4, 12));
        var untouched = (await _api.OpenAsync(new JsonObject { ["title"] = "Printer jam", ["description"] = "Lab 2 printer", ["serviceId"] = "workstations" }, _api.Reporter))["number"]!.GetValue<string>();
        Assert.NotNull(untouched);

        var report = (await HttpAssert.StatusAsync(HttpStatusCode.OK, await _api.Agent.Client.GetAsync($"api/metrics?from={Uri.EscapeDataString(Wat(4, 1, 0).ToString("O"))}&to={Uri.EscapeDataString(Wat(6, 1, 0).ToString("O"))}")))!;
        var incidents = report["incidents"]!;
        Assert.Equal(3, incidents["opened"]!.GetValue<int>());
        Assert.Equal(1, incidents["resolved"]!.GetValue<int>());
        Assert.Equal(TimeSpan.FromHours(1), TimeSpan.Parse(incidents["meanTimeToResolve"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(incidents["meanTimeToAcknowledge"] is not null);
        var compliance = incidents["compliance"]!.AsArray().Single(c => c!["serviceId"]!.GetValue<string>() == "application-support" && c["priority"]!.GetValue<string>() == "P2")!;
        Assert.Equal((2, 2, 1, 2, 1), (compliance["incidents"]!.GetValue<int>(), compliance["responseMeasured"]!.GetValue<int>(), compliance["responseMet"]!.GetValue<int>(), compliance["resolutionMeasured"]!.GetValue<int>(), compliance["resolutionMet"]!.GetValue<int>()));
        Assert.Equal(0.5, compliance["resolutionCompliance"]!.GetValue<double>());
        Assert.Equal(1, incidents["backlogByPriority"]!["P2"]!.GetValue<int>());
        Assert.Equal(1, incidents["backlogByPriority"]!["none"]!.GetValue<int>());

        var changeFigures = report["changes"]!;
        Assert.Equal((2, 0, 2, 1, 1), (changeFigures["completed"]!.GetValue<int>(), changeFigures["successful"]!.GetValue<int>(), changeFigures["failed"]!.GetValue<int>(), changeFigures["rolledBack"]!.GetValue<int>(), changeFigures["causedIncidents"]!.GetValue<int>()));
        Assert.Equal(1.0, changeFigures["failureRate"]!.GetValue<double>());
        Assert.Equal(0.0, changeFigures["successRate"]!.GetValue<double>());
    }

    /// <summary>Stores the seed's RFC as a change implemented with <paramref name="outcome"/> (in Review), as its workflow leaves it.</summary>
    private async Task<string> StoreImplementedChangeAsync(IChangeStore changes, ChangeOutcome outcome)
    {
        var now = _server.Clock.GetUtcNow();
        var number = await changes.AllocateNumberAsync(2026, CancellationToken.None);
        var change = DemoData.Rfc2026014() with { Number = number };
        foreach (var (to, result) in new (ChangeState, ChangeOutcome?)[] { (ChangeState.Assess, null), (ChangeState.Authorize, null), (ChangeState.Scheduled, null), (ChangeState.Implement, null), (ChangeState.Review, outcome) })
        {
            var moved = change.Transition(change.State, to, now.AddMinutes(-10 + (int)to), "change-manager", result);
            Assert.True(moved.IsApplied, string.Join("; ", moved.Errors));
            change = moved.Change;
        }

        await changes.AddAsync(new ChangeRecord { Change = change, CreatedBy = "change-manager", CreatedAt = now, UpdatedAt = now, Version = 1 }, CancellationToken.None);
        return number.ToString();
    }
}
