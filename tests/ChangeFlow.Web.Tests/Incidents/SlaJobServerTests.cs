using System.Net;
using System.Text.Json.Nodes;
using ChangeFlow.Testing;
using ChangeFlow.Web.Tests.Changes;
using ChangeFlow.Web.Tests.Support;
using ChangeFlow.Application.Notifications;
using Hangfire;
using netDumbster.smtp;
using Microsoft.Extensions.DependencyInjection;

namespace ChangeFlow.Web.Tests.Incidents;

/// <summary>
/// SLA warnings, breaches and escalations on the system clock through the real scheduler: application support's P2
/// targets are shortened (through the configuration API) to 6 s response and 12 s resolution, round the clock, and
/// nothing but the service's own timers moves the incident on. Once every job has run, each warning, breach and
/// escalation has happened exactly once, never before its due instant, and each queued exactly one outbox message,
/// delivered once to a real SMTP server (netDumbster).
/// Run with the timer dispatcher (Hangfire jobs as the backstop) and with Hangfire alone.
/// </summary>
[Collection(JobServerCollection.Name)]
public sealed class SlaJobServerTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task WarningsBreachesAndEscalations_FireOnTime_ExactlyOnceEach(bool dispatcher)
    {
        using var smtp = Configuration.Configure().WithAddress(IPAddress.Loopback).WithRandomPort().Build();
        await using var server = await ChangeFlowServer.StartAsync(new ChangeFlowServerOptions
        {
            WorkflowsDirectory = RepositoryPaths.Workflows,
            UseSystemClock = true,
            RunJobServer = true,
            Settings =
            {
                ["ChangeFlow:Timers:Dispatcher"] = dispatcher ? "true" : "false",
                ["ChangeFlow:Mail:Smtp:Host"] = "127.0.0.1",
                ["ChangeFlow:Mail:Smtp:Port"] = smtp.Configuration.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["ChangeFlow:Mail:Smtp:Security"] = "None",
            },
        });
        var api = await IncidentApiDriver.SetUpAsync(server);
        await ShortenTargetsAsync(server);

        var incident = await api.OpenAsync(api.Report("application-support", "High", "Medium"));
        var number = incident["number"]!.GetValue<string>();
        var openedAt = incident["openedAt"]!.GetValue<DateTimeOffset>();

        await ChangeApiDriver.WaitUntilAsync("the last escalation", async () => (await api.ActionsAsync(number)).Count(a => a == "incident.escalated") == 3, Patience);
        var storage = server.Services.GetRequiredService<JobStorage>();
        await ChangeApiDriver.WaitUntilAsync("every scheduled job to have run", () =>
        {
            var monitor = storage.GetMonitoringApi();
            return Task.FromResult(monitor.ScheduledCount() + monitor.EnqueuedCount("default") + monitor.ProcessingCount() == 0);
        }, Patience);

        var fired = (await api.TimelineAsync(number)).Where(e => e["action"]!.GetValue<string>() is "sla.warning" or "sla.breached").ToList();
        var expected = new (string Key, double Seconds)[] { ("Response:0.5", 3), ("Response:0.75", 4.5), ("Response:1", 6), ("Resolution:0.5", 6), ("Resolution:0.75", 9), ("Resolution:1", 12) };
        Assert.Equal(expected.Select(e => e.Key).Order(StringComparer.Ordinal), fired.Select(e => e["data"]!["key"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        foreach (var (key, seconds) in expected)
        {
            var entry = Assert.Single(fired, e => e["data"]!["key"]!.GetValue<string>() == key);
            var due = openedAt.AddSeconds(seconds);
            Assert.Equal(due, entry["data"]!["reachedAt"]!.GetValue<DateTimeOffset>());
            Assert.True(entry["at"]!.GetValue<DateTimeOffset>() >= due, $"{key} fired at {entry["at"]}, before it was due at {due:O}.");
            Assert.Equal("system", entry["actor"]!.GetValue<string>());
        }

        var escalations = (await api.TimelineAsync(number)).Where(e => e["action"]!.GetValue<string>() == "incident.escalated").ToList();
        Assert.Equal(["next-tier", "team-manager", "head-of-it"], escalations.Select(e => e["data"]!["level"]!.GetValue<string>()));

        var outbox = await api.OutboxAsync(number);
        Assert.Equal(outbox.Count, outbox.Select(m => m.IdempotencyKey).Distinct().Count());
        Assert.Equal((4, 2, 3), (outbox.Count(m => m.Kind == "incident-sla-warning"), outbox.Count(m => m.Kind == "incident-sla-breach"), outbox.Count(m => m.Kind == "incident-escalation")));
        Assert.Equal(["head-of-it@example.org", "it-operations-lead@example.org"], outbox.Single(m => m.IdempotencyKey == $"{number}:escalation:head-of-it").To.Select(r => r.Address));

        // Every notice reaches the SMTP server, once: warnings, breaches and the three escalation levels.
        var outboxIds = server.Services.GetRequiredService<IOutbox>();
        await ChangeApiDriver.WaitUntilAsync("every notice of the incident sent", async () =>
            (await outboxIds.ListAsync(new OutboxQuery(CorrelationKey: $"incident:{number}"), 0, 500, CancellationToken.None)).Items.All(e => e.Status == OutboxStatus.Sent), Patience);
        var sentIds = (await outboxIds.ListAsync(new OutboxQuery(CorrelationKey: $"incident:{number}"), 0, 500, CancellationToken.None)).Items.Select(e => e.Message.MessageId!).ToHashSet(StringComparer.Ordinal);
        await ChangeApiDriver.WaitUntilAsync("the notices at the SMTP server", () => Task.FromResult(ReceivedIds(smtp).Count(sentIds.Contains) >= sentIds.Count), Patience);
        Assert.Equal(sentIds.Order(StringComparer.Ordinal), ReceivedIds(smtp).Where(sentIds.Contains).Order(StringComparer.Ordinal));
        var headOfIt = smtp.ReceivedEmail.Select(m => MimeKit.MimeMessage.Load(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(m.Data))))
            .Single(m => m.MessageId == outbox.Single(o => o.IdempotencyKey == $"{number}:escalation:head-of-it").MessageId);
        Assert.Equal(["head-of-it@example.org", "it-operations-lead@example.org"], headOfIt.To.Mailboxes.Select(a => a.Address));

        var final = await api.IncidentAsync(number);
        Assert.Equal("it-operations", final["assignmentGroup"]!.GetValue<string>());
        Assert.True((await api.ClockAsync(number, "Resolution"))["breached"]!.GetValue<bool>());
    }

    private static List<string> ReceivedIds(netDumbster.smtp.SimpleSmtpServer smtp) =>
        [.. smtp.ReceivedEmail.Select(m => MimeKit.MimeMessage.Load(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(m.Data))).MessageId ?? "")];

    /// <summary>Application support's P2 targets: 6 s response, 12 s resolution, round the clock (whatever the day the tests run).</summary>
    private static async Task ShortenTargetsAsync(ChangeFlowServer server)
    {
        using var read = await server.Admin.GetAsync("api/incident-config/services/application-support");
        var service = (await HttpAssert.StatusAsync(HttpStatusCode.OK, read))!["document"]!.AsObject();
        service["incidentTargets"]!["P2"] = new JsonObject
        {
            ["response"] = new JsonObject { ["within"] = "PT6S", ["hours"] = "Always" },
            ["resolution"] = new JsonObject { ["within"] = "PT12S", ["hours"] = "Always" },
        };
        using var put = new HttpRequestMessage(HttpMethod.Put, "api/incident-config/services/application-support") { Content = IncidentApiDriver.Json(service) };
        put.Headers.IfMatch.Add(read.Headers.ETag!);
        await HttpAssert.StatusAsync(HttpStatusCode.OK, await server.Admin.SendAsync(put));
    }
}
