using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using MimeKit;
using netDumbster.smtp;

namespace ChangeFlow.Notifications.MailKit.Tests.Support;

/// <summary>Polls a condition that another thread or process makes true; receipt by SMTP receivers is asynchronous.</summary>
public static class Eventually
{
    /// <summary>Waits until <paramref name="condition"/> holds; fails naming <paramref name="what"/> after <paramref name="patience"/> (default 30 s).</summary>
    public static async Task HoldsAsync(string what, Func<bool> condition, TimeSpan? patience = null, Func<string>? details = null)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(watch.Elapsed < (patience ?? TimeSpan.FromSeconds(30)), $"Timed out waiting for {what}. {details?.Invoke()}");
            await Task.Delay(20);
        }
    }
}

/// <summary>netDumbster on 127.0.0.1, on a port of its own that survives a stop and a start (an SMTP server down for a while).</summary>
public sealed class DumbsterReceiver : IDisposable
{
    private SimpleSmtpServer? _server;

    private DumbsterReceiver(int port)
    {
        Port = port;
    }

    /// <summary>The port it listens on.</summary>
    public int Port { get; }

    /// <summary>Starts a receiver on a free loopback port.</summary>
    public static DumbsterReceiver Start()
    {
        var receiver = new DumbsterReceiver(FreePort());
        receiver.Resume();
        return receiver;
    }

    /// <summary>Stops listening (the server is down: connections are refused). Messages received so far are kept.</summary>
    public void Pause()
    {
        if (_server is { } server)
        {
            Kept.AddRange(server.ReceivedEmail.Select(m => m.Data));
            server.Stop();
            server.Dispose();
            _server = null;
        }
    }

    /// <summary>Listens again on the same port.</summary>
    public void Resume() =>
        _server = Configuration.Configure().WithAddress(IPAddress.Loopback).WithPort(Port).Build();

    /// <summary>Every message received (raw), across pauses.</summary>
    public IReadOnlyList<string> Raw => [.. Kept, .. _server?.ReceivedEmail.Select(m => m.Data) ?? []];

    /// <summary>Every message received, parsed.</summary>
    public IReadOnlyList<MimeMessage> Messages => [.. Raw.Select(Parse)];

    private List<string> Kept { get; } = [];

    /// <summary>Waits until at least <paramref name="count"/> messages have arrived.</summary>
    public Task WaitForAsync(int count) => Eventually.HoldsAsync($"{count} message(s) at netDumbster", () => Raw.Count >= count);

    /// <inheritdoc />
    public void Dispose() => Pause();

    /// <summary>Parses a raw message.</summary>
    public static MimeMessage Parse(string raw) => MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(raw)));

    /// <summary>A port nothing listens on right now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>
/// A small SMTP server for the replies netDumbster cannot give: each recipient's RCPT TO reply and the DATA reply
/// come from the test (e.g. <c>550 5.1.1 no such user</c>), and it counts connections. Plain SMTP on 127.0.0.1.
/// </summary>
public sealed class ScriptedSmtpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<string> _messages = [];
    private readonly Lock _gate = new();
    private readonly Task _accepting;
    private int _connections;

    /// <summary>Starts listening.</summary>
    public ScriptedSmtpServer()
    {
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptAsync();
    }

    /// <summary>The port.</summary>
    public int Port { get; }

    /// <summary>The reply to <c>RCPT TO</c> for an address; 250 unless the test says otherwise.</summary>
    public Func<string, string> RecipientReply { get; set; } = _ => "250 2.1.5 OK";

    /// <summary>The reply after the message data; 250 unless the test says otherwise.</summary>
    public Func<string, string> DataReply { get; set; } = _ => "250 2.0.0 queued";

    /// <summary>Connections accepted so far.</summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <summary>Messages accepted (the DATA reply was 2xx), raw.</summary>
    public IReadOnlyList<string> Messages
    {
        get
        {
            lock (_gate)
            {
                return [.. _messages];
            }
        }
    }

    /// <summary>Recipients accepted, per accepted message, in order.</summary>
    public List<IReadOnlyList<string>> AcceptedRecipients { get; } = [];

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            Interlocked.Increment(ref _connections);
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        try
        {
            var stream = client.GetStream();
            using var reader = new StreamReader(stream, Encoding.UTF8);
            await using var writer = new StreamWriter(stream, new UTF8Encoding(false)) { NewLine = "\r\n", AutoFlush = true };
            await writer.WriteLineAsync("220 scripted ESMTP ready");
            var recipients = new List<string>();
            while (await reader.ReadLineAsync(_stop.Token) is { } line)
            {
                var verb = line.Length >= 4 ? line[..4].ToUpperInvariant() : line.ToUpperInvariant();
                switch (verb)
                {
                    case "EHLO":
                    case "HELO":
                        await writer.WriteLineAsync("250 scripted");
                        break;
                    case "MAIL":
                        recipients.Clear();
                        await writer.WriteLineAsync("250 2.1.0 OK");
                        break;
                    case "RCPT":
                        var address = line[(line.IndexOf('<', StringComparison.Ordinal) + 1)..line.IndexOf('>', StringComparison.Ordinal)];
                        var reply = RecipientReply(address);
                        if (reply.StartsWith('2'))
                        {
                            recipients.Add(address);
                        }

                        await writer.WriteLineAsync(reply);
                        break;
                    case "DATA":
                        await writer.WriteLineAsync("354 end with <CRLF>.<CRLF>");
                        var data = new StringBuilder();
                        while (await reader.ReadLineAsync(_stop.Token) is { } dataLine && dataLine != ".")
                        {
                            data.Append(dataLine.StartsWith("..", StringComparison.Ordinal) ? dataLine[1..] : dataLine).Append("\r\n");
                        }

                        var raw = data.ToString();
                        var answer = DataReply(raw);
                        if (answer.StartsWith('2'))
                        {
                            lock (_gate)
                            {
                                _messages.Add(raw);
                                AcceptedRecipients.Add([.. recipients]);
                            }
                        }

                        await writer.WriteLineAsync(answer);
                        break;
                    case "QUIT":
                        await writer.WriteLineAsync("221 2.0.0 bye");
                        return;
                    default:
                        await writer.WriteLineAsync("250 OK");
                        break;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }
}

/// <summary>
/// Debian's aiosmtpd (<c>apt-get install python3-aiosmtpd</c>) as a separate process on 127.0.0.1, storing what it
/// receives in a Maildir; stopped by its PID.
/// </summary>
public sealed class AiosmtpdReceiver : IAsyncDisposable
{
    private const string Python = "/usr/bin/python3";
    private readonly Process _process;
    private readonly string _maildir;

    private AiosmtpdReceiver(Process process, string maildir, int port)
    {
        _process = process;
        _maildir = maildir;
        Port = port;
    }

    /// <summary>The port.</summary>
    public int Port { get; }

    /// <summary>Whether aiosmtpd is installed.</summary>
    public static bool IsInstalled()
    {
        if (!File.Exists(Python))
        {
            return false;
        }

        using var probe = Process.Start(new ProcessStartInfo(Python, ["-c", "import aiosmtpd"]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        probe.WaitForExit();
        return probe.ExitCode == 0;
    }

    /// <summary>Starts aiosmtpd and waits until it accepts connections.</summary>
    public static async Task<AiosmtpdReceiver> StartAsync()
    {
        // A Maildir that does not exist yet: aiosmtpd's Mailbox handler creates it with its tmp, new and cur folders.
        var maildir = Path.Combine(Directory.CreateTempSubdirectory("changeflow-aiosmtpd-").FullName, "Maildir");
        var port = DumbsterReceiver.FreePort();
        var start = new ProcessStartInfo(Python, ["-m", "aiosmtpd", "-n", "-l", $"127.0.0.1:{port}", "-c", "aiosmtpd.handlers.Mailbox", maildir])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("aiosmtpd did not start.");
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) => output.Enqueue(e.Data ?? "");
        process.ErrorDataReceived += (_, e) => output.Enqueue(e.Data ?? "");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var receiver = new AiosmtpdReceiver(process, maildir, port);
        await Eventually.HoldsAsync("aiosmtpd to listen", () =>
        {
            Assert.False(process.HasExited, $"aiosmtpd exited: {string.Join('\n', output)}");
            try
            {
                using var probe = new TcpClient();
                probe.Connect(IPAddress.Loopback, port);
                return true;
            }
            catch (SocketException)
            {
                return false;
            }
        }, details: () => string.Join('\n', output));
        return receiver;
    }

    /// <summary>Every message in the Maildir, parsed.</summary>
    public IReadOnlyList<MimeMessage> Messages =>
        [.. new[] { "new", "cur" }.Select(d => Path.Combine(_maildir, d)).Where(Directory.Exists)
            .SelectMany(Directory.EnumerateFiles).Select(f => MimeMessage.Load(f))];

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        try
        {
            Directory.Delete(Path.GetDirectoryName(_maildir)!, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
