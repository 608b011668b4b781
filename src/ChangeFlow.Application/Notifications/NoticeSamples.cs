using ChangeFlow.Application.Changes;
using ChangeFlow.Domain.Demo;

namespace ChangeFlow.Application.Notifications;

/// <summary>
/// The seed's RFC-2026-014 as a notice sees it, for previews of templates without a stored change and for checking at
/// start-up that every template renders: the dossier on the main CAB's agenda, its services and people, a
/// recipient reading in the site's zone, and a sample delivery failure.
/// </summary>
public static class NoticeSamples
{
    /// <summary>The sample recipient: a lab technician in Kinshasa's time zone (same offset as Lagos, another name).</summary>
    public static NoticeRecipient Recipient { get; } = new("lab.technician@example.org", "Lab technician", "Africa/Kinshasa", NoticeCultures.Default);

    /// <summary>RFC-2026-014, scheduled on <c>cab-main</c>.</summary>
    public static ChangeRecord Record()
    {
        var dossier = DemoData.Rfc2026014();
        return new ChangeRecord
        {
            Change = dossier,
            CreatedBy = DemoData.Requestor.Id,
            CabBoardId = "cab-main",
            CabMeetingAt = dossier.CabReviewAt,
            CreatedAt = dossier.SubmittedAt,
            UpdatedAt = dossier.SubmittedAt,
            Version = 1,
        };
    }

    /// <summary>The names and people of the sample, without the catalogue.</summary>
    public static NoticeFacts Facts(NoticeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var registry = DemoData.Registry();
        return new NoticeFacts
        {
            PublicBaseUrl = options.PublicBaseUrl,
            ServiceNames = registry.Services.ToDictionary(s => s.Key, s => s.Value.Name, StringComparer.Ordinal),
            ConfigurationItemNames = registry.ConfigurationItems.ToDictionary(c => c.Key, c => c.Value.Name, StringComparer.Ordinal),
            BoardName = DemoData.CabBoard().Name,
            Requestor = new NoticeContact("Requestor", DemoData.Requestor.Id, DemoData.Requestor.DisplayName, null),
            ApplicationOwner = new NoticeContact("Application owner", DemoData.ApplicationOwner.Id, DemoData.ApplicationOwner.DisplayName, null),
            ChangeManager = new NoticeContact("Change manager", "change-manager", "Change Manager", "change.manager@example.org"),
        };
    }

    /// <summary>The model <paramref name="template"/> gets for the sample, at <paramref name="now"/>.</summary>
    public static Dictionary<string, object?> Model(string template, NoticeOptions options, DateTimeOffset now, NoticeDetails? details = null)
    {
        var record = Record();
        var row = record.Change.CommunicationPlan[0];
        var model = NoticeModel.Build(
            record,
            Recipient,
            Facts(options),
            details ?? new NoticeDetails { Template = template, Message = row.Message, Audience = row.Audience, RowId = row.Id, Invite = template == NoticeTemplates.MaintenanceNotice },
            now);
        model["failure"] = Failure(now);
        return model;
    }

    /// <summary>A delivery failure for the <c>delivery-failure</c> template: what the mail sender reports.</summary>
    public static Dictionary<string, object?> Failure(DateTimeOffset now) => new(StringComparer.Ordinal)
    {
        ["outbox_id"] = "0196f0a2c4b87c1e9d3a5b7c9e1f3a5b",
        ["subject"] = "[RFC-2026-014] Planned maintenance: LIMS major version upgrade: v3.8 → v4.0 — Sat 23 May 22:00",
        ["recipients"] = new List<object?> { "former.technician@example.org" },
        ["kind"] = NoticeTemplates.MaintenanceNotice,
        ["error"] = "550 5.1.1 <former.technician@example.org>: Recipient address rejected: User unknown",
        ["attempts"] = 1,
        ["queued_at"] = now.AddMinutes(-5),
        ["url"] = null,
    };
}
