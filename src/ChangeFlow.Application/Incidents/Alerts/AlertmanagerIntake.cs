using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using ChangeFlow.Application.Common;
using ChangeFlow.Application.Incidents.Config;
using ChangeFlow.Application.Workflows;
using ChangeFlow.Domain.Incidents;

namespace ChangeFlow.Application.Incidents.Alerts;

/// <summary>What became of one group (or alert) of a notification.</summary>
/// <param name="Key">The deduplication key.</param>
/// <param name="Incident">The incident number, if any.</param>
/// <param name="Action"><c>opened</c>, <c>updated</c>, <c>repeated</c>, <c>resolved</c>, <c>reopened</c> or <c>ignored</c>.</param>
/// <param name="Message">What happened, for people.</param>
public sealed record AlertOutcome(string Key, string? Incident, string Action, string Message);

/// <summary>
/// Turns Alertmanager notifications into incidents. A firing group (or alert, per configuration) opens an incident —
/// identified by monitoring, logged, categorized and prioritized from its labels — unless an incident that is not
/// closed already carries its key, which is then updated (new alerts firing, alerts resolved) instead. A repeated
/// notification with nothing new only refreshes when it was last heard of. Resolved alerts are recorded in the
/// timeline and, when configured, resolve the incident; alerts firing again reopen a resolved one.
/// </summary>
public sealed class AlertmanagerIntake
{
    private const int MaxAttempts = 3;
    private static readonly InstanceLocks Locks = new(64);

    private readonly IIncidentStore _incidents;
    private readonly IncidentService _service;
    private readonly IncidentCatalog _catalog;
    private readonly ITimelineStore _timeline;
    private readonly TimeProvider _time;

    /// <summary>Creates the intake.</summary>
    public AlertmanagerIntake(IIncidentStore incidents, IncidentService service, IncidentCatalog catalog, ITimelineStore timeline, TimeProvider time)
    {
        _incidents = incidents;
        _service = service;
        _catalog = catalog;
        _timeline = timeline;
        _time = time;
    }

    /// <summary>Handles one notification from <paramref name="actor"/> (the monitoring account whose token sent it).</summary>
    public async Task<IReadOnlyList<AlertOutcome>> HandleAsync(AlertmanagerWebhook payload, IncidentActor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(payload);
        ArgumentNullException.ThrowIfNull(actor);
        var config = await _catalog.LoadAsync(cancellationToken);
        var settings = config.Settings.Alertmanager;
        var alerts = payload.Alerts!.OfType<AlertmanagerAlert>().ToList();
        var units = settings.DeduplicateBy == AlertDeduplication.Fingerprint
            ? alerts.Select(a => (Key: "alert:" + Hash(a.Fingerprint!), Alerts: (IReadOnlyList<AlertmanagerAlert>)[a], Labels: a.Labels ?? [], Annotations: a.Annotations ?? []))
            : [("group:" + Hash(payload.GroupKey!), alerts, payload.CommonLabels ?? alerts[0].Labels ?? [], payload.CommonAnnotations ?? [])];
        var outcomes = new List<AlertOutcome>();
        foreach (var (key, unit, labels, annotations) in units)
        {
            using var held = await Locks.AcquireAsync(key, cancellationToken);
            outcomes.Add(await HandleUnitAsync(payload, key, unit, labels, annotations, config, actor, cancellationToken));
        }

        return outcomes;
    }

    private async Task<AlertOutcome> HandleUnitAsync(
        AlertmanagerWebhook payload, string key, IReadOnlyList<AlertmanagerAlert> alerts, Dictionary<string, string> labels, Dictionary<string, string> annotations,
        IncidentConfiguration config, IncidentActor actor, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var firing = alerts.Where(a => a.Status == "firing").ToList();
        for (var attempt = 1; ; attempt++)
        {
            var existing = await _incidents.FindByAlertKeyAsync(key, cancellationToken);
            if (existing is null)
            {
                if (firing.Count == 0)
                {
                    return new AlertOutcome(key, null, "ignored", "Resolved alerts without an open incident: nothing to record.");
                }

                var alert = Merge(null, payload, key, alerts, now);
                var opened = await _service.OpenAsync(Report(payload, firing, labels, annotations, config, actor.UserId), actor.UserId, alert, cancellationToken);
                if (opened.Status == CommandStatus.Conflict && attempt < MaxAttempts)
                {
                    continue; // Another node opened it meanwhile: update that one.
                }

                if (!opened.IsOk)
                {
                    return new AlertOutcome(key, null, "ignored", opened.Message);
                }

                var openedNumber = opened.Value!.Number;
                await AddTimelineAsync(openedNumber, actor.UserId, "alert.firing", $"Alertmanager ({payload.Receiver}): {string.Join(", ", firing.Select(Describe))} firing.", AlertData(payload, firing), cancellationToken);
                return new AlertOutcome(key, openedNumber, "opened", $"{openedNumber} opened from {firing.Count} firing alert(s).");
            }

            var before = existing.Incident.Alert;
            var merged = Merge(before, payload, key, alerts, now);
            var wasFiring = (before?.Alerts ?? []).Where(a => a.Status == "firing").Select(a => a.Fingerprint).ToHashSet(StringComparer.Ordinal);
            var newlyFiring = firing.Where(a => !wasFiring.Contains(a.Fingerprint!)).ToList();
            var newlyResolved = alerts.Where(a => a.Status == "resolved" && wasFiring.Contains(a.Fingerprint!)).ToList();
            var next = existing with { Incident = existing.Incident.WithAlert(merged), Version = existing.Version + 1, UpdatedAt = now };
            try
            {
                await _incidents.UpdateAsync(next, existing.Version, cancellationToken);
            }
            catch (ConcurrencyConflictException) when (attempt < MaxAttempts)
            {
                continue;
            }

            var number = existing.Number;
            if (newlyFiring.Count == 0 && newlyResolved.Count == 0)
            {
                return new AlertOutcome(key, number, "repeated", $"{number}: repeated notification, nothing new.");
            }

            if (newlyFiring.Count > 0)
            {
                await AddTimelineAsync(number, actor.UserId, "alert.firing", $"Alertmanager ({payload.Receiver}): {string.Join(", ", newlyFiring.Select(Describe))} firing{(before is null ? string.Empty : " again")}.", AlertData(payload, newlyFiring), cancellationToken);
                if (existing.Incident.State == IncidentState.Resolved)
                {
                    var reopened = await _service.ReopenAsync(number, $"Monitoring alert firing again: {string.Join(", ", newlyFiring.Select(Describe))}", actor, cancellationToken);
                    return new AlertOutcome(key, number, reopened.IsOk ? "reopened" : "updated", reopened.IsOk ? $"{number} reopened: the alert fires again." : $"{number}: {reopened.Message}");
                }
            }

            if (newlyResolved.Count > 0)
            {
                var allResolved = merged.Alerts.All(a => a.Status == "resolved");
                await AddTimelineAsync(
                    number,
                    actor.UserId,
                    "alert.resolved",
                    allResolved
                        ? $"Alertmanager ({payload.Receiver}): all alerts resolved ({string.Join(", ", newlyResolved.Select(Describe))})."
                        : $"Alertmanager ({payload.Receiver}): {string.Join(", ", newlyResolved.Select(Describe))} resolved; {merged.Alerts.Count(a => a.Status == "firing")} still firing.",
                    AlertData(payload, newlyResolved),
                    cancellationToken);
                if (allResolved && config.Settings.Alertmanager.ResolveWhenAlertsResolve && IncidentLifecycle.IsOpen(existing.Incident.State))
                {
                    var resolved = await _service.ResolveAsync(number, "alert-resolved", $"The monitoring alerts resolved: {string.Join(", ", newlyResolved.Select(Describe))}.", actor, cancellationToken);
                    return new AlertOutcome(key, number, resolved.IsOk ? "resolved" : "updated", resolved.IsOk ? $"{number} resolved with its alerts." : $"{number}: alerts resolved; the incident stays open ({resolved.Message}).");
                }

                return new AlertOutcome(key, number, "updated", allResolved ? $"{number}: all alerts resolved (recorded)." : $"{number}: {newlyResolved.Count} alert(s) resolved.");
            }

            return new AlertOutcome(key, number, "updated", $"{number}: {newlyFiring.Count} more alert(s) firing.");
        }
    }

    private static IncidentReport Report(
        AlertmanagerWebhook payload, List<AlertmanagerAlert> firing, Dictionary<string, string> labels, Dictionary<string, string> annotations, IncidentConfiguration config, string reporter)
    {
        var settings = config.Settings.Alertmanager;
        var first = firing[0];
        var name = labels.GetValueOrDefault("alertname") ?? first.Labels?.GetValueOrDefault("alertname") ?? "Alert";
        var summary = annotations.GetValueOrDefault("summary") ?? first.Annotations?.GetValueOrDefault("summary");
        var title = summary is null ? $"[Alert] {name}" : $"[Alert] {name}: {summary}";
        var description = new StringBuilder()
            .AppendLine($"Raised by Alertmanager ({payload.Receiver}{(payload.ExternalUrl is { } url ? $", {url}" : string.Empty)}) for group {payload.GroupKey}.");
        foreach (var alert in firing)
        {
            description.Append("- ").Append(Describe(alert)).Append(" since ").Append(alert.StartsAt!.Value.ToUniversalTime().ToString("u", System.Globalization.CultureInfo.InvariantCulture));
            if (alert.Annotations?.GetValueOrDefault("description") is { } text)
            {
                description.Append(": ").Append(text);
            }

            description.AppendLine();
        }

        var serviceLabel = labels.GetValueOrDefault(settings.ServiceLabel) ?? first.Labels?.GetValueOrDefault(settings.ServiceLabel);
        var serviceId = serviceLabel is not null && settings.Services.TryGetValue(serviceLabel, out var mapped) && config.Services.ContainsKey(mapped) ? mapped
            : serviceLabel is not null && config.Services.ContainsKey(serviceLabel) ? serviceLabel
            : settings.DefaultServiceId;
        string? Label(string label) => labels.GetValueOrDefault(label) ?? first.Labels?.GetValueOrDefault(label);
        var bySeverity = Label(settings.SeverityLabel) is { } severity && settings.Severities.TryGetValue(severity, out var pair) ? pair : (settings.DefaultImpact, settings.DefaultUrgency);
        var impact = Named<Impact>(Label(settings.ImpactLabel)) ?? bySeverity.Item1;
        var urgency = Named<Urgency>(Label(settings.UrgencyLabel)) ?? bySeverity.Item2;
        var category = config.Settings.Categories.Contains(settings.Category) ? settings.Category : config.Settings.Categories[^1];
        return new IncidentReport(
            title.Length > IncidentService.MaxTitleLength ? title[..(IncidentService.MaxTitleLength - 1)] + "…" : title,
            description.ToString().TrimEnd(),
            config.Services.ContainsKey(serviceId) ? serviceId : config.Services.Keys.FirstOrDefault(),
            ReporterId: reporter,
            Source: IncidentSource.MonitoringAlert,
            Category: category,
            Impact: impact,
            Urgency: urgency);
    }

    private static MonitoringAlert Merge(MonitoringAlert? before, AlertmanagerWebhook payload, string key, IReadOnlyList<AlertmanagerAlert> alerts, DateTimeOffset now)
    {
        var merged = (before?.Alerts ?? []).ToDictionary(a => a.Fingerprint, StringComparer.Ordinal);
        var order = (before?.Alerts ?? []).Select(a => a.Fingerprint).ToList();
        foreach (var alert in alerts)
        {
            var fingerprint = alert.Fingerprint!;
            if (!merged.ContainsKey(fingerprint))
            {
                order.Add(fingerprint);
            }

            merged[fingerprint] = new AlertInstance(
                fingerprint,
                alert.Labels?.GetValueOrDefault("alertname") ?? "alert",
                alert.Status!,
                alert.StartsAt!.Value.ToUniversalTime(),
                alert.Status == "resolved" && alert.EndsAt is { Year: > 1 } ends ? ends.ToUniversalTime() : null,
                alert.Annotations?.GetValueOrDefault("summary") ?? alert.Annotations?.GetValueOrDefault("description"),
                alert.GeneratorUrl,
                alert.Labels ?? []);
        }

        var list = order.Select(f => merged[f]).ToList();
        return new MonitoringAlert(key, payload.Receiver ?? string.Empty, payload.GroupKey!, payload.ExternalUrl, list.Any(a => a.Status == "firing") ? "firing" : "resolved", list, now);
    }

    private static string Describe(AlertmanagerAlert alert)
    {
        var name = alert.Labels?.GetValueOrDefault("alertname") ?? "alert";
        return alert.Labels?.GetValueOrDefault("instance") is { } instance ? $"{name} on {instance}" : name;
    }

    private static JsonObject AlertData(AlertmanagerWebhook payload, IEnumerable<AlertmanagerAlert> alerts) => new()
    {
        ["receiver"] = payload.Receiver,
        ["groupKey"] = payload.GroupKey,
        ["fingerprints"] = new JsonArray([.. alerts.Select(a => (JsonNode?)JsonValue.Create(a.Fingerprint))]),
    };

    /// <summary>The enum member a label names (case-insensitive, by name only), or null.</summary>
    private static TEnum? Named<TEnum>(string? text)
        where TEnum : struct, Enum =>
        Enum.GetNames<TEnum>().FirstOrDefault(n => n.Equals(text, StringComparison.OrdinalIgnoreCase)) is { } name ? Enum.Parse<TEnum>(name) : null;

    /// <summary>Keys are hashed: group keys and fingerprints are any length, the key column is not.</summary>
    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private Task AddTimelineAsync(string number, string actor, string action, string summary, JsonObject data, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        return _timeline.AddAsync(new TimelineEntry(TimelineIds.Next(now), number, now, actor, action, summary, Data: data), cancellationToken);
    }
}
