using System.Globalization;
using System.Net;
using System.Text;
using ChangeFlow.Application.Notifications;
using ChangeFlow.Domain.Incidents;
using ChangeFlow.Domain.Time;

namespace ChangeFlow.Application.Incidents;

/// <summary>A notice about an incident before it is addressed: what it says and how it is deduplicated.</summary>
/// <param name="Kind">The message kind (a template name to be): <c>incident-sla-warning</c>, <c>incident-sla-breach</c>, <c>incident-escalation</c>, <c>incident-crisis</c>.</param>
/// <param name="Subject">The subject line.</param>
/// <param name="Text">The plain-text body.</param>
/// <param name="Html">The HTML body.</param>
/// <param name="IdempotencyKey">The outbox key that keeps it from being queued twice.</param>
public sealed record IncidentNotice(string Kind, string Subject, string Text, string Html, string IdempotencyKey);

/// <summary>
/// Every message incident management sends, in one place: SLA warnings and breaches, escalation notices and crisis
/// declarations. Each becomes one outbox message; the idempotency key names the incident and the event, so a retried
/// step never queues it twice.
/// </summary>
public static class IncidentNotices
{
    /// <summary>The outbox correlation key of an incident's messages.</summary>
    public static string CorrelationKey(string number) => $"incident:{number}";

    /// <summary>A warning or the breach of a clock.</summary>
    public static IncidentNotice Threshold(Incident incident, SlaThresholdReached reached, SlaClock clock, BusinessCalendar calendar)
    {
        ArgumentNullException.ThrowIfNull(incident);
        ArgumentNullException.ThrowIfNull(reached);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(calendar);
        var what = reached.Clock.ToString().ToLowerInvariant();
        var percent = string.Create(CultureInfo.InvariantCulture, $"{reached.Fraction * 100:0.#} %");
        var breachAt = clock.MarkOf(1)?.At ?? clock.DueAt(1, calendar);
        var subject = reached.IsBreach
            ? $"{Tag(incident)} {incident.Number}: {what} target breached ({clock.Target.Describe()})"
            : $"{Tag(incident)} {incident.Number}: {percent} of the {what} target used{(breachAt is { } b ? $", breach at {When(b, calendar)}" : string.Empty)}";
        var lines = new List<(string, string?)>
        {
            ("Incident", $"{incident.Number} — {incident.Title}"),
            ("Service", incident.ServiceId),
            ("Priority", incident.Priority?.ToString() ?? "not prioritized yet"),
            ("State", incident.State.ToString()),
            ("Assigned to", Assigned(incident)),
            ($"{reached.Clock} target", clock.Target.Describe()),
            (reached.IsBreach ? "Breached at" : $"{percent} used at", When(reached.At, calendar)),
            ("Breach at", !reached.IsBreach && breachAt is { } due ? When(due, calendar) : null),
        };
        return Notice(
            reached.IsBreach ? "incident-sla-breach" : "incident-sla-warning",
            subject,
            reached.IsBreach ? $"The {what} target of {incident.Number} was missed." : $"{incident.Number} has used {percent} of its {what} target.",
            lines,
            $"{incident.Number}:sla:{what}:{reached.Fraction.ToString("0.####", CultureInfo.InvariantCulture)}");
    }

    /// <summary>An escalation: the incident handed to the next tier, or management informed.</summary>
    public static IncidentNotice Escalation(Incident incident, EscalationEntry entry, string? levelName, int sequence, BusinessCalendar calendar)
    {
        ArgumentNullException.ThrowIfNull(incident);
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(calendar);
        var subject = entry.Kind == EscalationKind.Functional
            ? $"{Tag(incident)} {incident.Number} escalated to {entry.ToGroup ?? "no further tier"}: {incident.Title}"
            : $"{Tag(incident)} {incident.Number} escalated to management ({levelName ?? "hierarchical escalation"}): {incident.Title}";
        var resolution = incident.ResolutionClock;
        var lines = new List<(string, string?)>
        {
            ("Incident", $"{incident.Number} — {incident.Title}"),
            ("Service", incident.ServiceId),
            ("Priority", incident.Priority?.ToString() ?? "not prioritized yet"),
            ("State", incident.State.ToString()),
            ("Escalation", $"{entry.Kind}{(levelName is null ? string.Empty : $" — {levelName}")}"),
            ("Why", entry.Reason),
            ("By", entry.By),
            ("From group", entry.FromGroup),
            ("To group", entry.ToGroup),
            ("Resolution target", resolution?.Target.Describe()),
            ("Resolution due", resolution?.MarkOf(1)?.At is { } missed ? $"missed at {When(missed, calendar)}" : resolution?.DueAt(1, calendar) is { } due ? When(due, calendar) : null),
        };
        return Notice(
            "incident-escalation",
            subject,
            entry.Kind == EscalationKind.Functional
                ? $"{incident.Number} needs more technical expertise and was handed to {entry.ToGroup ?? "nobody: the last tier already has it"}."
                : $"{incident.Number} needs management attention.",
            lines,
            $"{incident.Number}:escalation:{entry.LevelId ?? sequence.ToString(CultureInfo.InvariantCulture)}");
    }

    /// <summary>A P1 declared a crisis: the executive notification list is told.</summary>
    public static IncidentNotice Crisis(Incident incident, BusinessCalendar calendar)
    {
        ArgumentNullException.ThrowIfNull(incident);
        ArgumentNullException.ThrowIfNull(calendar);
        var crisis = incident.Crisis ?? throw new ArgumentException($"{incident.Number} is not a crisis.", nameof(incident));
        var lines = new List<(string, string?)>
        {
            ("Incident", $"{incident.Number} — {incident.Title}"),
            ("Service", incident.ServiceId),
            ("Priority", incident.Priority?.ToString()),
            ("Business-wide impact", crisis.Reason),
            ("Declared by", crisis.By),
            ("Declared at", When(crisis.DeclaredAt, calendar)),
            ("Assigned to", Assigned(incident)),
        };
        return Notice("incident-crisis", $"CRISIS {incident.Number}: {incident.Title}", $"{incident.Number} was declared a crisis: executive involvement is needed.", lines, $"{incident.Number}:crisis");
    }

    /// <summary>The outbox message for <paramref name="notice"/> to <paramref name="to"/>.</summary>
    public static OutboundMessage ToMessage(IncidentNotice notice, string id, string number, IReadOnlyList<MailRecipient> to, string? instanceId = null, string? activityId = null)
    {
        ArgumentNullException.ThrowIfNull(notice);
        return new OutboundMessage
        {
            Id = id,
            IdempotencyKey = notice.IdempotencyKey,
            To = to,
            Subject = notice.Subject,
            TextBody = notice.Text,
            HtmlBody = notice.Html,
            Headers = new Dictionary<string, string> { ["X-ChangeFlow-Incident"] = number },
            CorrelationKey = CorrelationKey(number),
            Kind = notice.Kind,
            InstanceId = instanceId,
            ActivityId = activityId,
        };
    }

    private static IncidentNotice Notice(string kind, string subject, string lead, IEnumerable<(string Label, string? Value)> lines, string key)
    {
        var shown = lines.Where(l => !string.IsNullOrWhiteSpace(l.Value)).ToList();
        var text = new StringBuilder().AppendLine(lead).AppendLine();
        var html = new StringBuilder().Append("<p>").Append(WebUtility.HtmlEncode(lead)).Append("</p><table>");
        foreach (var (label, value) in shown)
        {
            text.Append(label).Append(": ").AppendLine(value);
            html.Append("<tr><th align=\"left\">").Append(WebUtility.HtmlEncode(label)).Append("</th><td>").Append(WebUtility.HtmlEncode(value)).Append("</td></tr>");
        }

        html.Append("</table>");
        return new IncidentNotice(kind, subject, text.ToString(), html.ToString(), key);
    }

    private static string Tag(Incident incident) => $"[{incident.Priority?.ToString() ?? "P?"}]";

    private static string? Assigned(Incident incident) =>
        incident.AssigneeId is { } who ? $"{who}{(incident.AssignmentGroup is { } g ? $" ({g})" : string.Empty)}" : incident.AssignmentGroup;

    private static string When(DateTimeOffset instant, BusinessCalendar calendar) => $"{calendar.Zone.Format(instant)} {calendar.Zone.Id}";
}
