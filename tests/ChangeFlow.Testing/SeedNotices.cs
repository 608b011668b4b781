using System.Text.Json.Nodes;
using ChangeFlow.Application.Changes.Catalog;
using ChangeFlow.Application.Common;
using ChangeFlow.Domain.Demo;

namespace ChangeFlow.Testing;

/// <summary>One person of the seed's audiences: an outside address on a distribution list, in their own zone.</summary>
/// <param name="Email">The address.</param>
/// <param name="Name">The name they are greeted with.</param>
/// <param name="List">The distribution list they are on.</param>
/// <param name="TimeZoneId">Their zone, or null for the list's (Africa/Lagos).</param>
/// <param name="Culture">Their culture, or null for the default (en-GB).</param>
/// <param name="WindowText">How their notice must show the window: Saturday 22:00 → Sunday 06:00 WAT in their zone and language.</param>
public sealed record SeedPerson(string Email, string Name, string List, string? TimeZoneId, string? Culture, string WindowText);

/// <summary>A message the RFC-2026-014 communication plan must produce.</summary>
/// <param name="Row">The plan row (<c>lims-users</c>, <c>lab-managers</c>, <c>surveillance-team</c>, <c>outcome</c>).</param>
/// <param name="Template">The template, which is the outbox row's kind.</param>
/// <param name="To">The one recipient.</param>
/// <param name="NotBefore">When it is due; null for "at once" (the outcome, sent when it is recorded).</param>
/// <param name="SubjectStart">How the subject starts.</param>
/// <param name="WindowText">The window as the recipient must read it (in the text and HTML parts), or null.</param>
/// <param name="Attachments">The attached files' names, in order.</param>
public sealed record ExpectedNotice(string Row, string Template, string To, DateTimeOffset? NotBefore, string SubjectStart, string? WindowText, IReadOnlyList<string> Attachments);

/// <summary>
/// The audiences of the seed's communication plan and the messages it must produce (the training notes'
/// "Communication plan" of RFC-2026-014): the maintenance notice to all LIMS users on Friday 2026-05-22 14:00 WAT with
/// a calendar entry, the lab managers' briefing at the same time with the quick reference card, the surveillance team
/// on Thursday 2026-05-21 (09:00 WAT, the start of that working day), and the outcome to everyone as soon as it is
/// recorded, by Sunday 06:00. People read the window in their own zone and language: a researcher in Paris
/// (23:00, in French), the surveillance lead in Dakar (21:00). Shared by the outbox tests and the SMTP end-to-end
/// test.
/// </summary>
public static class SeedNotices
{
    /// <summary>The quick reference card's content (a stand-in PDF).</summary>
    public static readonly byte[] QuickReferenceCard = "%PDF-1.4\n% LIMS v4.0 quick reference card\n%%EOF\n"u8.ToArray();

    private const string Lagos = "Saturday 23 May 2026 22:00 → Sunday 24 May 2026 06:00 (Africa/Lagos, UTC+01:00)";

    /// <summary>The people on the seed's lists.</summary>
    public static IReadOnlyList<SeedPerson> People { get; } =
    [
        new("virology.technician@lims.example.org", "Aminata Diallo", CatalogDefaults.LimsUsersList, null, null, Lagos),
        new("bacteriology.technician@lims.example.org", "Jean-Paul Mbuyi", CatalogDefaults.LimsUsersList, "Africa/Kinshasa", null,
            "Saturday 23 May 2026 22:00 → Sunday 24 May 2026 06:00 (Africa/Kinshasa, UTC+01:00)"),
        new("epidemiology.researcher@lims.example.org", "Claire Martin", CatalogDefaults.LimsUsersList, "Europe/Paris", "fr-FR",
            "samedi 23 mai 2026 23:00 → dimanche 24 mai 2026 07:00 (Europe/Paris, UTC+02:00)"),
        new("quality.analyst@lims.example.org", "Grace Okafor", CatalogDefaults.LimsUsersList, null, null, Lagos),
        new("virology.manager@lims.example.org", "Head of Virology", "lab-managers", null, null, Lagos),
        new("bacteriology.manager@lims.example.org", "Head of Bacteriology", "lab-managers", null, null, Lagos),
        new("epidemiology.manager@lims.example.org", "Head of Epidemiology", "lab-managers", null, null, Lagos),
        new("quality.manager@lims.example.org", "Head of Quality Control", "lab-managers", null, null, Lagos),
        new("surveillance.lead@surveillance.example.org", "Surveillance lead", "surveillance-team", "Africa/Dakar", null,
            "Saturday 23 May 2026 21:00 → Sunday 24 May 2026 05:00 (Africa/Dakar, UTC+00:00)"),
        new("surveillance.analyst@surveillance.example.org", "Surveillance analyst", "surveillance-team", null, null, Lagos),
    ];

    /// <summary>Friday 2026-05-22 14:00 WAT: window start − 32 h.</summary>
    public static DateTimeOffset FridayNotice { get; } = new(2026, 5, 22, 13, 0, 0, TimeSpan.Zero);

    /// <summary>Thursday 2026-05-21 09:00 WAT: the start of the working day the plan names.</summary>
    public static DateTimeOffset ThursdayBriefing { get; } = new(2026, 5, 21, 8, 0, 0, TimeSpan.Zero);

    /// <summary>Sunday 2026-05-24 06:00 WAT: the outcome is due by then.</summary>
    public static DateTimeOffset OutcomeDeadline { get; } = new(2026, 5, 24, 5, 0, 0, TimeSpan.Zero);

    /// <summary>The distribution lists of the seed, as catalogue documents (<c>PUT /api/catalog/distribution-lists/{id}</c>).</summary>
    public static IReadOnlyList<(string Id, JsonObject Document)> Lists()
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [CatalogDefaults.LimsUsersList] = "All LIMS users",
            ["lab-managers"] = "Lab managers",
            ["surveillance-team"] = "Surveillance team",
        };
        return
        [
            .. names.Select(list => (list.Key, new JsonObject
            {
                ["id"] = list.Key,
                ["name"] = list.Value,
                ["timeZoneId"] = DemoData.TimeZoneId,
                ["members"] = new JsonArray([.. People.Where(p => p.List == list.Key).Select(p => (JsonNode)Member(p))]),
            })),
        ];

        static JsonObject Member(SeedPerson person)
        {
            var member = new JsonObject { ["email"] = person.Email, ["name"] = person.Name };
            if (person.TimeZoneId is not null)
            {
                member["timeZoneId"] = person.TimeZoneId;
            }

            if (person.Culture is not null)
            {
                member["culture"] = person.Culture;
            }

            return member;
        }
    }

    /// <summary>Writes the seed's lists into a catalogue seeded with the defaults (replacing the empty ones).</summary>
    public static async Task InstallAsync(ChangeCatalog catalog, IReferenceStore store, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(store);
        foreach (var (id, document) in Lists())
        {
            var current = await store.FindAsync(ReferenceKinds.DistributionList, id, cancellationToken);
            var result = await catalog.PutAsync(ReferenceKinds.DistributionList, id, document.ToJsonString(), current?.Version, "test", cancellationToken);
            if (!result.IsOk)
            {
                throw new InvalidOperationException($"The seed list {id} was refused: {result.Message}");
            }
        }
    }

    /// <summary>
    /// The messages the plan queues once RFC-2026-014 is scheduled: ten, one per person on the three lists, at the
    /// seed's times (the outcome row waits for the outcome).
    /// </summary>
    public static IReadOnlyList<ExpectedNotice> Scheduled()
    {
        var subject = "[RFC-2026-014] Planned maintenance: LIMS major version upgrade: v3.8 → v4.0 — ";
        return
        [
            .. People.Select(p => p.List switch
            {
                CatalogDefaults.LimsUsersList => new ExpectedNotice("lims-users", "maintenance-notice", p.Email, FridayNotice, subject + LocalStart(p), p.WindowText, ["invite.ics"]),
                "lab-managers" => new ExpectedNotice("lab-managers", "maintenance-notice", p.Email, FridayNotice, subject + LocalStart(p), p.WindowText, [DemoData.QuickReferenceCard, "invite.ics"]),
                _ => new ExpectedNotice("surveillance-team", "maintenance-notice", p.Email, ThursdayBriefing, subject + LocalStart(p), p.WindowText, ["invite.ics"]),
            }),
        ];
    }

    /// <summary>
    /// The outcome messages: to every person on the lists and to <paramref name="stakeholders"/> (the requestor, the
    /// application owner, the change manager and the CAB, by e-mail as the directory has them), sent at once.
    /// </summary>
    public static IReadOnlyList<ExpectedNotice> Outcome(bool successful, IEnumerable<string> stakeholders)
    {
        var template = successful ? "outcome-successful" : "outcome-rolled-back";
        var subject = successful ? "[RFC-2026-014] Completed: " : "[RFC-2026-014] Rolled back: ";
        return
        [
            .. stakeholders.Concat(People.Select(p => p.Email)).Distinct(StringComparer.OrdinalIgnoreCase)
                .Select(email => new ExpectedNotice("outcome", template, email, null, subject + "LIMS major version upgrade: v3.8 → v4.0", null, [])),
        ];
    }

    private static string LocalStart(SeedPerson person) => person.TimeZoneId switch
    {
        "Europe/Paris" => "sam 23 mai 23:00",
        "Africa/Dakar" => "Sat 23 May 21:00",
        _ => "Sat 23 May 22:00",
    };
}
