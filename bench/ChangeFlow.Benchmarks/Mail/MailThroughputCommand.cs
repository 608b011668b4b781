using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using ChangeFlow.Application.Notifications;
using ChangeFlow.Benchmarks.Durable;
using ChangeFlow.Notifications.MailKit;
using ChangeFlow.Persistence;
using ChangeFlow.Persistence.Stores;
using ChangeFlow.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using MimeKit;
using netDumbster.smtp;

namespace ChangeFlow.Benchmarks.Mail;

/// <summary>
/// <c>mail</c>: messages per second through the outbox to a local SMTP receiver. N maintenance notices (text, HTML
/// and an iCalendar invite) are queued through <see cref="IOutbox"/> by several clients, each in its own transaction;
/// then one or more <see cref="OutboxDispatcher"/>s (one per simulated node, as the Hangfire job runs it) claim,
/// re-check, send over one SMTP connection per batch and mark each message, until nothing is due. The receiver is
/// netDumbster in this process or aiosmtpd in its own; at the end every Message-ID must have arrived exactly once
/// and every row must be Sent.
/// </summary>
public static class MailThroughputCommand
{
    public static async Task<int> RunAsync(CommandOptions options)
    {
        var provider = options.Provider();
        var count = options.Int("messages", 2000);
        var dispatchers = options.Int("dispatchers", 1);
        var batch = options.Int("batch", 50);
        var clients = options.Int("clients", 4);
        var receiverName = options.Text("receiver") ?? "dumbster";

        Machine.Print($"mail: provider {provider}, {count} messages, receiver {receiverName}, {dispatchers} dispatcher(s), batch {batch}, {clients} queueing clients");
        Machine.Print($"machine: {Machine.Describe()}");
        await using var receiver = receiverName switch
        {
            "dumbster" => (IReceiver)new DumbsterReceiver(),
            "aiosmtpd" => await AiosmtpdReceiver.StartAsync(),
            _ => throw new ArgumentException($"Unknown receiver '{receiverName}'; use dumbster or aiosmtpd."),
        };
        await using var database = await TestDatabase.CreateAsync(provider);
        var factory = new PooledDbContextFactory<ChangeFlowDbContext>(database.Options);
        var outbox = new EfOutbox(factory, TimeProvider.System);
        var delivery = new EfOutboxDelivery(factory);
        var mailOptions = new MailOptions
        {
            From = new MailSender { Address = "changeflow@lab.example", DisplayName = "ChangeFlow" },
            Smtp = new SmtpSettings { Host = "127.0.0.1", Port = receiver.Port, Security = SmtpSecurity.None },
            BatchSize = batch,
        };
        var state = new MailDeliveryState("bench");
        var reporter = new DeliveryFailureReporter(
            new EfDeliveryFailureStore(factory), outbox, TimeProvider.System, Microsoft.Extensions.Options.Options.Create(mailOptions), NullLogger<DeliveryFailureReporter>.Instance);
        var nodes = Enumerable.Range(0, dispatchers).Select(i => new OutboxDispatcher(
            delivery,
            new SmtpMailTransport(mailOptions, TimeProvider.System),
            reporter,
            state,
            TimeProvider.System,
            Microsoft.Extensions.Options.Options.Create(mailOptions),
            NullLogger<OutboxDispatcher>.Instance,
            $"bench-node-{i}")).ToList();

        var invite = Encoding.UTF8.GetBytes(
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//ChangeFlow//EN\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\nUID:rfc-2026-014@changeflow\r\n"
            + "DTSTAMP:20260522T130000Z\r\nDTSTART:20260523T210000Z\r\nDTEND:20260524T030000Z\r\nSUMMARY:LIMS upgrade (RFC-2026-014)\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n");
        var text = string.Concat(Enumerable.Repeat("The LIMS is unavailable from Saturday 22:00 to Sunday 04:00 WAT while it is upgraded. ", 12));
        var html = "<html><body><h1>LIMS upgrade</h1><p>" + text + "</p></body></html>";

        // Queue: each message in its own transaction, as API commands and background jobs queue them.
        var ids = new string[count];
        var next = -1;
        var queueWatch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                ids[i] = OutboxIds.New(TimeProvider.System);
                await outbox.EnqueueAsync(
                    new OutboundMessage
                    {
                        Id = ids[i],
                        Subject = $"Maintenance notice {i}: LIMS upgrade this weekend",
                        To = [new MailRecipient($"user{i}@lab.example", $"User {i}")],
                        Cc = [new MailRecipient("lab-managers@lab.example")],
                        TextBody = text,
                        HtmlBody = html,
                        Attachments = [new MailAttachment("lims-upgrade.ics", "text/calendar; method=REQUEST", invite)],
                        CorrelationKey = "change:RFC-2026-014",
                        Kind = "maintenance-notice",
                    },
                    CancellationToken.None);
            }
        })));
        var queued = queueWatch.Elapsed;
        Machine.Print($"queued: {count} in {queued.TotalSeconds:0.00} s ({count / queued.TotalSeconds:0} messages/s, one transaction each)");

        var loadBefore = Machine.LoadAverage();
        var machineBefore = Machine.MachineCpu();
        var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        var claimed = await Task.WhenAll(nodes.Select(node => Task.Run(async () =>
        {
            var total = 0;
            while (await delivery.HasDueAsync(TimeProvider.System.GetUtcNow(), CancellationToken.None))
            {
                total += await node.DispatchDueAsync(CancellationToken.None);
            }

            return total;
        })));
        var sent = watch.Elapsed;
        while (receiver.Count < count && watch.Elapsed < sent + TimeSpan.FromMinutes(2))
        {
            await Task.Delay(10);
        }

        var received = watch.Elapsed;
        process.Refresh();
        var cpu = process.TotalProcessorTime - cpuBefore;
        var machineBusy = Machine.BusyCores(machineBefore, Machine.MachineCpu());
        var loadAfter = Machine.LoadAverage();

        await using var db = await factory.CreateDbContextAsync();
        var byStatus = await db.Outbox.GroupBy(m => m.Status).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count);
        var messageIds = receiver.MessageIds();
        var distinct = messageIds.Distinct(StringComparer.Ordinal).Count();
        var expected = ids.Select(OutboxIds.MessageIdFor).ToHashSet(StringComparer.Ordinal);
        var missing = expected.Count(id => !messageIds.Contains(id));

        Machine.Print($"claimed per dispatcher: {string.Join(", ", claimed)}; sender: {state.Snapshot.SentCount} sent, {state.Snapshot.RetriedCount} retried, {state.Snapshot.FailedCount} failed");
        Machine.Print($"sent (all rows marked Sent): {sent.TotalSeconds:0.00} s, {count / sent.TotalSeconds:0} messages/s");
        Machine.Print($"received by {receiverName}: {messageIds.Count} after {received.TotalSeconds:0.00} s, {messageIds.Count / received.TotalSeconds:0} messages/s end to end");
        Machine.Print($"process CPU per message: {cpu.TotalMilliseconds / count:0.000} ms ({cpu.TotalSeconds / sent.TotalSeconds:0.00} cores busy in this process, {machineBusy} of {Environment.ProcessorCount} in the whole machine)");
        Machine.Print($"rows: {string.Join(", ", byStatus.Select(s => $"{s.Key}={s.Value}"))}; Message-IDs received: {messageIds.Count}, distinct {distinct}, missing {missing}");
        Machine.Print($"load average (1/5/15 min) before: {loadBefore}, after: {loadAfter}");
        var ok = byStatus.GetValueOrDefault("Sent") == count && messageIds.Count == count && distinct == count && missing == 0;
        Machine.Print(ok ? "check: every message sent and received exactly once" : "check: FAILED");
        return ok ? 0 : 1;
    }

    private interface IReceiver : IAsyncDisposable
    {
        int Port { get; }

        int Count { get; }

        List<string> MessageIds();
    }

    private sealed class DumbsterReceiver : IReceiver
    {
        private readonly SimpleSmtpServer _server = Configuration.Configure().WithAddress(IPAddress.Loopback).WithRandomPort().Build();

        public int Port => _server.Configuration.Port;

        public int Count => _server.ReceivedEmailCount;

        public List<string> MessageIds() =>
            [.. _server.ReceivedEmail.Select(m => MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(m.Data))).MessageId ?? "")];

        public ValueTask DisposeAsync()
        {
            _server.Stop();
            _server.Dispose();
            return ValueTask.CompletedTask;
        }
    }

    private sealed class AiosmtpdReceiver : IReceiver
    {
        private readonly Process _process;
        private readonly string _maildir;

        private AiosmtpdReceiver(Process process, string maildir, int port)
        {
            _process = process;
            _maildir = maildir;
            Port = port;
        }

        public int Port { get; }

        public int Count => Directory.Exists(Path.Combine(_maildir, "new")) ? Directory.GetFiles(Path.Combine(_maildir, "new")).Length : 0;

        public static async Task<AiosmtpdReceiver> StartAsync()
        {
            int port;
            using (var listener = new TcpListener(IPAddress.Loopback, 0))
            {
                listener.Start();
                port = ((IPEndPoint)listener.LocalEndpoint).Port;
            }

            var maildir = Path.Combine(Directory.CreateTempSubdirectory("changeflow-bench-aiosmtpd-").FullName, "Maildir");
            var process = Process.Start(new ProcessStartInfo("/usr/bin/python3", ["-m", "aiosmtpd", "-n", "-l", $"127.0.0.1:{port}", "-c", "aiosmtpd.handlers.Mailbox", maildir])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            }) ?? throw new InvalidOperationException("aiosmtpd did not start (apt-get install -y python3-aiosmtpd).");
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var watch = Stopwatch.StartNew();
            while (true)
            {
                try
                {
                    using var probe = new TcpClient();
                    await probe.ConnectAsync(IPAddress.Loopback, port);
                    return new AiosmtpdReceiver(process, maildir, port);
                }
                catch (SocketException) when (watch.Elapsed < TimeSpan.FromSeconds(30) && !process.HasExited)
                {
                    await Task.Delay(50);
                }
            }
        }

        public List<string> MessageIds() =>
            [.. Directory.GetFiles(Path.Combine(_maildir, "new")).Select(f => MimeMessage.Load(f).MessageId ?? "")];

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                await _process.WaitForExitAsync();
            }

            _process.Dispose();
            Directory.Delete(Path.GetDirectoryName(_maildir)!, recursive: true);
        }
    }
}
