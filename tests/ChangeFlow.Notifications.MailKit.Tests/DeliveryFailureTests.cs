using ChangeFlow.Application.Notifications;
using ChangeFlow.Notifications.MailKit.Tests.Support;
using ChangeFlow.Testing;

namespace ChangeFlow.Notifications.MailKit.Tests;

/// <summary>Temporary failures are retried with back-off; permanent ones fail the message for good and are reported.</summary>
public sealed class DeliveryFailureTests
{
    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.PostgreSql)]
    public async Task Dispatch_DeliversEveryMessageExactlyOnce_WhenTheServerWasDownForAWhileAndCameBack(DatabaseProvider provider)
    {
        using var smtp = DumbsterReceiver.Start();
        await using var mail = await MailHarness.CreateAsync(provider, smtp.Port, o => o.BatchSize = 5);
        var dispatcher = mail.Dispatcher("node-a");
        var early = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            early.Add(await mail.QueueAsync($"Before the outage {i}", ["ada@lab.example"]));
        }

        Assert.Equal(3, await dispatcher.DispatchDueAsync(CancellationToken.None));
        await smtp.WaitForAsync(3);

        smtp.Pause();
        var during = new List<string>();
        for (var i = 0; i < 12; i++)
        {
            during.Add(await mail.QueueAsync($"During the outage {i}", ["ada@lab.example", "ben@lab.example"]));
        }

        // Three rounds against a server that refuses connections: every message waits, one attempt more each time.
        for (var round = 1; round <= 3; round++)
        {
            Assert.Equal(12, await dispatcher.DispatchDueAsync(CancellationToken.None));
            foreach (var id in during)
            {
                var row = await mail.FindAsync(id);
                Assert.Equal((OutboxStatus.Pending, round), (row.Status, row.Attempts));
                Assert.Contains("connection refused", row.LastError, StringComparison.Ordinal);
                Assert.True(row.NextAttemptAt > mail.Clock.GetUtcNow(), "A failed message waits for its back-off.");
            }

            Assert.Equal(0, await dispatcher.DispatchDueAsync(CancellationToken.None));
            Assert.True(mail.State.Snapshot.LastAttemptFailed);
            mail.Clock.Advance(TimeSpan.FromHours(1));
        }

        smtp.Resume();
        Assert.Equal(12, await dispatcher.DispatchDueAsync(CancellationToken.None));
        Assert.Equal(0, await dispatcher.DispatchDueAsync(CancellationToken.None));

        await smtp.WaitForAsync(15);
        var byMessageId = smtp.Messages.GroupBy(m => m.MessageId ?? "").ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(early.Concat(during).Select(id => $"{id}@changeflow.local").Order(), byMessageId.Keys.Order());
        Assert.All(byMessageId, pair => Assert.Equal(1, pair.Value));
        foreach (var id in during)
        {
            var row = await mail.FindAsync(id);
            Assert.Equal((OutboxStatus.Sent, 4), (row.Status, row.Attempts));
        }

        Assert.False(mail.State.Snapshot.LastAttemptFailed);
    }

    [Fact]
    public async Task Dispatch_FailsTheMessageForGoodAndReportsIt_WhenTheServerAnswers550()
    {
        await using var smtp = new ScriptedSmtpServer { RecipientReply = _ => "550 5.1.1 <nobody@lab.example>: mailbox unavailable" };
        await using var mail = await MailHarness.CreateAsync(DatabaseProvider.Sqlite, smtp.Port);
        var id = await mail.QueueAsync("LIMS upgrade this weekend", ["nobody@lab.example"]);
        var dispatcher = mail.Dispatcher("node-a");

        Assert.Equal(1, await dispatcher.DispatchOnceAsync(CancellationToken.None));

        var row = await mail.FindAsync(id);
        Assert.Equal((OutboxStatus.Failed, 1), (row.Status, row.Attempts));
        Assert.Contains("550", row.LastError, StringComparison.Ordinal);
        Assert.Empty(smtp.Messages);

        var failure = Assert.Single((await mail.Failures.ListAsync(id, 0, 10, CancellationToken.None)).Items);
        Assert.True(failure.MessageFailed);
        Assert.Equal(($"{id}@changeflow.local", "change:RFC-2026-014", "maintenance-notice", 1), (failure.MessageId, failure.CorrelationKey, failure.Kind, failure.Attempts));
        var refused = Assert.Single(failure.Refused);
        Assert.Equal(("nobody@lab.example", (int?)550), (refused.Address, refused.Code));

        var entry = Assert.Single(await mail.ChangeTimelineAsync(), e => e.Action == DeliveryFailureReporter.FailedAction);
        Assert.Contains("LIMS upgrade this weekend", entry.Summary, StringComparison.Ordinal);
        Assert.Equal(id, entry.Data!["outboxId"]!.GetValue<string>());

        var notice = Assert.Single((await mail.Outbox.ListAsync(new OutboxQuery(Kind: DeliveryFailureReporter.NoticeKind), 0, 10, CancellationToken.None)).Items);
        Assert.Equal("ops@lab.example", notice.Message.To.Single().Address);
        Assert.Contains("LIMS upgrade this weekend", notice.Message.Subject, StringComparison.Ordinal);
        Assert.Contains("550", notice.Message.TextBody, StringComparison.Ordinal);

        // Nothing retries it: not later, not after the back-off schedule has long passed.
        mail.Clock.Advance(TimeSpan.FromDays(3));
        smtp.RecipientReply = _ => "250 OK";
        Assert.Equal(1, await dispatcher.DispatchDueAsync(CancellationToken.None)); // the administrators' notice
        Assert.Equal(0, await dispatcher.DispatchDueAsync(CancellationToken.None));
        Assert.Equal((OutboxStatus.Failed, 1), ((await mail.FindAsync(id)).Status, (await mail.FindAsync(id)).Attempts));
        Assert.Single((await mail.Failures.ListAsync(id, 0, 10, CancellationToken.None)).Items);
        Assert.Equal("ops@lab.example", Assert.Single(smtp.AcceptedRecipients).Single());
    }

    [Fact]
    public async Task Dispatch_RaisesNoNoticeAboutAFailedNotice()
    {
        await using var smtp = new ScriptedSmtpServer { RecipientReply = _ => "550 5.1.1 mailbox unavailable" };
        await using var mail = await MailHarness.CreateAsync(DatabaseProvider.Sqlite, smtp.Port);
        var id = await mail.QueueAsync("Mail delivery failed: something", ["ops@lab.example"], m => m with { Kind = DeliveryFailureReporter.NoticeKind });

        await mail.Dispatcher("node-a").DispatchDueAsync(CancellationToken.None);

        Assert.Equal(OutboxStatus.Failed, (await mail.FindAsync(id)).Status);
        Assert.Single((await mail.Failures.ListAsync(id, 0, 10, CancellationToken.None)).Items);
        Assert.Equal(1, (await mail.Outbox.ListAsync(new OutboxQuery(), 0, 10, CancellationToken.None)).Total);
    }

    [Fact]
    public async Task Dispatch_DeliversToTheOthersAndRecordsTheRefused_WhenSomeRecipientsAreRefused()
    {
        await using var smtp = new ScriptedSmtpServer
        {
            RecipientReply = address => address.StartsWith("gone", StringComparison.Ordinal) ? "550 5.1.1 no such user" : "250 2.1.5 OK",
        };
        await using var mail = await MailHarness.CreateAsync(DatabaseProvider.Sqlite, smtp.Port);
        var id = await mail.QueueAsync("PIR invitation", ["ada@lab.example", "gone@lab.example", "ben@lab.example"]);

        Assert.Equal(1, await mail.Dispatcher("node-a").DispatchOnceAsync(CancellationToken.None));

        Assert.Equal(["ada@lab.example", "ben@lab.example"], Assert.Single(smtp.AcceptedRecipients));
        var row = await mail.FindAsync(id);
        Assert.Equal(OutboxStatus.Sent, row.Status);
        Assert.Contains("gone@lab.example (550", row.LastError, StringComparison.Ordinal);
        var failure = Assert.Single((await mail.Failures.ListAsync(id, 0, 10, CancellationToken.None)).Items);
        Assert.False(failure.MessageFailed);
        Assert.Equal("gone@lab.example", Assert.Single(failure.Refused).Address);
        Assert.Single(await mail.ChangeTimelineAsync(), e => e.Action == DeliveryFailureReporter.RefusedAction);
    }

    [Fact]
    public async Task Dispatch_RetriesWithBackOff_WhenTheServerAnswers4xx_AndFailsAfterTheLastAttempt()
    {
        await using var smtp = new ScriptedSmtpServer { DataReply = _ => "451 4.3.0 try again later" };
        await using var mail = await MailHarness.CreateAsync(DatabaseProvider.Sqlite, smtp.Port, o =>
        {
            o.Retry.MaxAttempts = 3;
            o.Retry.Delays = [TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(10)];
            o.Retry.Jitter = 0.2;
            o.FailureNotice.Enabled = false;
        });
        var id = await mail.QueueAsync("CAB agenda", ["cab@lab.example"]);
        var dispatcher = mail.Dispatcher("node-a");

        await dispatcher.DispatchOnceAsync(CancellationToken.None);
        var first = await mail.FindAsync(id);
        Assert.Equal((OutboxStatus.Pending, 1), (first.Status, first.Attempts));
        Assert.InRange(first.NextAttemptAt - mail.Clock.GetUtcNow(), TimeSpan.FromSeconds(48), TimeSpan.FromSeconds(72));
        Assert.Contains("451", first.LastError, StringComparison.Ordinal);

        mail.Clock.SetUtcNow(first.NextAttemptAt);
        await dispatcher.DispatchOnceAsync(CancellationToken.None);
        var second = await mail.FindAsync(id);
        Assert.Equal((OutboxStatus.Pending, 2), (second.Status, second.Attempts));
        Assert.InRange(second.NextAttemptAt - mail.Clock.GetUtcNow(), TimeSpan.FromMinutes(8), TimeSpan.FromMinutes(12));

        mail.Clock.SetUtcNow(second.NextAttemptAt);
        await dispatcher.DispatchOnceAsync(CancellationToken.None);
        var last = await mail.FindAsync(id);
        Assert.Equal((OutboxStatus.Failed, 3), (last.Status, last.Attempts));
        Assert.StartsWith("Gave up after 3 attempts", last.LastError, StringComparison.Ordinal);
        Assert.True(Assert.Single((await mail.Failures.ListAsync(id, 0, 10, CancellationToken.None)).Items).MessageFailed);

        mail.Clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(0, await dispatcher.DispatchDueAsync(CancellationToken.None));
        Assert.Equal(3, (await mail.FindAsync(id)).Attempts);
    }

    [Fact]
    public async Task RetryFailed_SendsAFailedMessageAgainWithAFreshSetOfAttempts()
    {
        await using var smtp = new ScriptedSmtpServer { RecipientReply = _ => "550 5.7.1 relaying denied" };
        await using var mail = await MailHarness.CreateAsync(DatabaseProvider.Sqlite, smtp.Port, o => o.FailureNotice.Enabled = false);
        var id = await mail.QueueAsync("Outcome: successful", ["ada@lab.example"]);
        var dispatcher = mail.Dispatcher("node-a");
        await dispatcher.DispatchOnceAsync(CancellationToken.None);
        Assert.Equal(OutboxStatus.Failed, (await mail.FindAsync(id)).Status);

        smtp.RecipientReply = _ => "250 OK";
        Assert.Equal(OutboxChangeResult.Changed, (await mail.Delivery.RetryFailedAsync(id, mail.Clock.GetUtcNow(), CancellationToken.None)).Result);
        Assert.Equal(new OutboxChange(OutboxChangeResult.Conflict, OutboxStatus.Pending), await mail.Delivery.RetryFailedAsync(id, mail.Clock.GetUtcNow(), CancellationToken.None));
        await dispatcher.DispatchOnceAsync(CancellationToken.None);

        var row = await mail.FindAsync(id);
        Assert.Equal((OutboxStatus.Sent, 1), (row.Status, row.Attempts));
        Assert.Equal($"{id}@changeflow.local", DumbsterReceiver.Parse(Assert.Single(smtp.Messages)).MessageId);
    }
}
