using System.Net;
using System.Text.Json.Nodes;
using ChangeFlow.Application.Security;
using ChangeFlow.Testing;
using ChangeFlow.Web.Tests.Support;
using static ChangeFlow.Web.Tests.Incidents.AlertmanagerPayloads;
using static ChangeFlow.Web.Tests.Incidents.IncidentApiDriver;

namespace ChangeFlow.Web.Tests.Incidents;

/// <summary>
/// <c>POST /api/alerts/alertmanager</c> with real version-4 notifications over Kestrel, authenticated by the API token
/// of a monitoring account: firing opens an incident, a repeated notification changes nothing, a new alert of the
/// group updates it, resolved alerts are recorded. Each test has a server of its own (some change the settings).
/// </summary>
public sealed class AlertmanagerWebhookTests : IAsyncLifetime
{
    private ChangeFlowServer _server = null!;
    private IncidentApiDriver _api = null!;
    private TestUser _monitoring = null!;

    public async Task InitializeAsync()
    {
        _server = await ChangeFlowServer.StartAsync(new ChangeFlowServerOptions { WorkflowsDirectory = RepositoryPaths.Workflows, ClockStart = ThursdayBeforeWorkersDay });
        _api = await SetUpAsync(_server);
        _monitoring = await _server.CreateUserAsync(Roles.ServiceDeskAgent);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<JsonNode> PostAsync(JsonObject notification, HttpStatusCode expected = HttpStatusCode.OK) =>
        (await HttpAssert.StatusAsync(expected, await _monitoring.Client.PostAsync("api/alerts/alertmanager", Json(notification))))!;

    private static JsonNode Outcome(JsonNode answer) => Assert.Single(answer["outcomes"]!.AsArray())!;

    [Fact]
    public async Task Firing_OpensAPrioritizedIncident_ARepeatUpdatesNothing_AndResolvedIsRecorded()
    {
        var firing = Notification("LimsDown", Alert("LimsDown", "lims-prod-01:443", "5f3e2a1b9c8d7e6f"));

        var opened = Outcome(await PostAsync(firing));
        Assert.Equal("opened", opened["action"]!.GetValue<string>());
        var number = opened["incident"]!.GetValue<string>();
        var incident = await _api.IncidentAsync(number);
        Assert.Equal("MonitoringAlert", incident["source"]!.GetValue<string>());
        Assert.Equal("P1", incident["priority"]!.GetValue<string>());
        Assert.Equal("application-support", incident["serviceId"]!.GetValue<string>());
        Assert.Equal("monitoring-alert", incident["category"]!.GetValue<string>());
        Assert.Equal("[Alert] LimsDown: LIMS is unreachable", incident["title"]!.GetValue<string>());
        Assert.Equal(_monitoring.Id, incident["reporterId"]!.GetValue<string>());
        Assert.Equal(GroupKey("LimsDown"), incident["alert"]!["groupKey"]!.GetValue<string>());
        Assert.Contains("lims-prod-01:443", incident["description"]!.GetValue<string>(), StringComparison.Ordinal);

        var repeated = Outcome(await PostAsync(firing));
        Assert.Equal(("repeated", number), (repeated["action"]!.GetValue<string>(), repeated["incident"]!.GetValue<string>()));
        Assert.Single(await _api.TimelineAsync(number), e => e["action"]!.GetValue<string>() == "alert.firing");

        var grown = Outcome(await PostAsync(Notification("LimsDown", Alert("LimsDown", "lims-prod-01:443", "5f3e2a1b9c8d7e6f"), Alert("LimsDown", "lims-prod-02:443", "0a1b2c3d4e5f6071"))));
        Assert.Equal("updated", grown["action"]!.GetValue<string>());
        Assert.Equal(2, (await _api.TimelineAsync(number)).Count(e => e["action"]!.GetValue<string>() == "alert.firing"));

        var resolved = Outcome(await PostAsync(Notification("LimsDown", Alert("LimsDown", "lims-prod-01:443", "5f3e2a1b9c8d7e6f", firing: false), Alert("LimsDown", "lims-prod-02:443", "0a1b2c3d4e5f6071", firing: false))));
        Assert.Equal("updated", resolved["action"]!.GetValue<string>());
        var recorded = Assert.Single(await _api.TimelineAsync(number), e => e["action"]!.GetValue<string>() == "alert.resolved");
        Assert.Contains("all alerts resolved", recorded["summary"]!.GetValue<string>(), StringComparison.Ordinal);
        var after = await _api.IncidentAsync(number);
        Assert.Equal("Prioritized", after["state"]!.GetValue<string>());
        Assert.Equal("resolved", after["alert"]!["status"]!.GetValue<string>());
        Assert.Equal(1, (await HttpAssert.StatusAsync(HttpStatusCode.OK, await _api.Agent.Client.GetAsync("api/incidents?service=application-support")))!["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task Webhook_NeedsAServiceDeskToken_AndNamesEveryBadField()
    {
        var firing = Notification("LimsDown", Alert("LimsDown", "lims-prod-01:443", "5f3e2a1b9c8d7e6f"));
        using var anonymous = _server.CreateClient();
        await HttpAssert.StatusAsync(HttpStatusCode.Unauthorized, await anonymous.PostAsync("api/alerts/alertmanager", Json(firing)));
        using var wrongToken = _server.CreateClient("cfp_not-a-token");
        await HttpAssert.StatusAsync(HttpStatusCode.Unauthorized, await wrongToken.PostAsync("api/alerts/alertmanager", Json(firing)));
        await HttpAssert.StatusAsync(HttpStatusCode.Forbidden, await _api.Reporter.Client.PostAsync("api/alerts/alertmanager", Json(firing)));

        var bad = Notification("LimsDown", Alert("LimsDown", "lims-prod-01:443", ""));
        bad["version"] = "3";
        var problem = await HttpAssert.FieldErrorAsync(await _monitoring.Client.PostAsync("api/alerts/alertmanager", Json(bad)), "version", "invalid");
        Assert.NotNull(problem["errors"]!["alerts[0].fingerprint"]);
        await HttpAssert.FieldErrorAsync(await _monitoring.Client.PostAsync("api/alerts/alertmanager", Json(new JsonObject { ["version"] = "4", ["alerts"] = 3 })), "alerts", "invalid");
        Assert.Equal(0, (await HttpAssert.StatusAsync(HttpStatusCode.OK, await _api.Agent.Client.GetAsync("api/incidents")))!["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task ResolvedAlerts_ResolveTheIncident_WhenConfigured_AndFiringAgainReopensIt()
    {
        await EditSettingsAsync(s => s["alertmanager"]!["resolveWhenAlertsResolve"] = true);
        var number = Outcome(await PostAsync(Notification("VpnGatewayDown", Alert("VpnGatewayDown", "vpn-gw-01", "77aa", severity: "warning", service: "vpn"))))["incident"]!.GetValue<string>();
        Assert.Equal(("P3", "vpn-remote-access"), ((await _api.IncidentAsync(number))["priority"]!.GetValue<string>(), (await _api.IncidentAsync(number))["serviceId"]!.GetValue<string>()));

        var resolved = Outcome(await PostAsync(Notification("VpnGatewayDown", Alert("VpnGatewayDown", "vpn-gw-01", "77aa", firing: false, severity: "warning", service: "vpn"))));
        Assert.Equal("resolved", resolved["action"]!.GetValue<string>());
        var incident = await _api.IncidentAsync(number);
        Assert.Equal("Resolved", incident["state"]!.GetValue<string>());
        Assert.Equal("alert-resolved", incident["resolution"]!["code"]!.GetValue<string>());

        var again = Outcome(await PostAsync(Notification("VpnGatewayDown", Alert("VpnGatewayDown", "vpn-gw-01", "77aa", severity: "warning", service: "vpn"))));
        Assert.Equal(("reopened", number), (again["action"]!.GetValue<string>(), again["incident"]!.GetValue<string>()));
        Assert.Equal("Diagnosis", (await _api.IncidentAsync(number))["state"]!.GetValue<string>());
    }

    [Fact]
    public async Task Fingerprints_OpenAnIncidentPerAlert_WhenConfigured_WithImpactAndUrgencyFromLabels()
    {
        await EditSettingsAsync(s => s["alertmanager"]!["deduplicateBy"] = "Fingerprint");
        var labels = new JsonObject { ["impact"] = "Low", ["urgency"] = "High" };

        var answer = await PostAsync(Notification("BackupFailed", Alert("BackupFailed", "backup-01", "f1", service: "backup-recovery", extraLabels: labels), Alert("BackupFailed", "backup-02", "f2", service: "backup-recovery", extraLabels: labels)));

        var outcomes = answer["outcomes"]!.AsArray();
        Assert.Equal(["opened", "opened"], outcomes.Select(o => o!["action"]!.GetValue<string>()));
        var numbers = outcomes.Select(o => o!["incident"]!.GetValue<string>()).Distinct().ToList();
        Assert.Equal(2, numbers.Count);
        var incident = await _api.IncidentAsync(numbers[0]);
        Assert.Equal(("Low", "High", "P3", "backup-recovery"), (incident["impact"]!.GetValue<string>(), incident["urgency"]!.GetValue<string>(), incident["priority"]!.GetValue<string>(), incident["serviceId"]!.GetValue<string>()));
    }

    private async Task EditSettingsAsync(Action<JsonObject> edit)
    {
        using var read = await _server.Admin.GetAsync("api/incident-config/settings");
        var settings = (await HttpAssert.StatusAsync(HttpStatusCode.OK, read))!["document"]!.AsObject();
        edit(settings);
        using var put = new HttpRequestMessage(HttpMethod.Put, "api/incident-config/settings") { Content = Json(settings) };
        put.Headers.IfMatch.Add(read.Headers.ETag!);
        await HttpAssert.StatusAsync(HttpStatusCode.OK, await _server.Admin.SendAsync(put));
    }
}
