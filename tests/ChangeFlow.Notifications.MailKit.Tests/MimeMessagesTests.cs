using System.Text;
using ChangeFlow.Application.Notifications;
using ChangeFlow.Testing;
using MimeKit;

namespace ChangeFlow.Notifications.MailKit.Tests;

/// <summary>The MIME form of outbox messages, read back with MimeKit's parser.</summary>
public sealed class MimeMessagesTests
{
    private static readonly MailSender From = new() { Address = "changeflow@lab.example", DisplayName = "ChangeFlow" };

    internal const string Invite = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//ChangeFlow//EN\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\nUID:rfc-2026-014@changeflow\r\nDTSTART:20260523T210000Z\r\nDTEND:20260524T030000Z\r\nSUMMARY:LIMS upgrade\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";

    [Fact]
    public void Create_PutsTheInviteInTheAlternativeWithItsMethodAndAsAnIcsFile_WhenACalendarIsAttached()
    {
        var message = RoundTrip(Message() with
        {
            Attachments =
            [
                new MailAttachment("lims-upgrade.ics", "text/calendar; method=REQUEST", Encoding.UTF8.GetBytes(Invite)),
                new MailAttachment("reference-card.pdf", "application/pdf", [1, 2, 3, 4]),
            ],
        });

        var mixed = Assert.IsType<Multipart>(message.Body);
        Assert.Equal("multipart/mixed", mixed.ContentType.MimeType);
        var alternative = Assert.IsType<MultipartAlternative>(mixed[0]);
        Assert.Equal(["text/plain", "text/html", "text/calendar"], alternative.Select(p => p.ContentType.MimeType));
        var calendar = Assert.IsType<TextPart>(alternative[2]);
        Assert.Equal("REQUEST", calendar.ContentType.Parameters["method"]);
        Assert.Equal("utf-8", calendar.ContentType.Charset, ignoreCase: true);
        Assert.Contains("UID:rfc-2026-014@changeflow", calendar.Text, StringComparison.Ordinal);

        var ics = Assert.IsType<MimePart>(mixed[1]);
        Assert.Equal("application/ics", ics.ContentType.MimeType);
        Assert.True(ics.IsAttachment);
        Assert.Equal("lims-upgrade.ics", ics.FileName);
        Assert.Equal(Invite, Content(ics));

        var pdf = Assert.IsType<MimePart>(mixed[2]);
        Assert.Equal(("application/pdf", "reference-card.pdf"), (pdf.ContentType.MimeType, pdf.FileName));
        Assert.Equal([1, 2, 3, 4], Bytes(pdf));
    }

    [Fact]
    public void Create_TakesTheCalendarMethodFromItsMethodProperty_WhenTheContentTypeHasNone()
    {
        var cancel = Invite.Replace("METHOD:REQUEST", "METHOD:CANCEL", StringComparison.Ordinal);
        var message = RoundTrip(Message() with { Attachments = [new MailAttachment("invite.ics", "text/calendar", Encoding.UTF8.GetBytes(cancel))] });
        var calendar = ((MultipartAlternative)((Multipart)message.Body!)[0]).OfType<TextPart>().Single(p => p.ContentType.MimeType == "text/calendar");
        Assert.Equal("CANCEL", calendar.ContentType.Parameters["method"]);
    }

    [Fact]
    public void Create_SetsTheRowsMessageIdDateAndAutoSubmitted_AndExtraHeadersButNotReservedOnes()
    {
        var date = EngineFixture.StartInstant.AddHours(3);
        var message = RoundTrip(
            Message() with
            {
                MessageId = "notice-42@changeflow.local",
                Headers = new Dictionary<string, string>
                {
                    ["X-ChangeFlow-Change"] = "RFC-2026-014",
                    ["Reply-To"] = "change-manager@lab.example",
                    ["Message-ID"] = "<forged@elsewhere>",
                    ["Subject"] = "forged",
                    ["X-Injected"] = "value\r\nBcc: attacker@elsewhere",
                },
            },
            date);

        Assert.Equal("notice-42@changeflow.local", message.MessageId);
        Assert.Equal(date, message.Date);
        Assert.Equal("auto-generated", message.Headers["Auto-Submitted"]);
        Assert.Equal("maintenance-notice", message.Headers["X-ChangeFlow-Kind"]);
        Assert.Equal("RFC-2026-014", message.Headers["X-ChangeFlow-Change"]);
        Assert.Equal("change-manager@lab.example", message.ReplyTo.Mailboxes.Single().Address);
        Assert.Equal("LIMS upgrade this weekend", message.Subject);
        Assert.Empty(message.Bcc);
        Assert.DoesNotContain("\n", message.Headers["X-Injected"], StringComparison.Ordinal);
        Assert.Equal(("ChangeFlow", "changeflow@lab.example"), (message.From.Mailboxes.Single().Name, message.From.Mailboxes.Single().Address));
        Assert.Equal([("Ada Obi", "ada@lab.example"), ("", "lab-managers@lab.example")], message.To.Mailboxes.Select(m => (m.Name ?? "", m.Address)));
    }

    [Fact]
    public void Create_UsesTheOutboxMessageIdOfTheRow_WhenTheMessageHasNone()
    {
        var message = MimeMessages.Create(Message() with { Id = "0192abc", MessageId = null }, From, EngineFixture.StartInstant);
        Assert.Equal("0192abc@changeflow.local", message.MessageId);
    }

    [Fact]
    public void Create_SendsASinglePart_WhenTheMessageHasOnlyText()
    {
        var message = RoundTrip(Message() with { HtmlBody = null });
        var text = Assert.IsType<TextPart>(message.Body);
        Assert.Equal("text/plain", text.ContentType.MimeType);
        Assert.Equal("Maintenance on Saturday 22:00–04:00 WAT.", text.Text.TrimEnd());
    }

    [Theory]
    [InlineData("not an address")]
    [InlineData("two@lab.example, three@lab.example")]
    [InlineData("")]
    public void Create_RefusesForGood_WhenARecipientIsNotAnAddress(string address)
    {
        var error = Assert.Throws<MailDeliveryException>(() => MimeMessages.Create(Message() with { To = [new MailRecipient(address)] }, From, EngineFixture.StartInstant));
        Assert.True(error.Permanent);
        Assert.Contains("(to)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_RefusesForGood_WhenThereIsNoRecipient()
    {
        var error = Assert.Throws<MailDeliveryException>(() => MimeMessages.Create(Message() with { To = [], Bcc = [] }, From, EngineFixture.StartInstant));
        Assert.True(error.Permanent);
    }

    internal static OutboundMessage Message() => new()
    {
        Id = "0192f0000000700080000000000000a1",
        MessageId = "0192f0000000700080000000000000a1@changeflow.local",
        Subject = "LIMS upgrade this weekend",
        To = [new MailRecipient("ada@lab.example", "Ada Obi"), new MailRecipient("lab-managers@lab.example")],
        Bcc = [new MailRecipient("audit@lab.example")],
        TextBody = "Maintenance on Saturday 22:00–04:00 WAT.",
        HtmlBody = "<p>Maintenance on <b>Saturday 22:00–04:00 WAT</b>.</p>",
        Kind = "maintenance-notice",
        CorrelationKey = "change:RFC-2026-014",
    };

    internal static string Content(MimePart part) => Encoding.UTF8.GetString(Bytes(part));

    internal static byte[] Bytes(MimePart part)
    {
        using var stream = new MemoryStream();
        part.Content!.DecodeTo(stream);
        return stream.ToArray();
    }

    // What a receiver sees: the message as it goes on the wire (7-bit, Bcc hidden as SMTP hides it), parsed again.
    private static MimeMessage RoundTrip(OutboundMessage outbound, DateTimeOffset? date = null)
    {
        var message = MimeMessages.Create(outbound, From, date ?? EngineFixture.StartInstant);
        message.Prepare(EncodingConstraint.SevenBit);
        using var stream = new MemoryStream();
        var options = FormatOptions.Default.Clone();
        options.HiddenHeaders.Add(HeaderId.Bcc);
        message.WriteTo(options, stream);
        stream.Position = 0;
        return MimeMessage.Load(stream);
    }
}
