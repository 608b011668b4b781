using System.Net;
using System.Net.Http.Json;
using ChangeFlow.Web.Tests.Changes;
using ChangeFlow.Web.Tests.Support;
using MimeKit;
using netDumbster.smtp;

namespace ChangeFlow.Web.Tests.Notifications;

/// <summary>
/// <c>Elsa.SendEmail</c> end to end on the real host: the run commits an outbox row, the pump queues the Hangfire
/// dispatch job, the job sends it to an SMTP server (netDumbster) or, with none configured, writes it to the pickup
/// directory. Real job server, so the system clock; the tests poll the receiver.
/// </summary>
[Collection(JobServerCollection.Name)]
public sealed class MailDeliveryServerTests
{
    private static readonly string Workflows = Path.Combine(AppContext.BaseDirectory, "Notifications", "Workflows");

    [Fact]
    public async Task SendEmail_ReachesTheSmtpServer_ThroughTheOutboxAndTheHangfireJob()
    {
        using var smtp = Configuration.Configure().WithAddress(IPAddress.Loopback).WithRandomPort().Build();
        await using var server = await ChangeFlowServer.StartAsync(new ChangeFlowServerOptions
        {
            WorkflowsDirectory = Workflows,
            UseSystemClock = true,
            RunJobServer = true,
            Settings = new()
            {
                ["ChangeFlow:Mail:Smtp:Host"] = "127.0.0.1",
                ["ChangeFlow:Mail:Smtp:Port"] = smtp.Configuration.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["ChangeFlow:Mail:Smtp:Security"] = "None",
            },
        });

        await HttpAssert.StatusAsync(HttpStatusCode.Created, await server.Admin.PostAsJsonAsync("api/workflow-definitions/mail-end-to-end/instances", new { }));

        await WaitUntilAsync("the message at the SMTP server", () => Task.FromResult(smtp.ReceivedEmailCount >= 1));
        var received = MimeMessage.Load(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(smtp.ReceivedEmail.Single().Data)));
        Assert.Equal("RFC-2026-014 approved for implementation", received.Subject);
        Assert.Equal(["cab@lab.example", "oncall@lab.example"], received.To.Mailboxes.Select(m => m.Address));
        Assert.Equal("change-manager@lab.example", received.From.Mailboxes.Single().Address);
        Assert.Equal("<p>RFC-2026-014 has been approved by the CAB.</p>", received.HtmlBody?.TrimEnd());

        var row = await WaitForRowAsync(server, "Sent");
        Assert.Equal(received.MessageId, row["messageId"]!.GetValue<string>());
        Assert.Equal(1, row["attempts"]!.GetValue<int>());

        var ready = (await HttpAssert.StatusAsync(HttpStatusCode.OK, await server.CreateClient().GetAsync("health/ready")))!;
        Assert.Equal("smtp", ready["checks"]!["mail"]!["data"]!["transport"]!.GetValue<string>());
        Assert.NotNull(ready["checks"]!["mail"]!["data"]!["lastSuccessAt"]);
    }

    [Fact]
    public async Task Outbox_IsDeliveredToThePickupDirectory_AfterHangfiresStorageWasWiped()
    {
        // A node that only serves the API: the run's message is committed and its dispatch job queued, never run.
        await using var server = await ChangeFlowServer.StartAsync(new ChangeFlowServerOptions
        {
            WorkflowsDirectory = Workflows,
            UseSystemClock = true,
            RunJobServer = false,
        });
        await HttpAssert.StatusAsync(HttpStatusCode.Created, await server.Admin.PostAsJsonAsync("api/workflow-definitions/mail-end-to-end/instances", new { }));
        var pending = await WaitForRowAsync(server, "Pending");

        // Hangfire's storage is lost with every job in it; the outbox table still says what is due.
        await server.RestartAsync(runJobServer: true, whileStopped: () =>
        {
            foreach (var file in Directory.GetFiles(server.DataDirectory, "hangfire.db*"))
            {
                File.Delete(file);
            }
        });

        var messageId = pending["messageId"]!.GetValue<string>();
        var file = Path.Combine(server.DataDirectory, "mail-pickup", messageId + ".eml");
        await WaitUntilAsync("the message in the pickup directory", () => Task.FromResult(File.Exists(file)));
        var written = await MimeMessage.LoadAsync(file);
        Assert.Equal((messageId, "RFC-2026-014 approved for implementation"), (written.MessageId, written.Subject));
        Assert.Equal("auto-generated", written.Headers["Auto-Submitted"]);
        await WaitForRowAsync(server, "Sent");
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(file)!));
    }

    private static async Task<System.Text.Json.Nodes.JsonNode> WaitForRowAsync(ChangeFlowServer server, string status)
    {
        System.Text.Json.Nodes.JsonNode? row = null;
        await WaitUntilAsync($"a {status} send-email row", async () =>
        {
            var page = (await HttpAssert.StatusAsync(HttpStatusCode.OK, await server.Admin.GetAsync($"api/outbox?kind=send-email&status={status}")))!;
            row = page["items"]!.AsArray().FirstOrDefault();
            return row is not null;
        });
        return row!;
    }

    private static async Task WaitUntilAsync(string what, Func<Task<bool>> condition)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(watch.Elapsed < TimeSpan.FromMinutes(1), $"Timed out waiting for {what}.");
            await Task.Delay(50);
        }
    }
}
