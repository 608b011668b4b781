using System.Net;
using System.Net.Sockets;
using ChangeFlow.Application.Notifications;
using ChangeFlow.Notifications.MailKit.Tests.Support;
using ChangeFlow.Testing;
using Microsoft.Extensions.Time.Testing;

namespace ChangeFlow.Notifications.MailKit.Tests;

/// <summary>How the SMTP sender classifies a server it cannot use: every such failure is temporary (retried).</summary>
public sealed class SmtpMailTransportTests
{
    [Fact]
    public async Task Open_FailsTemporarily_WhenTheConnectionIsRefused()
    {
        var error = await OpenAsync("127.0.0.1", DumbsterReceiver.FreePort(), SmtpSecurity.None);
        Assert.Contains("connection refused", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_FailsTemporarily_WhenTheHostNameDoesNotResolve()
    {
        var error = await OpenAsync("smtp.changeflow.invalid", 25, SmtpSecurity.None);
        Assert.Contains("smtp.changeflow.invalid", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_FailsTemporarily_WhenTheTlsHandshakeFails()
    {
        // A plain SMTP server where TLS on connect is expected: the handshake cannot succeed.
        await using var plain = new ScriptedSmtpServer();
        var error = await OpenAsync("127.0.0.1", plain.Port, SmtpSecurity.SslOnConnect);
        Assert.Contains("Connecting to 127.0.0.1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_FailsTemporarily_WhenStartTlsIsRequiredButNotOffered()
    {
        await using var plain = new ScriptedSmtpServer();
        var error = await OpenAsync("127.0.0.1", plain.Port, SmtpSecurity.StartTls);
        Assert.Contains("STARTTLS", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Open_FailsTemporarily_WhenTheServerNeverGreets()
    {
        // A listener that accepts the connection and then says nothing, until the timeout (1 s here) gives up.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var accepting = silent.AcceptTcpClientAsync();
        var error = await OpenAsync("127.0.0.1", ((IPEndPoint)silent.LocalEndpoint).Port, SmtpSecurity.None, TimeSpan.FromSeconds(1));
        Assert.Contains("no answer in time", error.Message, StringComparison.Ordinal);
        (await accepting).Dispose();
    }

    private static async Task<MailDeliveryException> OpenAsync(string host, int port, SmtpSecurity security, TimeSpan? timeout = null)
    {
        var transport = new SmtpMailTransport(
            new MailOptions { Smtp = new SmtpSettings { Host = host, Port = port, Security = security, Timeout = timeout ?? TimeSpan.FromSeconds(10) } },
            new FakeTimeProvider(EngineFixture.StartInstant));
        var error = await Assert.ThrowsAsync<MailDeliveryException>(() => transport.OpenAsync(CancellationToken.None));
        Assert.False(error.Permanent, error.Message);
        Assert.True(error.SessionBroken);
        return error;
    }
}
