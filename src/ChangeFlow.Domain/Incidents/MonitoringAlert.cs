namespace ChangeFlow.Domain.Incidents;

/// <summary>
/// The monitoring alerts behind an incident opened by Prometheus Alertmanager: the receiver and group they came in,
/// and each alert (by fingerprint) as last reported. Repeated notifications update it instead of opening incidents.
/// </summary>
/// <param name="Key">What incidents are deduplicated by: the group key, or one alert's fingerprint (per configuration).</param>
/// <param name="Receiver">The Alertmanager receiver.</param>
/// <param name="GroupKey">Alertmanager's group key.</param>
/// <param name="ExternalUrl">The Alertmanager that sent it.</param>
/// <param name="Status">The group's status in the last notification: <c>firing</c> or <c>resolved</c>.</param>
/// <param name="Alerts">The alerts, in the order first seen.</param>
/// <param name="LastNotifiedAt">When the last notification arrived.</param>
public sealed record MonitoringAlert(
    string Key,
    string Receiver,
    string GroupKey,
    string? ExternalUrl,
    string Status,
    IReadOnlyList<AlertInstance> Alerts,
    DateTimeOffset LastNotifiedAt);

/// <summary>One alert of a group as Alertmanager last reported it.</summary>
/// <param name="Fingerprint">Alertmanager's fingerprint of the label set.</param>
/// <param name="Name">The <c>alertname</c> label.</param>
/// <param name="Status"><c>firing</c> or <c>resolved</c>.</param>
/// <param name="StartsAt">When it started firing.</param>
/// <param name="EndsAt">When it resolved, if it did.</param>
/// <param name="Summary">The <c>summary</c> (or <c>description</c>) annotation.</param>
/// <param name="GeneratorUrl">The Prometheus expression browser link.</param>
/// <param name="Labels">The labels.</param>
public sealed record AlertInstance(
    string Fingerprint,
    string Name,
    string Status,
    DateTimeOffset StartsAt,
    DateTimeOffset? EndsAt,
    string? Summary,
    string? GeneratorUrl,
    IReadOnlyDictionary<string, string> Labels);
