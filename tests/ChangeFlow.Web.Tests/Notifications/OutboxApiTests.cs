using System.Net;
using System.Text;
using ChangeFlow.Application.Notifications;
using ChangeFlow.Application.Security;
using ChangeFlow.Domain.Common;
using ChangeFlow.Web.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace ChangeFlow.Web.Tests.Notifications;

/// <summary>The administrators' outbox API on the real host (fake clock, no job server: nothing is sent meanwhile).</summary>
public sealed class OutboxApiTests(ChangeFlowServerFixture fixture) : IClassFixture<ChangeFlowServerFixture>
{
    private ChangeFlowServer Server => fixture.Server;

    [Fact]
    public async Task List_FiltersByStatusCorrelationAndKind_NewestFirst()
    {
        var correlation = $"change:RFC-2026-{Random.Shared.Next(100, 999)}";
        var notice = await QueueAsync("Maintenance notice", correlation, "maintenance-notice");
        Server.Clock.Advance(TimeSpan.FromSeconds(1));
        var agenda = await QueueAsync("CAB agenda", correlation, "cab-agenda");

        var all = (await HttpAssert.StatusAsync(HttpStatusCode.OK, await Server.Admin.GetAsync($"api/outbox?correlation={Uri.EscapeDataString(correlation)}")))!;
        Assert.Equal(2, all["total"]!.GetValue<int>());
        Assert.Equal([agenda, notice], all["items"]!.AsArray().Select(i => i!["id"]!.GetValue<string>()));
        var first = all["items"]![0]!;
        Assert.Equal(("Pending", "cab-agenda", $"{agenda}@changeflow.local"), (first["status"]!.GetValue<string>(), first["kind"]!.GetValue<string>(), first["messageId"]!.GetValue<string>()));
        Assert.Equal(["ada@lab.example", "audit@lab.example"], first["to"]!.AsArray().Select(a => a!.GetValue<string>()));

        var byKind = (await HttpAssert.StatusAsync(HttpStatusCode.OK, await Server.Admin.GetAsync($"api/outbox?correlation={Uri.EscapeDataString(correlation)}&kind=maintenance-notice&status=pending")))!;
        Assert.Equal(notice, Assert.Single(byKind["items"]!.AsArray())!["id"]!.GetValue<string>());
        var sent = (await HttpAssert.StatusAsync(HttpStatusCode.OK, await Server.Admin.GetAsync($"api/outbox?correlation={Uri.EscapeDataString(correlation)}&status=Sent")))!;
        Assert.Equal(0, sent["total"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("status=Delivered", "status", ErrorCodes.Invalid)]
    [InlineData("status=1", "status", ErrorCodes.Invalid)]
    [InlineData("take=0", "take", ErrorCodes.OutOfRange)]
    [InlineData("take=201", "take", ErrorCodes.OutOfRange)]
    [InlineData("take=many", "take", ErrorCodes.Invalid)]
    [InlineData("skip=-1", "skip", ErrorCodes.OutOfRange)]
    public async Task List_AnswersAProblemNamingTheParameter_WhenAQueryValueIsBad(string query, string path, string code) =>
        await HttpAssert.FieldErrorAsync(await Server.Admin.GetAsync($"api/outbox?{query}"), path, code);

    [Fact]
    public async Task Get_ShowsBodiesHeadersAndAttachmentMetadata_AndAnswers404ForAnUnknownId()
    {
        var id = await QueueAsync("Maintenance notice", "change:RFC-2026-014", "maintenance-notice");

        var message = (await HttpAssert.StatusAsync(HttpStatusCode.OK, await Server.Admin.GetAsync($"api/outbox/{id}")))!;
        Assert.Equal("Text body", message["textBody"]!.GetValue<string>());
        Assert.Equal("<p>HTML body</p>", message["htmlBody"]!.GetValue<string>());
        Assert.Equal("RFC-2026-014", message["headers"]!["X-ChangeFlow-Change"]!.GetValue<string>());
        var attachment = Assert.Single(message["attachments"]!.AsArray())!;
        Assert.Equal(("invite.ics", "text/calendar; method=REQUEST", 17), (attachment["fileName"]!.GetValue<string>(), attachment["contentType"]!.GetValue<string>(), attachment["size"]!.GetValue<int>()));
        Assert.Null(attachment["content"]);
        Assert.Equal(0, message["attempts"]!.GetValue<int>());

        var missing = (await HttpAssert.StatusAsync(HttpStatusCode.NotFound, await Server.Admin.GetAsync("api/outbox/no-such-message")))!;
        Assert.Contains("no-such-message", missing["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancel_WithdrawsAPendingMessage_AndIsAConflictTheSecondTime()
    {
        var id = await QueueAsync("Maintenance notice", "change:RFC-2026-014", "maintenance-notice");

        var canceled = (await HttpAssert.StatusAsync(HttpStatusCode.OK, await Server.Admin.PostAsync($"api/outbox/{id}/cancel", null)))!;
        Assert.Equal("Canceled", canceled["status"]!.GetValue<string>());
        var again = (await HttpAssert.StatusAsync(HttpStatusCode.Conflict, await Server.Admin.PostAsync($"api/outbox/{id}/cancel", null)))!;
        Assert.Contains("Canceled", again["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        await HttpAssert.StatusAsync(HttpStatusCode.NotFound, await Server.Admin.PostAsync("api/outbox/no-such-message/cancel", null));
    }

    [Fact]
    public async Task Retry_MakesAFailedMessagePendingWithFreshAttempts_AndIsAConflictForAnyOther()
    {
        var id = await QueueAsync("Outcome: successful", "change:RFC-2026-014", "outcome-successful");
        await HttpAssert.StatusAsync(HttpStatusCode.Conflict, await Server.Admin.PostAsync($"api/outbox/{id}/retry", null));

        // A node tried it and the server refused it for good.
        var store = Server.Services.GetRequiredService<IOutboxDeliveryStore>();
        var now = Server.Clock.GetUtcNow();
        Assert.Contains(await store.ClaimDueAsync("test-node/1", now, now.AddMinutes(2), 100, CancellationToken.None), e => e.Message.Id == id);
        Assert.True(await store.MarkFailedAsync(id, "test-node/1", "550 5.1.1 mailbox unavailable", CancellationToken.None));
        var failed = (await HttpAssert.StatusAsync(HttpStatusCode.OK, await Server.Admin.GetAsync($"api/outbox/{id}")))!;
        Assert.Equal(("Failed", 1, "550 5.1.1 mailbox unavailable"), (failed["status"]!.GetValue<string>(), failed["attempts"]!.GetValue<int>(), failed["lastError"]!.GetValue<string>()));

        var retried = (await HttpAssert.StatusAsync(HttpStatusCode.OK, await Server.Admin.PostAsync($"api/outbox/{id}/retry", null)))!;
        Assert.Equal(("Pending", 0), (retried["status"]!.GetValue<string>(), retried["attempts"]!.GetValue<int>()));
        Assert.Equal(Server.Clock.GetUtcNow(), retried["nextAttemptAt"]!.GetValue<DateTimeOffset>());
    }

    [Fact]
    public async Task Failures_ListsReportedFailures_AndTheReportQueuesANoticeToTheAdministrators()
    {
        var id = await QueueAsync("PIR invitation", "change:RFC-2026-014", "pir-invitation");
        var entry = (await Server.Services.GetRequiredService<IOutbox>().FindAsync(id, CancellationToken.None))!;
        var failure = new DeliveryFailure(
            $"{id}-1", id, $"{id}@changeflow.local", "change:RFC-2026-014", "pir-invitation", "PIR invitation", Server.Clock.GetUtcNow(),
            "Every recipient was refused", [new RefusedRecipient("ada@lab.example", 550, "5.1.1 no such user")], 1, MessageFailed: true);

        await Server.Services.GetRequiredService<IDeliveryFailureReporter>().ReportAsync(failure, entry, CancellationToken.None);

        var page = (await HttpAssert.StatusAsync(HttpStatusCode.OK, await Server.Admin.GetAsync($"api/outbox/failures?outboxId={id}")))!;
        var listed = Assert.Single(page["items"]!.AsArray())!;
        Assert.Equal((id, true, 550), (listed["outboxId"]!.GetValue<string>(), listed["messageFailed"]!.GetValue<bool>(), listed["refused"]![0]!["code"]!.GetValue<int>()));
        var notices = (await HttpAssert.StatusAsync(HttpStatusCode.OK, await Server.Admin.GetAsync($"api/outbox?kind=delivery-failure&correlation=outbox:{id}")))!;
        var notice = Assert.Single(notices["items"]!.AsArray())!;
        Assert.Equal([Server.AdminEmail], notice["to"]!.AsArray().Select(a => a!.GetValue<string>()));
        Assert.Contains("PIR invitation", notice["subject"]!.GetValue<string>(), StringComparison.Ordinal);
        var timeline = await Server.Services.GetRequiredService<Application.Common.ITimelineStore>().ListAsync("RFC-2026-014", CancellationToken.None);
        Assert.Single(timeline, e => e.Action == DeliveryFailureReporter.FailedAction && e.Data!["outboxId"]!.GetValue<string>() == id);

        // The service desk owns it: an incident on application support, categorized as software.
        var incidents = await Application.Incidents.IncidentStoreExtensions.ListAllAsync(
            Server.Services.GetRequiredService<Application.Incidents.IIncidentStore>(),
            new Application.Incidents.IncidentQuery(ServiceId: Application.Incidents.DeliveryFailureIncidents.ServiceId), CancellationToken.None);
        var incident = Assert.Single(incidents, i => i.Incident.Description?.Contains(id, StringComparison.Ordinal) == true);
        Assert.Equal((Application.Incidents.DeliveryFailureIncidents.Category, "Message could not be delivered: PIR invitation"), (incident.Incident.Category, incident.Incident.Title));
    }

    [Fact]
    public async Task Sender_AndReadiness_ShowTheMailSender_WithoutMakingTheNodeUnready()
    {
        var sender = (await HttpAssert.StatusAsync(HttpStatusCode.OK, await Server.Admin.GetAsync("api/outbox/sender")))!;
        Assert.StartsWith("pickup directory ", sender["transport"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.EndsWith("mail-pickup", sender["transport"]!.GetValue<string>(), StringComparison.Ordinal);

        var ready = (await HttpAssert.StatusAsync(HttpStatusCode.OK, await Server.CreateClient().GetAsync("health/ready")))!;
        var mail = ready["checks"]!["mail"]!;
        Assert.Equal("Healthy", mail["status"]!.GetValue<string>());
        Assert.Equal("pickup-directory", mail["data"]!["transport"]!.GetValue<string>());
        Assert.Equal("Healthy", ready["checks"]!["database"]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task OpenApi_DescribesTheOutboxEndpointsAndTheirRecords()
    {
        var document = (await HttpAssert.StatusAsync(HttpStatusCode.OK, await Server.CreateClient().GetAsync("openapi/v1.json")))!;
        var paths = document["paths"]!.AsObject();
        foreach (var path in new[] { "/api/outbox", "/api/outbox/failures", "/api/outbox/sender", "/api/outbox/{id}", "/api/outbox/{id}/retry", "/api/outbox/{id}/cancel" })
        {
            Assert.True(paths.ContainsKey(path), $"{path} is not in the OpenAPI document.");
        }

        var schemas = document["components"]!["schemas"]!.AsObject();
        Assert.True(schemas.ContainsKey(nameof(Web.Api.OutboxMessageView)));
        Assert.True(schemas.ContainsKey(nameof(Web.Api.OutboxPageView)));
        Assert.True(schemas.ContainsKey(nameof(DeliveryFailure)));
    }

    [Fact]
    public async Task Outbox_IsForAdministratorsOnly()
    {
        var manager = await Server.CreateClientAsync(Roles.ChangeManager);
        await HttpAssert.StatusAsync(HttpStatusCode.Forbidden, await manager.GetAsync("api/outbox"));
        await HttpAssert.StatusAsync(HttpStatusCode.Forbidden, await manager.PostAsync("api/outbox/x/retry", null));
        await HttpAssert.StatusAsync(HttpStatusCode.Unauthorized, await Server.CreateClient().GetAsync("api/outbox/failures"));
    }

    private async Task<string> QueueAsync(string subject, string correlation, string kind)
    {
        var id = OutboxIds.New(Server.Clock);
        Assert.True(await Server.Services.GetRequiredService<IOutbox>().EnqueueAsync(
            new OutboundMessage
            {
                Id = id,
                Subject = subject,
                To = [new MailRecipient("ada@lab.example", "Ada Obi")],
                Bcc = [new MailRecipient("audit@lab.example")],
                TextBody = "Text body",
                HtmlBody = "<p>HTML body</p>",
                CorrelationKey = correlation,
                Kind = kind,
                Headers = new Dictionary<string, string> { ["X-ChangeFlow-Change"] = "RFC-2026-014" },
                Attachments = [new MailAttachment("invite.ics", "text/calendar; method=REQUEST", Encoding.UTF8.GetBytes("BEGIN:VCALENDAR\r\n"))],
            },
            CancellationToken.None));
        return id;
    }
}
