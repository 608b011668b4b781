using System.Globalization;
using ChangeFlow.Application.Changes;
using ChangeFlow.Domain.Changes;
using ChangeFlow.Domain.Risk;
using ChangeFlow.Domain.Time;

namespace ChangeFlow.Application.Notifications;

/// <summary>One person a notice goes to, with the zone and culture they read times in.</summary>
/// <param name="Address">The e-mail address.</param>
/// <param name="Name">The display name, when known.</param>
/// <param name="TimeZoneId">The IANA zone the recipient reads times in.</param>
/// <param name="Culture">The culture tag (<c>en-GB</c>, <c>fr-SN</c>) of day and month names and of the template variant.</param>
/// <param name="UserId">The ChangeFlow user, when the recipient is one.</param>
public sealed record NoticeRecipient(string Address, string? Name, string TimeZoneId, string Culture, string? UserId = null)
{
    /// <summary>The address compared case-insensitively, the way mail systems deliver it.</summary>
    public string Key => Address.Trim().ToLowerInvariant();

    /// <summary>The mail form of the recipient.</summary>
    public MailRecipient ToMail() => new(Address, Name);
}

/// <summary>A person a notice names as a contact: name and, when the directory knows it, e-mail.</summary>
/// <param name="Role">Why they are named, e.g. <c>Change manager</c>.</param>
/// <param name="Id">Their user or person id.</param>
/// <param name="Name">Their display name.</param>
/// <param name="Email">Their e-mail, when known.</param>
public sealed record NoticeContact(string Role, string Id, string Name, string? Email);

/// <summary>
/// What the catalogue and the directory add to a change for its notices: names of services and configuration items,
/// the CAB board, the people to contact, and the public address of ChangeFlow. Loaded once per change and shared by
/// every recipient's message (see <see cref="NoticeFactsLoader"/>).
/// </summary>
public sealed record NoticeFacts
{
    /// <summary>Where people open ChangeFlow (<c>ChangeFlow:PublicBaseUrl</c>), for links; null leaves links out.</summary>
    public Uri? PublicBaseUrl { get; init; }

    /// <summary>Service names by id.</summary>
    public IReadOnlyDictionary<string, string> ServiceNames { get; init; } = new Dictionary<string, string>();

    /// <summary>Configuration item names by id.</summary>
    public IReadOnlyDictionary<string, string> ConfigurationItemNames { get; init; } = new Dictionary<string, string>();

    /// <summary>The name of the change's CAB board.</summary>
    public string? BoardName { get; init; }

    /// <summary>Who asked for the change.</summary>
    public NoticeContact? Requestor { get; init; }

    /// <summary>Who owns the affected application.</summary>
    public NoticeContact? ApplicationOwner { get; init; }

    /// <summary>The change manager: the chair of the change's board, or a user holding the ChangeManager role.</summary>
    public NoticeContact? ChangeManager { get; init; }

    /// <summary>The risk scale overall levels are computed on.</summary>
    public RiskScale RiskScale { get; init; } = RiskScale.Default;
}

/// <summary>Why a notice goes out, beyond the change itself: the plan row or activity that sent it.</summary>
public sealed record NoticeDetails
{
    /// <summary>The template.</summary>
    public required string Template { get; init; }

    /// <summary>What the plan row (or the workflow) says the message is about.</summary>
    public string? Message { get; init; }

    /// <summary>Who the plan addresses, as the plan names them (<c>All LIMS users</c>).</summary>
    public string? Audience { get; init; }

    /// <summary>The communication plan row, when the notice comes from one.</summary>
    public string? RowId { get; init; }

    /// <summary><c>scheduled</c>, <c>updated</c> (the window moved after this person was told), <c>cancelled</c>, or <c>outcome</c>.</summary>
    public string Reason { get; init; } = "scheduled";

    /// <summary>The window as the recipient was last told it, when it moved.</summary>
    public ChangeWindow? PreviousWindow { get; init; }

    /// <summary>The names of attached files.</summary>
    public IReadOnlyList<string> Attachments { get; init; } = [];

    /// <summary>Whether a calendar invite is attached.</summary>
    public bool Invite { get; init; }

    /// <summary>Anything else the template may read under <c>notice</c>.</summary>
    public IReadOnlyDictionary<string, object?> Extra { get; init; } = new Dictionary<string, object?>();
}

/// <summary>
/// Builds the model every notice template gets, from a <see cref="ChangeRecord"/>, so all templates read the same
/// names. Instants are <see cref="DateTimeOffset"/> (format them with <c>local</c>), durations ISO 8601 (format them
/// with <c>duration</c>), texts ready to print. The top-level names:
/// <list type="bullet">
/// <item><c>change</c>: <c>number</c>, <c>title</c>, <c>type</c>, <c>category</c>, <c>state</c>, <c>outcome</c>,
/// <c>risk_level</c>, <c>justification</c>, <c>url</c>; <c>window</c> (<c>start</c>, <c>end</c>, <c>time_zone</c>,
/// <c>duration</c>, <c>text</c> in the change's zone, <c>local_text</c> in the recipient's, <c>zone_differs</c>);
/// <c>impact</c> (<c>services</c> and <c>configuration_items</c> as id + name, <c>downstream</c> as id + name +
/// effect, <c>users_affected</c>, <c>user_groups</c>, <c>business_processes</c>, <c>duration</c>,
/// <c>duration_note</c>, <c>data_at_risk</c>); <c>rollback</c> (<c>triggers</c>, <c>steps</c>,
/// <c>estimated_duration</c>, <c>decision_point</c>); <c>steps</c> (<c>id</c>, <c>at</c>, <c>description</c>,
/// <c>responsible</c>, <c>checkpoint</c>); <c>requestor</c>, <c>application_owner</c>, <c>change_manager</c>
/// (<c>id</c>, <c>name</c>, <c>email</c>); <c>implementers</c> (the plan's responsible teams); <c>contacts</c>
/// (<c>role</c>, <c>name</c>, <c>email</c>); <c>cab</c> (<c>board_id</c>, <c>board_name</c>, <c>meeting_at</c>);
/// <c>pir</c> (<c>at</c>, <c>end</c>, <c>duration</c>, <c>attendees</c>, <c>agenda</c>).</item>
/// <item><c>recipient</c>: <c>name</c>, <c>email</c>, <c>time_zone</c>, <c>culture</c>.</item>
/// <item><c>notice</c>: <c>template</c>, <c>message</c>, <c>audience</c>, <c>row_id</c>, <c>reason</c>,
/// <c>previous_window</c> (as <c>window</c>), <c>attachments</c>, <c>invite</c>, and any extra values.</item>
/// <item><c>links</c>: <c>change</c>; <c>now</c>: when the message was composed.</item>
/// </list>
/// </summary>
public static class NoticeModel
{
    /// <summary>The model for <paramref name="recipient"/>'s copy of a notice about <paramref name="record"/>.</summary>
    public static Dictionary<string, object?> Build(ChangeRecord record, NoticeRecipient recipient, NoticeFacts facts, NoticeDetails? notice, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(recipient);
        ArgumentNullException.ThrowIfNull(facts);
        var url = LinkTo(facts.PublicBaseUrl, record.Number);
        var model = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["change"] = Change(record, recipient, facts, url),
            ["recipient"] = new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["name"] = recipient.Name,
                ["email"] = recipient.Address,
                ["time_zone"] = recipient.TimeZoneId,
                ["culture"] = recipient.Culture,
            },
            ["links"] = new Dictionary<string, object?>(StringComparer.Ordinal) { ["change"] = url },
            ["now"] = now.ToUniversalTime(),
        };
        if (notice is not null)
        {
            var details = new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["template"] = notice.Template,
                ["message"] = notice.Message,
                ["audience"] = notice.Audience,
                ["row_id"] = notice.RowId,
                ["reason"] = notice.Reason,
                ["previous_window"] = notice.PreviousWindow is { IsValid: true } previous ? Window(previous, recipient) : null,
                ["attachments"] = notice.Attachments.ToList<object?>(),
                ["invite"] = notice.Invite,
            };
            foreach (var (key, value) in notice.Extra)
            {
                details[key] = value;
            }

            model["notice"] = details;
        }

        return model;
    }

    /// <summary>The link to a change under <paramref name="baseUrl"/>, or null.</summary>
    public static string? LinkTo(Uri? baseUrl, string number) =>
        baseUrl is null ? null : new Uri(baseUrl, "changes/" + Uri.EscapeDataString(number)).AbsoluteUri;

    /// <summary>A window for templates: instants, zone, duration, and its text in the change's and the recipient's zone.</summary>
    public static Dictionary<string, object?> Window(ChangeWindow window, NoticeRecipient recipient)
    {
        ArgumentNullException.ThrowIfNull(window);
        ArgumentNullException.ThrowIfNull(recipient);
        var site = window.Calendar;
        var mine = ZoneCalendar.Find(recipient.TimeZoneId) is { IsSuccess: true } found ? found.Value : site;
        return new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["start"] = window.Start,
            ["end"] = window.End,
            ["time_zone"] = window.TimeZoneId,
            ["duration"] = window.Duration,
            ["text"] = TemplateFilters.FormatWindow(window.Start, window.End, site, recipient.Culture),
            ["local_text"] = TemplateFilters.FormatWindow(window.Start, window.End, mine, recipient.Culture),
            // Another zone name with the same offsets reads the same wall-clock times: no need to show both.
            ["zone_differs"] = site.Zone.GetUtcOffset(window.Start) != mine.Zone.GetUtcOffset(window.Start)
                || site.Zone.GetUtcOffset(window.End) != mine.Zone.GetUtcOffset(window.End),
        };
    }

    private static Dictionary<string, object?> Change(ChangeRecord record, NoticeRecipient recipient, NoticeFacts facts, string? url)
    {
        var change = record.Change;
        var impact = change.Impact;
        var contacts = new List<object?>();
        foreach (var contact in new[] { facts.ChangeManager, facts.Requestor, facts.ApplicationOwner })
        {
            if (contact is not null)
            {
                contacts.Add(Person(contact));
            }
        }

        return new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["number"] = record.Number,
            ["title"] = change.Title,
            ["type"] = change.Type.ToString(),
            ["category"] = change.Category.ToString(),
            ["state"] = change.State.ToString(),
            ["outcome"] = change.Outcome?.ToString(),
            ["risk_level"] = change.RiskRegister.OverallLevel(facts.RiskScale)?.ToString(),
            ["justification"] = change.Justification,
            ["url"] = url,
            ["window"] = change.Window is { IsValid: true } window ? Window(window, recipient) : null,
            ["impact"] = new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["services"] = Named(impact?.ServiceIds ?? [], facts.ServiceNames),
                ["configuration_items"] = Named(impact?.ConfigurationItemIds ?? [], facts.ConfigurationItemNames),
                ["downstream"] = (impact?.DownstreamServices ?? []).Select(d => (object?)new Dictionary<string, object?>(StringComparer.Ordinal)
                {
                    ["id"] = d.ServiceId,
                    ["name"] = facts.ServiceNames.GetValueOrDefault(d.ServiceId, d.ServiceId),
                    ["effect"] = d.Effect,
                }).ToList(),
                ["users_affected"] = impact?.UsersAffected ?? 0,
                ["user_groups"] = (impact?.UserGroups ?? []).ToList<object?>(),
                ["business_processes"] = (impact?.BusinessProcesses ?? []).ToList<object?>(),
                ["duration"] = impact is { Duration: var d } && d > TimeSpan.Zero ? d : null,
                ["duration_note"] = impact?.DurationNote,
                ["data_at_risk"] = impact?.DataAtRisk,
            },
            ["rollback"] = change.RollbackProcedure is { } rollback
                ? new Dictionary<string, object?>(StringComparer.Ordinal)
                {
                    ["triggers"] = rollback.TriggerConditions.ToList<object?>(),
                    ["steps"] = rollback.Steps.ToList<object?>(),
                    ["estimated_duration"] = rollback.EstimatedDuration,
                    ["decision_point"] = change.RollbackDecisionPoint,
                }
                : null,
            ["steps"] = change.ImplementationPlan.Steps.Select((step, i) => (object?)new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["id"] = change.ImplementationPlan.IdOf(i),
                ["at"] = step.PlannedAt,
                ["description"] = step.Description,
                ["responsible"] = step.Responsible,
                ["checkpoint"] = step.RequiredToProceed,
            }).ToList(),
            ["requestor"] = facts.Requestor is { } r ? Person(r) : null,
            ["application_owner"] = facts.ApplicationOwner is { } o ? Person(o) : null,
            ["change_manager"] = facts.ChangeManager is { } m ? Person(m) : null,
            ["implementers"] = change.ImplementationPlan.Steps.Select(s => s.Responsible).Where(s => !string.IsNullOrWhiteSpace(s)).Distinct(StringComparer.Ordinal).ToList<object?>(),
            ["contacts"] = contacts,
            ["cab"] = new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["board_id"] = record.CabBoardId,
                ["board_name"] = facts.BoardName,
                ["meeting_at"] = record.CabMeetingAt ?? change.CabReviewAt,
            },
            ["pir"] = change.PostImplementationReview is { } pir && pir.ScheduledAt != default
                ? new Dictionary<string, object?>(StringComparer.Ordinal)
                {
                    ["at"] = pir.ScheduledAt,
                    ["start"] = pir.ScheduledAt,
                    ["end"] = pir.ScheduledAt + pir.Duration,
                    ["duration"] = pir.Duration,
                    ["attendees"] = pir.Attendees.ToList<object?>(),
                    ["agenda"] = pir.AgendaItems.ToList<object?>(),
                }
                : null,
        };
    }

    private static List<object?> Named(IReadOnlyList<string> ids, IReadOnlyDictionary<string, string> names) =>
        [.. ids.Select(id => (object?)new Dictionary<string, object?>(StringComparer.Ordinal) { ["id"] = id, ["name"] = names.GetValueOrDefault(id, id) })];

    private static Dictionary<string, object?> Person(NoticeContact contact) => new(StringComparer.Ordinal)
    {
        ["role"] = contact.Role,
        ["id"] = contact.Id,
        ["name"] = contact.Name,
        ["email"] = contact.Email,
    };

    /// <summary>An invariant ISO 8601 text of an instant (for headers and keys).</summary>
    internal static string Iso(DateTimeOffset instant) => instant.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
