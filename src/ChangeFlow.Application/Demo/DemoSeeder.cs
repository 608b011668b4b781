using System.Globalization;
using System.Text.Json.Nodes;
using ChangeFlow.Application.Changes;
using ChangeFlow.Application.Changes.Catalog;
using ChangeFlow.Application.Changes.Dossier;
using ChangeFlow.Application.Common;
using ChangeFlow.Application.Security;
using ChangeFlow.Domain.Changes;
using ChangeFlow.Domain.Demo;
using Microsoft.Extensions.Logging;

namespace ChangeFlow.Application.Demo;

/// <summary>What loading the demo data did.</summary>
/// <param name="Seeded">False when the demo data was already there.</param>
/// <param name="ChangeNumber">The number the RFC-2026-014 dossier got, when seeded.</param>
/// <param name="Users">The demo users' e-mail addresses.</param>
/// <param name="Message">One line for the log.</param>
public sealed record DemoSeedResult(bool Seeded, string? ChangeNumber, IReadOnlyList<string> Users, string Message);

/// <summary>
/// Loads the seed's worked case so a newcomer sees a real change: the people of RFC-2026-014 as users (requestor,
/// application owner, CAB members, an implementer), the CAB boards pointing at them, and the RFC itself, submitted
/// and waiting on its CAB agenda. The case's dates are moved forward by whole weeks to start today, so every weekday
/// and local time of the seed holds (Saturday 22:00 WAT stays Saturday 22:00 WAT). Running it twice does nothing.
/// </summary>
public sealed partial class DemoSeeder
{
    /// <summary>The e-mail domain of the demo users.</summary>
    public const string EmailDomain = "demo.changeflow.example";

    private static readonly (string SeedId, string DisplayName, string[] Roles)[] People =
    [
        (DemoData.Requestor.Id, DemoData.Requestor.DisplayName, [Roles.Requestor]),
        (DemoData.ApplicationOwner.Id, DemoData.ApplicationOwner.DisplayName, [Roles.Requestor, Roles.CabMember]),
        ("change-manager", "Change Manager", [Roles.ChangeManager, Roles.CabMember]),
        ("security-officer", "Information Security Officer", [Roles.CabMember]),
        ("quality-lead", "Head of Quality", [Roles.CabMember]),
        ("lims-implementer", "LIMS Implementer", [Roles.Implementer]),
        ("virology-lab-manager", "Virology Lab Manager", [Roles.Requestor]),
        ("bacteriology-lab-manager", "Bacteriology Lab Manager", [Roles.Requestor]),
        ("lab-technician", "Lab Technician, Epidemiology", [Roles.Requestor]),
        ("surveillance-analyst", "Surveillance Platform Analyst", [Roles.Requestor]),
    ];

    /// <summary>
    /// Who is on the audiences of the seed's communication plan, by seed id, so its notices reach demo users: the
    /// LIMS's users (the labs and the quality lead), the lab managers, and the surveillance team.
    /// </summary>
    private static readonly (string ListId, string[] SeedIds)[] Lists =
    [
        (CatalogDefaults.LimsUsersList, ["virology-lab-manager", "bacteriology-lab-manager", "lab-technician", "quality-lead", DemoData.ApplicationOwner.Id]),
        ("lab-managers", ["virology-lab-manager", "bacteriology-lab-manager"]),
        ("surveillance-team", ["surveillance-analyst"]),
    ];

    private readonly UserService _users;
    private readonly ChangeService _changes;
    private readonly ChangeCatalog _catalog;
    private readonly IReferenceStore _references;
    private readonly TimeProvider _time;
    private readonly ILogger<DemoSeeder> _logger;
    private readonly string? _attachmentsDirectory;

    public DemoSeeder(UserService users, ChangeService changes, ChangeCatalog catalog, IReferenceStore references, TimeProvider time, ILogger<DemoSeeder> logger, Notifications.NoticeOptions? notices = null)
    {
        _users = users;
        _changes = changes;
        _catalog = catalog;
        _references = references;
        _time = time;
        _logger = logger;
        _attachmentsDirectory = notices?.AttachmentsDirectory;
    }

    /// <summary>Loads the demo data unless it is already there.</summary>
    public async Task<DemoSeedResult> SeedAsync(CancellationToken cancellationToken)
    {
        var emails = People.Select(p => Email(p.SeedId)).ToList();
        if ((await _users.ListAsync(new UserQuery(Search: EmailDomain), cancellationToken)).Count > 0)
        {
            return Done(new DemoSeedResult(false, null, emails, "Demo data is already loaded."));
        }

        var ids = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (seedId, name, roles) in People)
        {
            var created = await _users.CreateAsync(new NewUser(Email(seedId), name, roles, ["lims-team"]), cancellationToken);
            if (!created.IsSuccess)
            {
                return Done(new DemoSeedResult(false, null, emails, "Demo users could not be created: " + string.Join("; ", created.Errors)));
            }

            ids[seedId] = created.Value.Id;
        }

        // The boards were seeded with the case's people by their seed ids; point them at the users just created.
        foreach (var board in await _references.ListAsync(ReferenceKinds.CabBoard, cancellationToken))
        {
            var document = JsonNode.Parse(board.Json)!;
            if (RenameIds(document, ids) > 0)
            {
                await _catalog.PutAsync(board.Kind, board.Id, document.ToJsonString(), board.Version, "demo", cancellationToken);
            }
        }

        foreach (var (listId, seedIds) in Lists)
        {
            if (await _references.FindAsync(ReferenceKinds.DistributionList, listId, cancellationToken) is { } list)
            {
                var document = JsonNode.Parse(list.Json)!.AsObject();
                document["members"] = new JsonArray([.. seedIds.Select(seedId => (JsonNode)new JsonObject { ["userId"] = ids[seedId] })]);
                await _catalog.PutAsync(list.Kind, list.Id, document.ToJsonString(), list.Version, "demo", cancellationToken);
            }
        }

        await WriteReferenceCardAsync(cancellationToken);

        var dossier = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(DossierMapper.ToDto(DemoData.Rfc2026014()), DossierJson.StorageOptions))!;
        RenameIds(dossier, ids);
        var shift = WeeksUntilOnTheAgenda(DemoData.Rfc2026014(), DemoData.CabBoard().AgendaLeadTime, _time.GetUtcNow());
        Shift(dossier, shift);
        var parsed = DossierParser.Parse(dossier.ToJsonString(), new DossierReadOptions { SubmittedAt = _time.GetUtcNow() });
        if (!parsed.IsSuccess)
        {
            return Done(new DemoSeedResult(false, null, emails, "The demo dossier did not validate: " + string.Join("; ", parsed.Errors)));
        }

        var requestor = ids[DemoData.Requestor.Id];
        var created2 = await _changes.CreateAsync(parsed.Value, null, requestor, [Roles.Requestor], cancellationToken);
        if (!created2.IsOk)
        {
            return Done(new DemoSeedResult(false, null, emails, "The demo change could not be created: " + created2.Message));
        }

        var submitted = await _changes.SubmitAsync(created2.Value!.Number, ChangeState.New, requestor, [Roles.Requestor], cancellationToken);
        var number = created2.Value.Number;
        return Done(new DemoSeedResult(
            true,
            number,
            emails,
            submitted.IsOk
                ? $"Demo data loaded: {number} (the seed's RFC-2026-014, {shift.TotalDays / 7:0} weeks later) submitted by {Email(DemoData.Requestor.Id)}, on the agenda of {submitted.Value!.CabBoardId} at {submitted.Value.CabMeetingAt:yyyy-MM-dd HH:mm'Z'}; demo users: {string.Join(", ", emails)} (no password: an admin sets one or issues a token)."
                : $"Demo data loaded: {number} created but not submitted ({submitted.Message})."));
    }

    private static string Email(string seedId) => $"{seedId}@{EmailDomain}";

    /// <summary>
    /// The fewest whole weeks that move the seed's case so that a submission <paramref name="now"/> still reaches the
    /// CAB meeting of its own story: 10 days before the window, as 13 May before 23 May, with the board's lead time
    /// kept. The case then starts this week (or next, late in the week, when this week's meeting is too close).
    /// </summary>
    internal static TimeSpan WeeksUntilOnTheAgenda(ChangeRequest seed, TimeSpan leadTime, DateTimeOffset now)
    {
        var latestSubmission = (seed.CabReviewAt ?? seed.SubmittedAt) - leadTime;
        return now <= latestSubmission ? TimeSpan.Zero : TimeSpan.FromDays(7 * Math.Ceiling((now - latestSubmission).TotalDays / 7));
    }

    /// <summary>Puts the quick reference card the lab managers' briefing attaches into the attachments folder, unless one is there.</summary>
    private async Task WriteReferenceCardAsync(CancellationToken cancellationToken)
    {
        if (_attachmentsDirectory is null)
        {
            return;
        }

        var path = Path.Combine(_attachmentsDirectory, DemoData.QuickReferenceCard);
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(_attachmentsDirectory);
            await File.WriteAllBytesAsync(path, QuickReferenceCard.Pdf(), cancellationToken);
        }
    }

    /// <summary>Replaces every string property named <c>id</c> or <c>userId</c> whose value is a seed id; returns how many.</summary>
    private static int RenameIds(JsonNode node, IReadOnlyDictionary<string, string> ids)
    {
        var renamed = 0;
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, value) in obj.ToList())
                {
                    if (name is "id" or "userId" && value is JsonValue v && v.TryGetValue<string>(out var text) && ids.TryGetValue(text, out var replacement))
                    {
                        obj[name] = replacement;
                        renamed++;
                    }
                    else if (value is not null)
                    {
                        renamed += RenameIds(value, ids);
                    }
                }

                break;
            case JsonArray array:
                foreach (var item in array.OfType<JsonNode>())
                {
                    renamed += RenameIds(item, ids);
                }

                break;
        }

        return renamed;
    }

    /// <summary>Moves every instant (<c>2026-05-23T21:00:00Z</c>) and calendar date (<c>2026-05-21</c>) by <paramref name="shift"/>.</summary>
    private static void Shift(JsonNode node, TimeSpan shift)
    {
        switch (node)
        {
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    if (array[i] is { } item && ShiftedText(item, shift) is { } text)
                    {
                        array[i] = text;
                    }
                    else if (array[i] is { } container)
                    {
                        Shift(container, shift);
                    }
                }

                break;
            case JsonObject obj:
                foreach (var (name, value) in obj.ToList())
                {
                    if (value is not null && ShiftedText(value, shift) is { } text)
                    {
                        obj[name] = text;
                    }
                    else if (value is not null)
                    {
                        Shift(value, shift);
                    }
                }

                break;
        }
    }

    private static string? ShiftedText(JsonNode value, TimeSpan shift)
    {
        if (value is not JsonValue v || !v.TryGetValue<string>(out var text))
        {
            return null;
        }

        if (text.Length > 10 && text[4] == '-' && text[10] == 'T'
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var instant))
        {
            return (instant + shift).ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        }

        return text.Length == 10 && DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date.AddDays((int)shift.TotalDays).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
            : null;
    }

    private DemoSeedResult Done(DemoSeedResult result)
    {
        LogResult(_logger, result.Message);
        return result;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Message}")]
    private static partial void LogResult(ILogger logger, string message);
}
