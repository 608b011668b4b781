using System.Net.Sockets;
using ChangeFlow.Application.Notifications;
using MailKit;
using IMailTransport = ChangeFlow.Application.Notifications.IMailTransport;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace ChangeFlow.Notifications.MailKit;

/// <summary>
/// Sends over SMTP with MailKit: one connection (authenticated once) per batch, each failure classified as temporary
/// or permanent, and recipients refused one by one recorded while the others still get the message.
/// </summary>
public sealed class SmtpMailTransport : IMailTransport
{
    private readonly SmtpSettings _smtp;
    private readonly string _host;
    private readonly MailSender _from;
    private readonly TimeProvider _time;

    /// <param name="options">The SMTP server and the default sender.</param>
    /// <param name="time">The clock of each message's Date header.</param>
    public SmtpMailTransport(MailOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.Smtp.Host))
        {
            throw new ArgumentException("An SMTP host is required.", nameof(options));
        }

        _smtp = options.Smtp;
        _host = options.Smtp.Host.Trim();
        _from = options.From;
        _time = time;
    }

    /// <inheritdoc />
    public string Description => $"smtp://{_host}:{_smtp.EffectivePort} ({_smtp.Security}{(string.IsNullOrEmpty(_smtp.UserName) ? "" : ", authenticated as " + _smtp.UserName)})";

    /// <inheritdoc />
    public async Task<IMailSession> OpenAsync(CancellationToken cancellationToken)
    {
        var client = new RecipientTrackingClient { Timeout = (int)_smtp.Timeout.TotalMilliseconds };
        try
        {
            await client.ConnectAsync(_host, _smtp.EffectivePort, Map(_smtp.Security), cancellationToken);
            if (!string.IsNullOrEmpty(_smtp.UserName))
            {
                await client.AuthenticateAsync(_smtp.UserName, _smtp.Password ?? "", cancellationToken);
            }

            return new Session(client, _from, _time);
        }
        catch (Exception ex)
        {
            client.Dispose();
            if (ex is OperationCanceledException && cancellationToken.IsCancellationRequested)
            {
                throw;
            }

            throw Classify(ex, $"Connecting to {_host}:{_smtp.EffectivePort} failed");
        }
    }

    /// <summary>
    /// The classification of what MailKit threw: 5xx replies are permanent, everything else (4xx, connection refused,
    /// DNS, timeouts, TLS handshakes, authentication, a dropped connection) is temporary.
    /// </summary>
    internal static MailDeliveryException Classify(Exception error, string context) => error switch
    {
        MailDeliveryException delivery => delivery,
        SmtpCommandException command => new MailDeliveryException(
            $"{context}: the server answered {(int)command.StatusCode} {command.Message.Trim()}",
            permanent: (int)command.StatusCode is >= 500 and < 600,
            sessionBroken: (int)command.StatusCode == 421,
            smtpCode: (int)command.StatusCode,
            inner: command),
        SmtpProtocolException => Temporary($"{context}: the connection broke ({error.Message})", error),
        AuthenticationException => Temporary($"{context}: authentication was refused ({error.Message.Trim()})", error),
        ServiceNotAuthenticatedException => Temporary($"{context}: the server requires authentication ({error.Message.Trim()})", error),
        SslHandshakeException => Temporary($"{context}: the TLS handshake failed ({FirstLine(error.Message)})", error),
        SocketException socket => Temporary($"{context}: {Describe(socket)}", error),
        IOException or TimeoutException or OperationCanceledException => Temporary($"{context}: no answer in time or the connection was lost ({error.Message})", error),
        NotSupportedException => Temporary($"{context}: {error.Message}", error),
        _ => Temporary($"{context}: {error.GetType().Name}: {error.Message}", error),
    };

    private static MailDeliveryException Temporary(string message, Exception inner) =>
        new(message, permanent: false, sessionBroken: true, inner: inner);

    private static string Describe(SocketException socket) => socket.SocketErrorCode switch
    {
        SocketError.ConnectionRefused => "connection refused",
        SocketError.HostNotFound or SocketError.NoData => "host not found (DNS)",
        SocketError.TryAgain => "host name lookup failed for now (DNS)",
        SocketError.TimedOut => "connection timed out",
        SocketError.NetworkUnreachable or SocketError.HostUnreachable => "host unreachable",
        _ => socket.Message,
    };

    private static string FirstLine(string text)
    {
        var end = text.IndexOfAny(['\r', '\n']);
        return end < 0 ? text : text[..end];
    }

    private static SecureSocketOptions Map(SmtpSecurity security) => security switch
    {
        SmtpSecurity.None => SecureSocketOptions.None,
        SmtpSecurity.StartTls => SecureSocketOptions.StartTls,
        SmtpSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
        _ => SecureSocketOptions.Auto,
    };

    private sealed class Session(RecipientTrackingClient client, MailSender from, TimeProvider time) : IMailSession
    {
        public async Task<MailSendResult> SendAsync(OutboundMessage message, CancellationToken cancellationToken)
        {
            var mime = MimeMessages.Create(message, from, time.GetUtcNow());
            client.Refused.Clear();
            try
            {
                await client.SendAsync(mime, cancellationToken);
            }
            catch (NoRecipientAcceptedException)
            {
                var refused = client.Refused.ToList();
                var temporary = refused.Any(r => !r.IsPermanent);
                throw new MailDeliveryException(
                    "Every recipient was refused: " + string.Join("; ", refused),
                    permanent: !temporary,
                    sessionBroken: false,
                    smtpCode: refused.FirstOrDefault(r => r.IsPermanent != temporary)?.Code,
                    refused: refused);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                var classified = Classify(ex, $"Sending <{mime.MessageId}> failed");
                if (!classified.SessionBroken && !client.IsConnected)
                {
                    classified = new MailDeliveryException(classified.Message, classified.Permanent, sessionBroken: true, classified.SmtpCode, classified.Refused, ex);
                }

                throw classified;
            }

            return client.Refused.Count == 0 ? MailSendResult.Delivered : new MailSendResult([.. client.Refused]);
        }

        public async ValueTask DisposeAsync()
        {
            try
            {
                if (client.IsConnected)
                {
                    await client.DisconnectAsync(quit: true, CancellationToken.None);
                }
            }
            finally
            {
                client.Dispose();
            }
        }
    }

    /// <summary>
    /// MailKit's client, changed in the one way MailKit documents for this: a refused recipient is recorded instead of
    /// aborting the message, and only a message every recipient refused is aborted.
    /// </summary>
    private sealed class RecipientTrackingClient : SmtpClient
    {
        public List<RefusedRecipient> Refused { get; } = [];

        protected override void OnRecipientNotAccepted(MimeMessage message, MailboxAddress mailbox, SmtpResponse response) =>
            Refused.Add(new RefusedRecipient(mailbox.Address, (int)response.StatusCode, response.Response.Trim()));

        protected override void OnNoRecipientsAccepted(MimeMessage message) => throw new NoRecipientAcceptedException();
    }

    private sealed class NoRecipientAcceptedException : Exception
    {
        public NoRecipientAcceptedException()
            : base("No recipient was accepted.")
        {
        }

        public NoRecipientAcceptedException(string message)
            : base(message)
        {
        }

        public NoRecipientAcceptedException(string message, Exception inner)
            : base(message, inner)
        {
        }
    }
}
