using System.Text;
using ChangeFlow.Application.Changes;
using ChangeFlow.Application.Common;
using ChangeFlow.Application.Notifications;
using ChangeFlow.Application.Tests.Changes.Support;
using ChangeFlow.Domain.Changes;
using ChangeFlow.Domain.Communication;
using ChangeFlow.Domain.Demo;
using ChangeFlow.Testing;
using static ChangeFlow.Application.Tests.Changes.Support.ChangeHarness;

namespace ChangeFlow.Application.Tests.Notifications;

/// <summary>
/// RFC-2026-014's communication plan on the durable runtime (real SQLite instance store and outbox) and the simulated
/// clock: what is queued when the CAB schedules the change, at which times, for whom, in which zone; what the outcome
/// sends; and how a moved window, an edited plan and a cancellation change what is pending and tell who was told.
/// </summary>
public sealed class CommunicationPlanTests : IAsyncLifetime
{
    private static readonly ImplementationPlan Plan = DemoData.Rfc2026014().ImplementationPlan;

    /// <summary>The directory users the outcome reaches besides the lists: requestor, owner, change manager, the CAB.</summary>
    private static readonly string[] Stakeholders =
        [.. new[] { Requestor, Owner, ChangeManager, ChangeHarness.Security, Quality }.Select(id => $"{id}@example.org")];

    private ChangeHarness _h = null!;

    private static CancellationToken Ct => CancellationToken.None;

    public async Task InitializeAsync()
    {
        _h = await ChangeHarness.CreateAsync(notices: true);
        await SeedNotices.InstallAsync(_h.Catalog, _h.Ports.References, Ct);
        await File.WriteAllBytesAsync(Path.Combine(_h.AttachmentsDirectory, DemoData.QuickReferenceCard), SeedNotices.QuickReferenceCard, Ct);
    }

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task Rfc2026014Plan_QueuesExactlyTheSeedsMessages_AtTheSeedsTimes_InEachRecipientsOwnZone()
    {
        var number = await ScheduledAsync();

        var queued = await _h.OutboxAsync(number);
        var expected = SeedNotices.Scheduled();
        Assert.Equal(
            expected.Select(e => (e.Row, e.Template, e.To, e.NotBefore)).Order(),
            queued.Select(e => (Row(e)!, e.Message.Kind!, To(e), e.Message.NotBefore)).Order());
        foreach (var notice in expected)
        {
            var entry = Assert.Single(queued, e => To(e) == notice.To);
            Assert.Equal(OutboxStatus.Pending, entry.Status);
            Assert.Equal(notice.SubjectStart, entry.Message.Subject);
            Assert.Contains(notice.WindowText!, entry.Message.TextBody, StringComparison.Ordinal);
            Assert.Contains(notice.WindowText!.Replace("+", "&#x2B;", StringComparison.Ordinal), entry.Message.HtmlBody, StringComparison.Ordinal);
            Assert.Equal(notice.Attachments, entry.Message.Attachments.Select(a => a.FileName));
            Assert.Equal("change:RFC-2026-014", entry.Message.CorrelationKey);
            Assert.Equal("auto-generated", entry.Message.Headers["Auto-Submitted"]);
            var invite = Calendar(entry);
            Assert.Equal("REQUEST", invite.Method);
            var window = Assert.Single(invite.Events);
            Assert.Equal(("rfc-2026-014-window@changes.example.org", 0), (window.Uid, window.Sequence));
            Assert.Equal(new DateTime(2026, 5, 23, 21, 0, 0, DateTimeKind.Utc), window.DtStart!.AsUtc);
            Assert.Equal(new DateTime(2026, 5, 24, 5, 0, 0, DateTimeKind.Utc), window.DtEnd!.AsUtc);
            Assert.Equal("mailto:" + notice.To, Assert.Single(window.Attendees).Value!.ToString());
        }

        var card = queued.First(e => Row(e) == "lab-managers").Message.Attachments[0];
        Assert.Equal("application/pdf", card.ContentType);
        Assert.Equal(SeedNotices.QuickReferenceCard, card.Content);
        Assert.Contains(await _h.TimelineAsync(number), e => e.Action == "notices.scheduled" && e.Summary.StartsWith("lims-users (All LIMS users): 4 maintenance-notice messages queued for Fri 22 May 2026 14:00 Africa/Lagos", StringComparison.Ordinal));

        // The night goes to plan: the outcome goes to everyone at once, well before Sunday 06:00, with the review invitation.
        await ValidatedAsync(number);
        var outcome = (await _h.OutboxAsync(number)).Where(e => Row(e) == "outcome").ToList();
        Assert.Equal(SeedNotices.Outcome(successful: true, Stakeholders).Select(e => e.To).Order(), outcome.Select(To).Order());
        Assert.All(outcome, e =>
        {
            Assert.Equal("outcome-successful", e.Message.Kind);
            Assert.StartsWith("[RFC-2026-014] Completed: LIMS major version upgrade: v3.8 → v4.0", e.Message.Subject, StringComparison.Ordinal);
            Assert.Null(e.Message.NotBefore);
            Assert.True(e.CreatedAt <= SeedNotices.OutcomeDeadline);
        });
        var pir = (await _h.OutboxAsync(number)).Where(e => e.Message.Kind == "pir-invitation").ToList();
        Assert.Equal(new[] { ChangeManager, Requestor, Owner }.Select(id => $"{id}@example.org").Order(), pir.Select(To).Order());
        var review = Assert.Single(Calendar(pir[0]).Events);
        Assert.Equal(("rfc-2026-014-pir@changes.example.org", new DateTime(2026, 5, 25, 9, 0, 0, DateTimeKind.Utc)), (review.Uid, review.DtStart!.AsUtc));
        Assert.DoesNotContain(await _h.OutboxAsync(number), e => e.Message.Kind == "rollback-notice");
    }

    [Fact]
    public async Task Outcome_AndReviewInvitation_GiveTheDossiersPlannedReviewTime_WhenItIsNotTheNextWorkingDayAtTen()
    {
        // The plan says Tuesday 14:00 WAT; the default slot would be Monday 10:00. Everyone is told Tuesday 14:00.
        var planned = Wat(5, 26, 14, 0);
        var dossier = SeedDossier() with { PostImplementationReview = SeedDossier().PostImplementationReview! with { ScheduledAt = planned } };
        var number = await ScheduledAsync(dossier);

        await ValidatedAsync(number);

        Assert.Equal(planned, (await _h.ChangeAsync(number)).Change.PostImplementationReview!.ScheduledAt);
        var outbox = await _h.OutboxAsync(number);
        var outcome = outbox.Where(e => Row(e) == "outcome").ToList();
        Assert.NotEmpty(outcome);
        Assert.All(outcome, e =>
        {
            // In each recipient's language and zone: "Tuesday 26 May 2026 14:00", "mardi 26 mai 2026 15:00".
            var next = e.Message.TextBody!.Split("Next: the post-implementation review, ", 2)[1].Split(" your time", 2)[0];
            Assert.Contains(" 26 ", next, StringComparison.Ordinal);
            Assert.DoesNotContain("10:00", next, StringComparison.Ordinal);
        });
        var invitations = outbox.Where(e => e.Message.Kind == "pir-invitation").ToList();
        Assert.NotEmpty(invitations);
        Assert.All(invitations, e =>
        {
            Assert.Equal(new DateTime(2026, 5, 26, 13, 0, 0, DateTimeKind.Utc), Assert.Single(Calendar(e).Events).DtStart!.AsUtc);
            Assert.Contains(" 26 ", e.Message.Subject, StringComparison.Ordinal);
        });
        var scheduled = Assert.Single(await _h.TimelineAsync(number), t => t.Action == "pir.scheduled");
        Assert.Contains("14:00", scheduled.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RollbackAtFour_TellsEveryoneWhenItStarts_AndTheOutcomeIsTheRolledBackNotice()
    {
        var number = await ScheduledAsync();
        await _h.AdvanceToAsync(Wat(5, 23, 22));
        for (var i = 1; i < 9; i++)
        {
            await _h.AdvanceToAsync(Plan.Steps[i].PlannedAt);
            await _h.ReportAsync(number, Plan.IdOf(i));
        }

        await _h.AdvanceToAsync(Wat(5, 24, 4));

        var rollback = (await _h.OutboxAsync(number)).Where(e => e.Message.Kind == "rollback-notice").ToList();
        Assert.Equal(SeedNotices.Outcome(true, Stakeholders).Select(e => e.To).Order(), rollback.Select(To).Order());
        Assert.All(rollback, e => Assert.Equal(Wat(5, 24, 4), e.CreatedAt));
        Assert.Contains("Not validated by the hard rollback decision point", rollback[0].Message.TextBody, StringComparison.Ordinal);

        for (var i = 0; i < 8; i++)
        {
            await _h.AdvanceToAsync(Wat(5, 24, 4, 5 * (i + 1)));
            await _h.ReportAsync(number, ChangeStimuli.RollbackStepId(i));
        }

        var outcome = (await _h.OutboxAsync(number)).Where(e => Row(e) == "outcome").ToList();
        Assert.Equal(SeedNotices.Outcome(successful: false, Stakeholders).Select(e => e.To).Order(), outcome.Select(To).Order());
        Assert.All(outcome, e => Assert.Equal(("outcome-rolled-back", "[RFC-2026-014] Rolled back: LIMS major version upgrade: v3.8 → v4.0"), (e.Message.Kind!, e.Message.Subject)));
    }

    [Fact]
    public async Task MovingTheWindow_WithdrawsThePendingNotices_QueuesThemForTheNewWindow_AndTheWorkflowWaitsForIt()
    {
        var number = await ScheduledAsync();
        var week = TimeSpan.FromDays(7);
        var moved = new ChangeWindow(Wat(5, 30, 22), Wat(5, 31, 6), DemoData.TimeZoneId);

        var result = await _h.Changes.MoveWindowAsync(number, moved, ChangeState.Scheduled, "Vendor patch 4.0.1 first", ChangeManager, _h.RolesOf(ChangeManager), Ct);

        Assert.True(result.IsOk, result.Message);
        Assert.Equal(Plan.Steps[0].PlannedAt + week, result.Value!.Change.ImplementationPlan.Steps[0].PlannedAt);
        Assert.Equal(Wat(5, 31, 4), result.Value.Change.RollbackDecisionPoint);
        Assert.Equal(Wat(6, 1, 10), result.Value.Change.PostImplementationReview!.ScheduledAt);
        var all = await _h.OutboxAsync(number);
        var old = all.Where(e => Revision(e) == "1").ToList();
        var current = all.Where(e => Revision(e) == "2").ToList();
        Assert.Equal(10, old.Count);
        Assert.All(old, e => Assert.Equal(OutboxStatus.Canceled, e.Status));
        Assert.Equal(
            SeedNotices.Scheduled().Select(e => (e.To, e.NotBefore + week)).Order(),
            current.Select(e => (To(e), e.Message.NotBefore)).Order());
        Assert.All(current, e => Assert.Equal(OutboxStatus.Pending, e.Status));
        var entry = Assert.Single(current, e => To(e) == SeedNotices.People[0].Email);
        Assert.Contains("Saturday 30 May 2026 22:00 → Sunday 31 May 2026 06:00 (Africa/Lagos, UTC+01:00)", entry.Message.TextBody, StringComparison.Ordinal);
        var invite = Assert.Single(Calendar(entry).Events);
        Assert.Equal(("rfc-2026-014-window@changes.example.org", 1), (invite.Uid, invite.Sequence));
        Assert.Equal(new DateTime(2026, 5, 30, 21, 0, 0, DateTimeKind.Utc), invite.DtStart!.AsUtc);
        Assert.Contains(await _h.TimelineAsync(number), e => e.Action == "window.moved" && e.Summary.EndsWith("Vendor patch 4.0.1 first", StringComparison.Ordinal));

        // The old window passes quietly; the change opens at the new one.
        await _h.AdvanceToAsync(Wat(5, 24, 7));
        Assert.Equal(ChangeState.Scheduled, (await _h.ChangeAsync(number)).Change.State);
        await _h.AdvanceToAsync(Wat(5, 30, 22));
        Assert.Equal(ChangeState.Implement, (await _h.ChangeAsync(number)).Change.State);
    }

    [Fact]
    public async Task MovingTheWindow_AfterTheNoticesWentOut_GivesThoseToldTheNewWindowAtOnce_AsAnUpdateOfTheirCalendarEntry()
    {
        var number = await ScheduledAsync();
        await _h.AdvanceToAsync(SeedNotices.FridayNotice);
        var sent = await _h.OutboxAsync(number);
        await _h.MarkSentAsync(sent.Select(e => e.Message.Id));
        await _h.AdvanceToAsync(Wat(5, 22, 16));

        var result = await _h.Changes.MoveWindowAsync(
            number, new ChangeWindow(Wat(5, 30, 22), Wat(5, 31, 6), DemoData.TimeZoneId), ChangeState.Scheduled, null, ChangeManager, _h.RolesOf(ChangeManager), Ct);

        Assert.True(result.IsOk, result.Message);
        var updates = (await _h.OutboxAsync(number)).Where(e => e.Status == OutboxStatus.Pending).ToList();
        Assert.Equal(SeedNotices.People.Select(p => p.Email).Order(), updates.Select(To).Order());
        Assert.All(updates, e =>
        {
            Assert.Equal(Wat(5, 22, 16), e.Message.NotBefore);
            Assert.StartsWith("[RFC-2026-014] Rescheduled: LIMS major version upgrade: v3.8 → v4.0", e.Message.Subject, StringComparison.Ordinal);
            var invite = Assert.Single(Calendar(e).Events);
            Assert.Equal(("rfc-2026-014-window@changes.example.org", 1), (invite.Uid, invite.Sequence));
            Assert.Equal(new DateTime(2026, 5, 30, 21, 0, 0, DateTimeKind.Utc), invite.DtStart!.AsUtc);
        });
        var dakar = Assert.Single(updates, e => To(e) == "surveillance.lead@surveillance.example.org");
        Assert.Contains("You were told Saturday 23 May 2026 21:00 → Sunday 24 May 2026 05:00 (Africa/Dakar, UTC+00:00)", dakar.Message.TextBody, StringComparison.Ordinal);
        Assert.Contains("Saturday 30 May 2026 21:00 → Sunday 31 May 2026 05:00 (Africa/Dakar, UTC+00:00)", dakar.Message.TextBody, StringComparison.Ordinal);
        Assert.Equal(2, (await _h.ChangeAsync(number)).Notices.Revision);
    }

    [Fact]
    public async Task Cancelling_WithdrawsEveryPendingNotice_AndTellsThoseAlreadyToldWithACalendarCancel()
    {
        var number = await ScheduledAsync();
        await _h.AdvanceToAsync(Wat(5, 21, 9, 5));
        var thursday = (await _h.OutboxAsync(number)).Where(e => Row(e) == "surveillance-team").ToList();
        await _h.MarkSentAsync(thursday.Select(e => e.Message.Id));

        var cancelled = await _h.Changes.CancelAsync(number, ChangeState.Scheduled, "The vendor withdrew v4.0 for a data-loss bug", ChangeManager, _h.RolesOf(ChangeManager), Ct);

        Assert.True(cancelled.IsOk, cancelled.Message);
        var all = await _h.OutboxAsync(number);
        Assert.All(all.Where(e => Row(e) is "lims-users" or "lab-managers"), e => Assert.Equal(OutboxStatus.Canceled, e.Status));
        var told = all.Where(e => e.Message.Kind == "change-cancelled").ToList();
        Assert.Equal(thursday.Select(To).Order(), told.Select(To).Order());
        Assert.All(told, e =>
        {
            Assert.Equal(OutboxStatus.Pending, e.Status);
            Assert.Contains("The vendor withdrew v4.0 for a data-loss bug", e.Message.TextBody, StringComparison.Ordinal);
            var attachment = Assert.Single(e.Message.Attachments);
            Assert.Equal("text/calendar; method=CANCEL; charset=utf-8", attachment.ContentType);
            var calendar = Calendar(e);
            Assert.Equal("CANCEL", calendar.Method);
            var entry = Assert.Single(calendar.Events);
            Assert.Equal(("rfc-2026-014-window@changes.example.org", 1, "CANCELLED"), (entry.Uid, entry.Sequence, entry.Status));
        });
        Assert.Contains("Saturday 23 May 2026 21:00 → Sunday 24 May 2026 05:00 (Africa/Dakar, UTC+00:00) will not take place", told.Single(e => To(e) == "surveillance.lead@surveillance.example.org").Message.TextBody, StringComparison.Ordinal);
        Assert.Equal(ChangeState.Canceled, (await _h.ChangeAsync(number)).Change.State);
    }

    [Fact]
    public async Task EditingThePlan_ReschedulesThePendingNotices_FromTheNewRows()
    {
        var number = await ScheduledAsync();
        var rows = DemoData.Rfc2026014().CommunicationPlan;
        var edited = new List<CommunicationItem>
        {
            rows[0] with { When = NotificationTiming.Relative(WindowEdge.Start, TimeSpan.FromHours(-56)), Message = "LIMS unavailable Saturday night: save your work by Saturday 21:00" },
            rows[2],
            rows[3],
        };

        var result = await _h.Changes.UpdateCommunicationPlanAsync(number, edited, ChangeState.Scheduled, ChangeManager, _h.RolesOf(ChangeManager), Ct);

        Assert.True(result.IsOk, result.Message);
        var pending = (await _h.OutboxAsync(number)).Where(e => e.Status == OutboxStatus.Pending).ToList();
        Assert.Equal(
            SeedNotices.People.Where(p => p.List != "lab-managers").Select(p => (p.Email, p.List == "surveillance-team" ? SeedNotices.ThursdayBriefing : Wat(5, 21, 14))).Order(),
            pending.Select(e => (To(e), e.Message.NotBefore!.Value)).Order());
        Assert.All(pending.Where(e => Row(e) == "lims-users"), e => Assert.Contains("save your work by Saturday 21:00", e.Message.TextBody, StringComparison.Ordinal));
        Assert.All((await _h.OutboxAsync(number)).Where(e => Row(e) == "lab-managers"), e => Assert.Equal(OutboxStatus.Canceled, e.Status));
    }

    [Fact]
    public async Task EditingThePlan_RefusesUnknownListsTemplatesAndFiles_WithTheirPaths_AndChangesNothing()
    {
        var number = await ScheduledAsync();
        var rows = DemoData.Rfc2026014().CommunicationPlan;
        var edited = new List<CommunicationItem>
        {
            rows[0] with { Recipients = ["list:lab-manager", "role:Wizard", "pager:42"] },
            rows[1] with { Template = "briefing", Attachments = ["missing-card.pdf"] },
            rows[2] with { Channels = [CommunicationChannel.Ticket] },
        };

        var result = await _h.Changes.UpdateCommunicationPlanAsync(number, edited, ChangeState.Scheduled, ChangeManager, _h.RolesOf(ChangeManager), Ct);

        Assert.Equal(CommandStatus.Invalid, result.Status);
        Assert.Equal(
            ["communicationPlan[0].recipients[0]", "communicationPlan[0].recipients[1]", "communicationPlan[0].recipients[2]", "communicationPlan[1].attachments[0]", "communicationPlan[1].template", "communicationPlan[2].recipients"],
            result.Errors.Select(e => e.Path).Order(StringComparer.Ordinal));
        Assert.Contains(result.Errors, e => e.Message.Contains("No distribution list 'lab-manager'", StringComparison.Ordinal));
        Assert.All(await _h.OutboxAsync(number), e => Assert.Equal(OutboxStatus.Pending, e.Status));
        Assert.Equal(1, (await _h.ChangeAsync(number)).Notices.Revision);
    }

    /// <summary>RFC-2026-014 submitted on Sunday 2026-05-03 and authorized by the CAB on 2026-05-13: Scheduled.</summary>
    private async Task<string> ScheduledAsync(ChangeRequest? dossier = null)
    {
        for (var i = 0; i < 13; i++)
        {
            await _h.Ports.Changes.AllocateNumberAsync(2026, Ct);
        }

        var number = (await _h.CreateAndSubmitAsync(dossier ?? SeedDossier())).Number;
        Assert.Empty(await _h.OutboxAsync(number));
        await _h.AdvanceToAsync(Wat(5, 13, 10, 30));
        await _h.CompleteAsync(number, ChangeManager, "Approved");
        await _h.CompleteAsync(number, ChangeHarness.Security, "Approved");
        await _h.CompleteAsync(number, Quality, "Approved");
        await _h.CompleteAsync(number, ChangeManager, "Approved");
        await _h.CompleteAsync(number, Owner, "Approved");
        var change = await _h.ChangeAsync(number);
        Assert.Equal(ChangeState.Scheduled, change.Change.State);
        Assert.Equal(1, change.Notices.Revision);
        return number;
    }

    /// <summary>Opens the window, reports every step at its time and validates before the decision point.</summary>
    private async Task ValidatedAsync(string number)
    {
        await _h.AdvanceToAsync(Wat(5, 23, 21, 30));
        await _h.ReportAsync(number, Plan.IdOf(0), by: Requestor);
        for (var i = 1; i < Plan.Steps.Count; i++)
        {
            await _h.AdvanceToAsync(Plan.Steps[i].PlannedAt);
            await _h.ReportAsync(number, Plan.IdOf(i));
        }

        var validated = await _h.Changes.ValidateAsync(number, ChangeState.Implement, "Lab manager validated", Implementer, _h.RolesOf(Implementer), Ct);
        Assert.True(validated.IsOk, validated.Message);
        Assert.Equal(ChangeOutcome.Successful, (await _h.ChangeAsync(number)).Change.Outcome);
    }

    private static string? Row(OutboxEntry entry) => entry.Message.Headers.GetValueOrDefault(NoticeScheduler.NoticeHeader);

    private static string? Revision(OutboxEntry entry) => entry.Message.Headers.GetValueOrDefault(NoticeScheduler.RevisionHeader);

    private static string To(OutboxEntry entry) => Assert.Single(entry.Message.To).Address;

    private static Ical.Net.Calendar Calendar(OutboxEntry entry) =>
        Ical.Net.Calendar.Load(Encoding.UTF8.GetString(Assert.Single(entry.Message.Attachments, a => a.FileName == NoticeInvites.FileName).Content))!;
}
