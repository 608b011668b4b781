using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using ChangeFlow.Application.Changes;
using ChangeFlow.Application.Notifications;
using ChangeFlow.Domain.Demo;
using ChangeFlow.Testing;
using ChangeFlow.Web.Tests.Changes;
using ChangeFlow.Web.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using netDumbster.smtp;
using static ChangeFlow.Web.Tests.Changes.ChangeApiDriver;

namespace ChangeFlow.Web.Tests.Notifications;

/// <summary>
/// The seed's communication plan end to end, as stakeholders receive it: RFC-2026-014 authorized by its CAB, the
/// simulated clock moved through the week, the outbox dispatched at each instant to a real SMTP server (netDumbster).
/// Nothing arrives early, each of the seed's messages arrives once at its time, with the window in the recipient's
/// zone and an invite for the window; cancelling the change tells everyone who was told, cancelling the same
/// calendar entry.
/// </summary>
public sealed class SeedNoticesSmtpTests : IAsyncLifetime
{
    private static readonly DateTimeOffset WindowStart = new(2026, 5, 23, 21, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset WindowEnd = new(2026, 5, 24, 5, 0, 0, TimeSpan.Zero);
    private SimpleSmtpServer _smtp = null!;
    private ChangeFlowServer _server = null!;
    private ChangeApiDriver _api = null!;

    public async Task InitializeAsync()
    {
        _smtp = Configuration.Configure().WithAddress(IPAddress.Loopback).WithRandomPort().Build();
        _server = await ChangeFlowServer.StartAsync(new ChangeFlowServerOptions
        {
            WorkflowsDirectory = RepositoryPaths.Workflows,
            Settings =
            {
                ["ChangeFlow:PublicBaseUrl"] = "https://changes.example.org",
                ["ChangeFlow:Mail:Smtp:Host"] = "127.0.0.1",
                ["ChangeFlow:Mail:Smtp:Port"] = _smtp.Configuration.Port.ToString(CultureInfo.InvariantCulture),
                ["ChangeFlow:Mail:Smtp:Security"] = "None",
            },
        });
        _api = await SetUpAsync(_server);
        await SeedNotices.InstallAsync(_server.Services.GetRequiredService<Application.Changes.Catalog.ChangeCatalog>(), _server.Services.GetRequiredService<Application.Common.IReferenceStore>());
        var attachments = _server.Services.GetRequiredService<NoticeOptions>().AttachmentsDirectory!;
        Directory.CreateDirectory(attachments);
        await File.WriteAllBytesAsync(Path.Combine(attachments, DemoData.QuickReferenceCard), SeedNotices.QuickReferenceCard);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _smtp.Dispose();
    }

    [Fact]
    public async Task SeedPlan_ArrivesAtTheSeedsTimes_OnceEach_WithTheWindowInvite_AndACancellationCancelsTheSameEntry()
    {
        var number = await ScheduledAsync();
        var expected = SeedNotices.Scheduled();

        // Before Thursday 09:00 WAT nothing is due.
        await _server.AdvanceToAsync(SeedNotices.ThursdayBriefing.AddMinutes(-1));
        await DispatchAsync();
        Assert.Empty(Received());

        // Thursday: the surveillance team.
        await _server.AdvanceToAsync(SeedNotices.ThursdayBriefing);
        await DispatchAsync();
        Assert.Equal(
            expected.Where(e => e.NotBefore == SeedNotices.ThursdayBriefing).Select(e => e.To).Order(StringComparer.Ordinal),
            Received().Select(m => m.To.Mailboxes.Single().Address).Order(StringComparer.Ordinal));

        // Friday 14:00 WAT: the LIMS users and the lab managers (with the reference card); nothing earlier.
        await _server.AdvanceToAsync(SeedNotices.FridayNotice.AddMinutes(-1));
        await DispatchAsync();
        Assert.Equal(2, Received().Count);
        await _server.AdvanceToAsync(SeedNotices.FridayNotice);
        await DispatchAsync();
        await DispatchAsync();

        var received = Received();
        Assert.Equal(expected.Select(e => e.To).Order(StringComparer.Ordinal), received.Select(m => m.To.Mailboxes.Single().Address).Order(StringComparer.Ordinal));
        Assert.Equal(received.Count, received.Select(m => m.MessageId).Distinct(StringComparer.Ordinal).Count());
        var uids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var notice in expected)
        {
            var message = received.Single(m => m.To.Mailboxes.Single().Address == notice.To);
            Assert.StartsWith(notice.SubjectStart, message.Subject ?? "", StringComparison.Ordinal);
            Assert.Contains(notice.WindowText!, message.TextBody, StringComparison.Ordinal);
            Assert.Contains(notice.WindowText!, WebUtility.HtmlDecode(message.HtmlBody), StringComparison.Ordinal);
            var names = message.Attachments.OfType<MimePart>().Select(a => a.FileName).ToList();
            Assert.Equal(notice.Attachments.Count(a => a != "invite.ics"), names.Count(n => n != null && !n.EndsWith(".ics", StringComparison.Ordinal)));
            var invite = Invite(message);
            Assert.Equal("REQUEST", invite.Method);
            var window = invite.Events.Single();
            Assert.Equal(((DateTime?)WindowStart.UtcDateTime, (DateTime?)WindowEnd.UtcDateTime), (window.DtStart?.AsUtc, window.DtEnd?.AsUtc));
            uids.Add(window.Uid!);
        }

        var uid = Assert.Single(uids);
        Assert.StartsWith(number.ToLowerInvariant() + "-window@", uid, StringComparison.Ordinal);

        // Cancelled: everyone who was told hears of it, and their calendar entry (same UID) is cancelled.
        var before = received.Count;
        var cancel = new JsonObject { ["expectedState"] = "Scheduled", ["reason"] = "The vendor withdrew v4.0 for a data-loss bug" };
        await HttpAssert.StatusAsync(HttpStatusCode.OK, await _api.ChangeManager.Client.PostAsync($"api/changes/{number}/cancel", Json(cancel)));
        await DispatchAsync();
        var told = received.Select(m => m.MessageId).ToHashSet(StringComparer.Ordinal);
        var cancellations = Received().Where(m => !told.Contains(m.MessageId)).ToList();
        Assert.Superset(
            expected.Select(e => e.To).ToHashSet(StringComparer.Ordinal),
            cancellations.Select(m => m.To.Mailboxes.Single().Address).ToHashSet(StringComparer.Ordinal));
        foreach (var message in cancellations.Where(m => expected.Any(e => e.To == m.To.Mailboxes.Single().Address)))
        {
            var invite = Invite(message);
            Assert.Equal("CANCEL", invite.Method);
            Assert.Equal(uid, invite.Events.Single().Uid);
            Assert.True(invite.Events.Single().Sequence > 0);
        }

        await DispatchAsync();
        Assert.Equal(before + cancellations.Count, Received().Count);
    }

    private static Ical.Net.Calendar Invite(MimeMessage message)
    {
        var part = message.BodyParts.OfType<TextPart>().First(p => p.ContentType.MimeType == "text/calendar");
        return Ical.Net.Calendar.Load(part.Text)!;
    }

    private async Task<int> DispatchAsync()
    {
        var sent = await _server.Services.GetRequiredService<OutboxDispatcher>().DispatchDueAsync(CancellationToken.None);
        // netDumbster stores what it accepted asynchronously: wait until every message sent so far has arrived.
        var outbox = _server.Services.GetRequiredService<IOutbox>();
        var total = (await outbox.ListAsync(new OutboxQuery(OutboxStatus.Sent), 0, 1, CancellationToken.None)).Total;
        using var giveUp = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (_smtp.ReceivedEmailCount < total)
        {
            Assert.False(giveUp.IsCancellationRequested, $"The SMTP server has {_smtp.ReceivedEmailCount} of {total} messages.");
            await Task.Delay(50, CancellationToken.None);
        }

        return sent;
    }

    /// <summary>What the SMTP server received from the communication plan (approval requests to the CAB go out too, and are left aside).</summary>
    private List<MimeMessage> Received() =>
        [.. _smtp.ReceivedEmail.Select(m => MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(m.Data)))).Where(m => !m.Headers.Contains("X-ChangeFlow-Task"))];

    /// <summary>RFC-2026-014 submitted and authorized by the CAB on 2026-05-13 (number 14 of the year, as in the seed).</summary>
    private async Task<string> ScheduledAsync()
    {
        var changes = _server.Services.GetRequiredService<IChangeStore>();
        for (var i = 0; i < 13; i++)
        {
            await changes.AllocateNumberAsync(2026, CancellationToken.None);
        }

        var number = await _api.SubmitAsync(_api.Dossier(DemoData.Rfc2026014()));
        await _server.AdvanceToAsync(Wat(5, 13, 10, 30));
        await CompleteAsync(_api.ChangeManager, number, "Approved");
        await CompleteAsync(_api.Security, number, "Approved");
        await CompleteAsync(_api.Quality, number, "Approved");
        await CompleteAsync(_api.ChangeManager, number, "Approved");
        await CompleteAsync(_api.Owner, number, "Approved");
        Assert.Equal("Scheduled", await _api.StateAsync(number));
        return number;
    }
}
