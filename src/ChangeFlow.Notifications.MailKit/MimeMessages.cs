using System.Text;
using ChangeFlow.Application.Notifications;
using MimeKit;
using MimeKit.Text;

namespace ChangeFlow.Notifications.MailKit;

/// <summary>
/// Builds the MIME form of an outbox message: its stable Message-ID, Date from the clock, <c>Auto-Submitted:
/// auto-generated</c>, text and HTML as <c>multipart/alternative</c>, files as attachments, and iCalendar invites both
/// as a calendar part and as an <c>.ics</c> file.
/// </summary>
/// <remarks>
/// <para>An iCalendar attachment (<c>text/calendar</c>) is placed twice, the way calendar services send invitations
/// (structure recommended by CalConnect's iMIP guide, RFC 6047):</para>
/// <code>
/// multipart/mixed
///   multipart/alternative
///     text/plain
///     text/html
///     text/calendar; method=REQUEST; charset=utf-8     (the iMIP part: Outlook shows Accept/Decline for it)
///   application/ics; name=invite.ics (attachment)     (the file: for clients that only import attachments)
/// </code>
/// <para>Outlook reads iMIP data only from the first child of <c>multipart/mixed</c> (the alternative) and needs the
/// part's <c>method</c> parameter; calendar data elsewhere is an ordinary attachment to it, which is why the copy is
/// <c>application/ics</c> and not a second <c>text/calendar</c> (that would make some clients show two invitations).
/// Gmail and Apple Mail recognise either. The <c>method</c> parameter is the attachment's own, or the calendar's
/// <c>METHOD</c> property, or <c>PUBLISH</c>.</para>
/// </remarks>
public static class MimeMessages
{
    /// <summary>Headers the builder owns; the same names among a message's extra headers are ignored.</summary>
    public static IReadOnlySet<string> ReservedHeaders { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "Message-ID", "Date", "From", "Sender", "To", "Cc", "Bcc", "Subject", "MIME-Version",
        "Content-Type", "Content-Transfer-Encoding", "Content-Disposition", "Content-ID", "Return-Path", "Received",
    };

    /// <summary>
    /// The MIME message for <paramref name="message"/>, dated <paramref name="date"/>, from its own sender or
    /// <paramref name="defaultFrom"/>.
    /// </summary>
    /// <exception cref="MailDeliveryException">An address cannot be used, or there is no recipient (a permanent failure).</exception>
    public static MimeMessage Create(OutboundMessage message, MailSender defaultFrom, DateTimeOffset date)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(defaultFrom);
        var mime = new MimeMessage
        {
            MessageId = message.MessageId is { Length: > 0 } id ? id.Trim('<', '>', ' ') : OutboxIds.MessageIdFor(message.Id),
            Date = date,
            Subject = message.Subject,
        };
        mime.From.Add(message.From is { } from ? Mailbox(from, "from") : Mailbox(new MailRecipient(defaultFrom.Address, defaultFrom.DisplayName), "from"));
        mime.To.AddRange(message.To.Select(r => Mailbox(r, "to")));
        mime.Cc.AddRange(message.Cc.Select(r => Mailbox(r, "cc")));
        mime.Bcc.AddRange(message.Bcc.Select(r => Mailbox(r, "bcc")));
        if (mime.To.Count + mime.Cc.Count + mime.Bcc.Count == 0)
        {
            throw new MailDeliveryException("The message has no recipient.", permanent: true, sessionBroken: false);
        }

        // RFC 3834: mail sent by a program, so vacation responders stay quiet. Exchange's own header does the same
        // for out-of-office and auto-replies but keeps delivery reports, which must still reach the sender.
        mime.Headers.Add("Auto-Submitted", "auto-generated");
        mime.Headers.Add("X-Auto-Response-Suppress", "OOF, AutoReply");
        if (!string.IsNullOrEmpty(message.Kind))
        {
            mime.Headers.Add("X-ChangeFlow-Kind", message.Kind);
        }

        foreach (var (name, value) in message.Headers)
        {
            if (ReservedHeaders.Contains(name) || !IsHeaderName(name))
            {
                continue;
            }

            // A value is one line: a line break in it would start a header of the caller's choosing.
            var line = value.Replace('\r', ' ').Replace('\n', ' ');
            if (mime.Headers.Contains(name))
            {
                mime.Headers[name] = line;
            }
            else
            {
                mime.Headers.Add(name, line);
            }
        }

        mime.Body = Body(message);
        return mime;
    }

    /// <summary>The <c>method</c> of an iCalendar attachment: its content type's parameter, else the calendar's METHOD, else PUBLISH.</summary>
    public static string CalendarMethod(MailAttachment attachment)
    {
        ArgumentNullException.ThrowIfNull(attachment);
        if (ContentType.TryParse(attachment.ContentType, out var type) && type.Parameters.TryGetValue("method", out string? method) && !string.IsNullOrWhiteSpace(method))
        {
            return method.Trim().ToUpperInvariant();
        }

        foreach (var line in Encoding.UTF8.GetString(attachment.Content).Split('\n'))
        {
            var trimmed = line.TrimEnd('\r');
            if (trimmed.StartsWith("METHOD:", StringComparison.OrdinalIgnoreCase))
            {
                return trimmed["METHOD:".Length..].Trim().ToUpperInvariant();
            }
        }

        return "PUBLISH";
    }

    /// <summary>Whether an attachment is an iCalendar object (<c>text/calendar</c>, or a <c>.ics</c> file of no specific type).</summary>
    public static bool IsCalendar(MailAttachment attachment)
    {
        ArgumentNullException.ThrowIfNull(attachment);
        return attachment.ContentType.TrimStart().StartsWith("text/calendar", StringComparison.OrdinalIgnoreCase)
            || (attachment.ContentType.TrimStart().StartsWith("application/octet-stream", StringComparison.OrdinalIgnoreCase)
                && attachment.FileName.EndsWith(".ics", StringComparison.OrdinalIgnoreCase));
    }

    private static MimeEntity Body(OutboundMessage message)
    {
        var alternatives = new List<MimeEntity>();
        if (message.TextBody is not null)
        {
            alternatives.Add(Text(TextFormat.Plain, message.TextBody));
        }

        if (message.HtmlBody is not null)
        {
            alternatives.Add(Text(TextFormat.Html, message.HtmlBody));
        }

        if (alternatives.Count == 0)
        {
            alternatives.Add(Text(TextFormat.Plain, string.Empty));
        }

        var attachments = new List<MimeEntity>();
        foreach (var attachment in message.Attachments)
        {
            if (IsCalendar(attachment))
            {
                var calendar = new TextPart("calendar");
                calendar.SetText(Encoding.UTF8, Encoding.UTF8.GetString(attachment.Content));
                calendar.ContentType.Parameters["method"] = CalendarMethod(attachment);
                alternatives.Add(calendar);
                attachments.Add(File(new ContentType("application", "ics"), IcsName(attachment.FileName), attachment.Content));
            }
            else
            {
                var type = ContentType.TryParse(attachment.ContentType, out var parsed) ? parsed : new ContentType("application", "octet-stream");
                attachments.Add(File(type, attachment.FileName, attachment.Content));
            }
        }

        MimeEntity body = alternatives.Count == 1 ? alternatives[0] : Alternative(alternatives);
        if (attachments.Count == 0)
        {
            return body;
        }

        var mixed = new Multipart("mixed") { body };
        foreach (var attachment in attachments)
        {
            mixed.Add(attachment);
        }

        return mixed;
    }

    private static MultipartAlternative Alternative(List<MimeEntity> parts)
    {
        var alternative = new MultipartAlternative();
        foreach (var part in parts)
        {
            alternative.Add(part);
        }

        return alternative;
    }

    private static TextPart Text(TextFormat format, string text)
    {
        var part = new TextPart(format);
        part.SetText(Encoding.UTF8, text);
        return part;
    }

    private static MimePart File(ContentType type, string fileName, byte[] content) => new(type)
    {
        Content = new MimeContent(new MemoryStream(content, writable: false)),
        ContentDisposition = new ContentDisposition(ContentDisposition.Attachment),
        ContentTransferEncoding = ContentEncoding.Base64,
        FileName = string.IsNullOrWhiteSpace(fileName) ? "attachment" : fileName,
    };

    private static string IcsName(string fileName) =>
        string.IsNullOrWhiteSpace(fileName) ? "invite.ics"
        : fileName.EndsWith(".ics", StringComparison.OrdinalIgnoreCase) ? fileName
        : fileName + ".ics";

    private static MailboxAddress Mailbox(MailRecipient recipient, string field)
    {
        if (!MailboxAddress.TryParse(recipient.Address?.Trim() ?? "", out var parsed) || !string.IsNullOrEmpty(parsed.Name) || parsed.Address.Contains(' ', StringComparison.Ordinal) || !parsed.Address.Contains('@', StringComparison.Ordinal))
        {
            throw new MailDeliveryException($"'{recipient.Address}' ({field}) is not an e-mail address.", permanent: true, sessionBroken: false);
        }

        return new MailboxAddress(string.IsNullOrWhiteSpace(recipient.Name) ? null : recipient.Name, parsed.Address);
    }

    private static bool IsHeaderName(string name) =>
        name.Length is > 0 and <= 100 && name.All(c => c is > ' ' and < (char)127 and not ':');
}
