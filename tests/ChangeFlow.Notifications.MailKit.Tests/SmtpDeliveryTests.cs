using System.Text;
using ChangeFlow.Application.Notifications;
using ChangeFlow.Notifications.MailKit.Tests.Support;
using ChangeFlow.Testing;
using MimeKit;

namespace ChangeFlow.Notifications.MailKit.Tests;

/// <summary>The outbox delivered to real SMTP receivers: netDumbster in-process, aiosmtpd as a separate process.</summary>
public sealed class SmtpDeliveryTests
{
    [Fact]
    public async Task DispatchOnce_DeliversTheMessageWithItsMessageIdPartsAndInvite_ToNetDumbster()
    {
        using var smtp = DumbsterReceiver.Start();
        await using var mail = await MailHarness.CreateAsync(DatabaseProvider.Sqlite, smtp.Port);
        var id = await mail.QueueAsync("LIMS upgrade this weekend", ["ada@lab.example", "ben@lab.example"], m => m with
        {
            Cc = [new MailRecipient("cab@lab.example", "CAB")],
            Attachments =
            [
                new MailAttachment("lims-upgrade.ics", "text/calendar; method=REQUEST", Encoding.UTF8.GetBytes(MimeMessagesTests.Invite)),
                new MailAttachment("reference-card.txt", "text/plain", Encoding.UTF8.GetBytes("Log out before 22:00.")),
            ],
            Headers = new Dictionary<string, string> { ["X-ChangeFlow-Change"] = "RFC-2026-014" },
        });

        Assert.Equal(1, await mail.Dispatcher("node-a").DispatchOnceAsync(CancellationToken.None));

        await smtp.WaitForAsync(1);
        var received = Assert.Single(smtp.Messages);
        Assert.Equal($"{id}@changeflow.local", received.MessageId);
        Assert.Equal("LIMS upgrade this weekend", received.Subject);
        Assert.Equal(mail.Clock.GetUtcNow(), received.Date);
        Assert.Equal("auto-generated", received.Headers["Auto-Submitted"]);
        Assert.Equal("RFC-2026-014", received.Headers["X-ChangeFlow-Change"]);
        Assert.Equal(["ada@lab.example", "ben@lab.example"], received.To.Mailboxes.Select(m => m.Address));
        Assert.Equal("cab@lab.example", received.Cc.Mailboxes.Single().Address);
        Assert.Equal("Text of LIMS upgrade this weekend", received.TextBody!.TrimEnd());
        Assert.Equal("<p>HTML of LIMS upgrade this weekend</p>", received.HtmlBody!.TrimEnd());
        var alternative = Assert.IsType<MultipartAlternative>(((Multipart)received.Body!)[0]);
        Assert.Equal("REQUEST", alternative.Single(p => p.ContentType.MimeType == "text/calendar").ContentType.Parameters["method"]);
        var files = received.Attachments.OfType<MimePart>().ToList();
        Assert.Equal(["lims-upgrade.ics", "reference-card.txt"], files.Select(f => f.FileName));
        Assert.Equal(MimeMessagesTests.Invite, MimeMessagesTests.Content(files[0]));
        Assert.Equal("Log out before 22:00.", MimeMessagesTests.Content(files[1]));

        var row = await mail.FindAsync(id);
        Assert.Equal((OutboxStatus.Sent, 1, mail.Clock.GetUtcNow()), (row.Status, row.Attempts, row.SentAt));
        Assert.Null(row.LastError);
        Assert.Equal(mail.Clock.GetUtcNow(), mail.State.Snapshot.LastSuccessAt);
    }

    [Fact]
    public async Task DispatchOnce_SendsAWholeBatchOverOneConnection()
    {
        await using var smtp = new ScriptedSmtpServer();
        await using var mail = await MailHarness.CreateAsync(DatabaseProvider.Sqlite, smtp.Port, o => o.BatchSize = 20);
        var ids = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            ids.Add(await mail.QueueAsync($"Notice {i}", [$"user{i}@lab.example"]));
        }

        Assert.Equal(20, await mail.Dispatcher("node-a").DispatchOnceAsync(CancellationToken.None));

        Assert.Equal(1, smtp.Connections);
        Assert.Equal(ids.Select(id => $"{id}@changeflow.local").Order(), smtp.Messages.Select(m => DumbsterReceiver.Parse(m).MessageId).Order());
        foreach (var id in ids)
        {
            Assert.Equal(OutboxStatus.Sent, (await mail.FindAsync(id)).Status);
        }
    }

    [Fact]
    public async Task DispatchDue_DrainsSeveralBatches_AndLeavesScheduledMessagesForTheirTime()
    {
        using var smtp = DumbsterReceiver.Start();
        await using var mail = await MailHarness.CreateAsync(DatabaseProvider.Sqlite, smtp.Port, o => o.BatchSize = 4);
        for (var i = 0; i < 10; i++)
        {
            await mail.QueueAsync($"Now {i}", ["ada@lab.example"]);
        }

        var friday = mail.Clock.GetUtcNow().AddDays(2);
        var scheduled = await mail.QueueAsync("Friday notice", ["ada@lab.example"], m => m with { NotBefore = friday });
        var dispatcher = mail.Dispatcher("node-a");

        Assert.Equal(10, await dispatcher.DispatchDueAsync(CancellationToken.None));
        await smtp.WaitForAsync(10);
        Assert.False(await mail.Delivery.HasDueAsync(mail.Clock.GetUtcNow(), CancellationToken.None));
        Assert.Equal(OutboxStatus.Pending, (await mail.FindAsync(scheduled)).Status);

        mail.Clock.SetUtcNow(friday);
        Assert.True(await mail.Delivery.HasDueAsync(mail.Clock.GetUtcNow(), CancellationToken.None));
        Assert.Equal(1, await dispatcher.DispatchDueAsync(CancellationToken.None));
        await smtp.WaitForAsync(11);
        Assert.Equal(friday, smtp.Messages.Single(m => m.Subject == "Friday notice").Date);
    }

    [Fact]
    public async Task PickupDirectory_WritesEachMessageAsItsMessageIdEml_ThatMimeKitReadsBack()
    {
        var directory = Path.Combine(Directory.CreateTempSubdirectory("changeflow-pickup-").FullName, "mail-pickup");
        await using var mail = await MailHarness.CreateAsync(DatabaseProvider.Sqlite, 25);
        var transport = new PickupDirectoryTransport(directory, mail.Options.From, mail.Clock);
        var first = await mail.QueueAsync("First", ["ada@lab.example"], m => m with
        {
            Attachments = [new MailAttachment("invite.ics", "text/calendar; method=REQUEST", Encoding.UTF8.GetBytes(MimeMessagesTests.Invite))],
        });
        var second = await mail.QueueAsync("Second", ["ben@lab.example"], m => m with { MessageId = "odd/name@lab" });

        Assert.Equal(2, await mail.Dispatcher("node-a", transport).DispatchOnceAsync(CancellationToken.None));

        Assert.Equal([$"{first}@changeflow.local.eml", "odd_name@lab.eml"], Directory.GetFiles(directory).Select(Path.GetFileName).Order());
        var read = MimeMessage.Load(Path.Combine(directory, $"{first}@changeflow.local.eml"));
        Assert.Equal(($"{first}@changeflow.local", "First"), (read.MessageId, read.Subject));
        Assert.Equal("REQUEST", read.BodyParts.Single(p => p.ContentType.MimeType == "text/calendar").ContentType.Parameters["method"]);
        Assert.Equal("odd/name@lab", MimeMessage.Load(Path.Combine(directory, "odd_name@lab.eml")).MessageId);
        Assert.Equal(OutboxStatus.Sent, (await mail.FindAsync(second)).Status);
        Directory.Delete(Path.GetDirectoryName(directory)!, recursive: true);
    }

    [Fact]
    public async Task DispatchOnce_DeliversToAiosmtpdInASeparateProcess()
    {
        Assert.True(AiosmtpdReceiver.IsInstalled(), "aiosmtpd is needed: apt-get install -y python3-aiosmtpd (scripts/test.sh installs it).");
        await using var smtp = await AiosmtpdReceiver.StartAsync();
        await using var mail = await MailHarness.CreateAsync(DatabaseProvider.Sqlite, smtp.Port);
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add(await mail.QueueAsync($"Maintenance notice {i}", ["lims-users@lab.example"], m => m with
            {
                Attachments = [new MailAttachment("invite.ics", "text/calendar; method=REQUEST", Encoding.UTF8.GetBytes(MimeMessagesTests.Invite))],
            }));
        }

        Assert.Equal(3, await mail.Dispatcher("node-a").DispatchOnceAsync(CancellationToken.None));

        await Eventually.HoldsAsync("3 messages in aiosmtpd's Maildir", () => smtp.Messages.Count >= 3);
        var received = smtp.Messages;
        Assert.Equal(ids.Select(id => $"{id}@changeflow.local").Order(), received.Select(m => m.MessageId).Order());
        Assert.All(received, m => Assert.Equal("REQUEST", m.BodyParts.Single(p => p.ContentType.MimeType == "text/calendar").ContentType.Parameters["method"]));
    }
}
