using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using ChangeFlow.Application.Security;
using ChangeFlow.Testing;
using ChangeFlow.Web.Tests.Changes;
using ChangeFlow.Web.Tests.Support;

namespace ChangeFlow.Web.Tests.Incidents;

/// <summary>A fact that runs only where Debian's Alertmanager is installed (scripts/test.sh installs it).</summary>
public sealed class AlertmanagerFactAttribute : FactAttribute
{
    /// <summary>Where Debian's <c>prometheus-alertmanager</c> package puts the binary.</summary>
    public const string Binary = "/usr/bin/prometheus-alertmanager";

    public AlertmanagerFactAttribute()
    {
        if (!File.Exists(Binary))
        {
            Skip = $"{Binary} is not installed (apt-get install prometheus-alertmanager; scripts/test.sh does).";
        }
    }
}

/// <summary>
/// The real Prometheus Alertmanager (Debian's binary) on loopback, with a webhook receiver pointed at the running
/// service and authenticated by a monitoring account's API token: a test alert posted to Alertmanager's API reaches
/// ChangeFlow as a version-4 notification and opens an incident; ending the alert sends the resolved notification.
/// </summary>
public sealed class AlertmanagerProcessTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(1);

    private ChangeFlowServer _server = null!;
    private string _directory = null!;
    private Process? _alertmanager;

    public async Task InitializeAsync()
    {
        _server = await ChangeFlowServer.StartAsync(new ChangeFlowServerOptions { WorkflowsDirectory = RepositoryPaths.Workflows });
        _directory = Directory.CreateTempSubdirectory("changeflow-alertmanager-").FullName;
    }

    public async Task DisposeAsync()
    {
        if (_alertmanager is { HasExited: false } process)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }

        _alertmanager?.Dispose();
        await _server.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [AlertmanagerFact]
    public async Task ATestAlert_ThroughTheRealAlertmanager_OpensAnIncident_AndItsEndIsRecorded()
    {
        var monitoring = await _server.CreateUserAsync(Roles.ServiceDeskAgent);
        var port = FreePort();
        var config = Path.Combine(_directory, "alertmanager.yml");
        await File.WriteAllTextAsync(config, $"""
            route:
              receiver: changeflow
              group_by: [alertname]
              group_wait: 1s
              group_interval: 1s
              repeat_interval: 1h
            receivers:
              - name: changeflow
                webhook_configs:
                  - url: {_server.BaseAddress}api/alerts/alertmanager
                    send_resolved: true
                    http_config:
                      authorization:
                        type: Bearer
                        credentials: {monitoring.Token}
            """);
        _alertmanager = Process.Start(new ProcessStartInfo(AlertmanagerFactAttribute.Binary,
        [
            $"--config.file={config}",
            $"--storage.path={Path.Combine(_directory, "data")}",
            $"--web.listen-address=127.0.0.1:{port}",
            "--cluster.listen-address=",
            "--log.level=warn",
        ])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var log = new System.Text.StringBuilder();
        _alertmanager.OutputDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        _alertmanager.ErrorDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        _alertmanager.BeginOutputReadLine();
        _alertmanager.BeginErrorReadLine();

        using var alertmanager = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
        await ChangeApiDriver.WaitUntilAsync("Alertmanager to be ready", async () =>
        {
            Assert.False(_alertmanager.HasExited, $"Alertmanager exited: {log}");
            try
            {
                return (await alertmanager.GetAsync("-/ready")).IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, Patience);

        var startsAt = DateTimeOffset.UtcNow.AddSeconds(-30);
        await PostAlertAsync(alertmanager, startsAt, endsAt: null);
        var agent = await _server.CreateUserAsync(Roles.ServiceDeskAgent);
        JsonNode? incident = null;
        await ChangeApiDriver.WaitUntilAsync($"the incident from Alertmanager (log: {log})", async () =>
        {
            var page = (await HttpAssert.StatusAsync(HttpStatusCode.OK, await agent.Client.GetAsync("api/incidents")))!;
            incident = page["items"]!.AsArray().FirstOrDefault();
            return incident is not null;
        }, Patience);

        var number = incident!["number"]!.GetValue<string>();
        Assert.Equal("MonitoringAlert", incident["source"]!.GetValue<string>());
        Assert.Equal("P1", incident["priority"]!.GetValue<string>());
        Assert.Equal("application-support", incident["serviceId"]!.GetValue<string>());
        Assert.Equal("changeflow", incident["alert"]!["receiver"]!.GetValue<string>());
        Assert.Equal("{}:{alertname=\"ChangeFlowTestAlert\"}", incident["alert"]!["groupKey"]!.GetValue<string>());
        Assert.Equal(monitoring.Id, incident["reporterId"]!.GetValue<string>());

        await PostAlertAsync(alertmanager, startsAt, endsAt: DateTimeOffset.UtcNow.AddSeconds(-1));
        await ChangeApiDriver.WaitUntilAsync($"the resolved notification (log: {log})", async () =>
        {
            var timeline = (await HttpAssert.StatusAsync(HttpStatusCode.OK, await agent.Client.GetAsync($"api/incidents/{number}/timeline")))!.AsArray();
            return timeline.Any(e => e!["action"]!.GetValue<string>() == "alert.resolved");
        }, Patience);

        var page = (await HttpAssert.StatusAsync(HttpStatusCode.OK, await agent.Client.GetAsync("api/incidents")))!;
        Assert.Equal(1, page["total"]!.GetValue<int>());
        var timelineAfter = (await HttpAssert.StatusAsync(HttpStatusCode.OK, await agent.Client.GetAsync($"api/incidents/{number}/timeline")))!.AsArray();
        Assert.Single(timelineAfter, e => e!["action"]!.GetValue<string>() == "alert.firing");
    }

    private static async Task PostAlertAsync(HttpClient alertmanager, DateTimeOffset startsAt, DateTimeOffset? endsAt)
    {
        var alert = new JsonObject
        {
            ["labels"] = new JsonObject { ["alertname"] = "ChangeFlowTestAlert", ["severity"] = "critical", ["service"] = "lims", ["instance"] = "lims-prod-01:443" },
            ["annotations"] = new JsonObject { ["summary"] = "LIMS is unreachable", ["description"] = "Posted by the ChangeFlow test suite." },
            ["startsAt"] = startsAt.ToString("O", CultureInfo.InvariantCulture),
            ["generatorURL"] = "http://prometheus.monitoring.example:9090/graph",
        };
        if (endsAt is { } ends)
        {
            alert["endsAt"] = ends.ToString("O", CultureInfo.InvariantCulture);
        }

        using var response = await alertmanager.PostAsync("api/v2/alerts", IncidentApiDriver.Json(new JsonArray(alert)));
        Assert.True(response.IsSuccessStatusCode, $"Alertmanager refused the alert: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
