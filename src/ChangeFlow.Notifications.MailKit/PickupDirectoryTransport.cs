using ChangeFlow.Application.Notifications;
using MimeKit;

namespace ChangeFlow.Notifications.MailKit;

/// <summary>
/// Writes each message as <c>&lt;Message-ID&gt;.eml</c> into a directory instead of sending it: the default when no
/// SMTP server is configured, so a new installation shows exactly what it would send (any mail client opens the files).
/// </summary>
/// <remarks>
/// A file appears whole or not at all: it is written under a temporary name starting with a dot and then renamed, so
/// a reader (or a relay that picks files up) never sees half a message. A message written twice (a crash before it
/// was marked sent) replaces its own file, since the name is its Message-ID.
/// </remarks>
public sealed class PickupDirectoryTransport : IMailTransport
{
    private readonly MailSender _from;
    private readonly TimeProvider _time;

    /// <param name="directory">Where the files go; created when missing.</param>
    /// <param name="from">The sender of messages that name none.</param>
    /// <param name="time">The clock of each message's Date header.</param>
    public PickupDirectoryTransport(string directory, MailSender from, TimeProvider time)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Directory = Path.GetFullPath(directory);
        _from = from;
        _time = time;
    }

    /// <summary>The directory the files go to.</summary>
    public string Directory { get; }

    /// <inheritdoc />
    public string Description => $"pickup directory {Directory}";

    /// <inheritdoc />
    public Task<IMailSession> OpenAsync(CancellationToken cancellationToken)
    {
        try
        {
            System.IO.Directory.CreateDirectory(Directory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new MailDeliveryException($"The pickup directory {Directory} cannot be created: {ex.Message}", permanent: false, sessionBroken: true, inner: ex);
        }

        return Task.FromResult<IMailSession>(new Session(this));
    }

    /// <summary>The file name of a message: its Message-ID, with characters no file system takes replaced, and <c>.eml</c>.</summary>
    public static string FileNameFor(string messageId)
    {
        ArgumentNullException.ThrowIfNull(messageId);
        var invalid = Path.GetInvalidFileNameChars();
        var name = new string([.. messageId.Select(c => invalid.Contains(c) || c is '\\' or '/' or ':' or '*' or '?' or '"' or '<' or '>' or '|' ? '_' : c)]);
        return (name.StartsWith('.') ? "_" + name[1..] : name) + ".eml";
    }

    private sealed class Session(PickupDirectoryTransport owner) : IMailSession
    {
        public async Task<MailSendResult> SendAsync(OutboundMessage message, CancellationToken cancellationToken)
        {
            var mime = MimeMessages.Create(message, owner._from, owner._time.GetUtcNow());

            // What an SMTP client would put on the wire: 7-bit safe, lines within 998 characters.
            mime.Prepare(EncodingConstraint.SevenBit);
            var target = Path.Combine(owner.Directory, FileNameFor(mime.MessageId ?? message.Id));
            var temporary = Path.Combine(owner.Directory, $".{Guid.NewGuid():N}.tmp");
            try
            {
                await using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024, FileOptions.Asynchronous))
                {
                    await mime.WriteToAsync(stream, cancellationToken);
                    await stream.FlushAsync(cancellationToken);
                    stream.Flush(flushToDisk: true);
                }

                File.Move(temporary, target, overwrite: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                TryDelete(temporary);
                throw new MailDeliveryException($"Writing {target} failed: {ex.Message}", permanent: false, sessionBroken: false, inner: ex);
            }
            catch
            {
                TryDelete(temporary);
                throw;
            }

            return MailSendResult.Delivered;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;

        private static void TryDelete(string path)
        {
            try
            {
                File.Delete(path);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }
}
