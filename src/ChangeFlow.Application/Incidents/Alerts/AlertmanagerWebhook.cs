using System.Text.Json;
using ChangeFlow.Domain.Common;

namespace ChangeFlow.Application.Incidents.Alerts;

/// <summary>
/// The body Prometheus Alertmanager posts to a webhook receiver (payload version 4): one notification for one group
/// of alerts. Members Alertmanager adds later are ignored.
/// </summary>
public sealed record AlertmanagerWebhook
{
    /// <summary>The payload version; "4".</summary>
    public string? Version { get; init; }

    /// <summary>The key identifying the group of alerts (e.g. to deduplicate).</summary>
    public string? GroupKey { get; init; }

    /// <summary>How many alerts were left out because of the receiver's max_alerts.</summary>
    public int TruncatedAlerts { get; init; }

    /// <summary><c>firing</c> or <c>resolved</c>.</summary>
    public string? Status { get; init; }

    /// <summary>The receiver's name.</summary>
    public string? Receiver { get; init; }

    /// <summary>The labels the group is formed by.</summary>
    public Dictionary<string, string>? GroupLabels { get; init; }

    /// <summary>The labels all alerts share.</summary>
    public Dictionary<string, string>? CommonLabels { get; init; }

    /// <summary>The annotations all alerts share.</summary>
    public Dictionary<string, string>? CommonAnnotations { get; init; }

    /// <summary>The Alertmanager's external URL (JSON <c>externalURL</c>).</summary>
    public string? ExternalUrl { get; init; }

    /// <summary>The alerts.</summary>
    public List<AlertmanagerAlert?>? Alerts { get; init; }

    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { AllowDuplicateProperties = false, MaxDepth = 16 };

    /// <summary>Reads and checks a notification; every problem has its path (<c>alerts[0].fingerprint</c>).</summary>
    public static Result<AlertmanagerWebhook> Parse(byte[] body)
    {
        AlertmanagerWebhook? payload;
        try
        {
            payload = JsonSerializer.Deserialize<AlertmanagerWebhook>(body, Options);
        }
        catch (JsonException ex)
        {
            return Result.Failure<AlertmanagerWebhook>(ex.Path is { Length: > 1 } p ? p.TrimStart('$', '.') : string.Empty, ErrorCodes.Invalid, "The body is not an Alertmanager webhook notification (JSON).");
        }

        if (payload is null)
        {
            return Result.Failure<AlertmanagerWebhook>(string.Empty, ErrorCodes.Required, "The body must be a JSON object.");
        }

        var errors = new List<DomainError>();
        if (payload.Version != "4")
        {
            errors.Add(new DomainError("version", payload.Version is null ? ErrorCodes.Required : ErrorCodes.Invalid, $"Only webhook payload version 4 is understood, not '{payload.Version}'."));
        }

        if (string.IsNullOrWhiteSpace(payload.GroupKey))
        {
            errors.Add(new DomainError("groupKey", ErrorCodes.Required, "The group key is required."));
        }

        if (payload.Status is not ("firing" or "resolved"))
        {
            errors.Add(new DomainError("status", ErrorCodes.Invalid, "The status is firing or resolved."));
        }

        if (payload.Alerts is not { Count: > 0 })
        {
            errors.Add(new DomainError("alerts", ErrorCodes.Required, "A notification carries at least one alert."));
        }

        for (var i = 0; i < (payload.Alerts?.Count ?? 0); i++)
        {
            var path = $"alerts[{i}]";
            var alert = payload.Alerts![i];
            if (alert is null)
            {
                errors.Add(new DomainError(path, ErrorCodes.Required, "An alert is required."));
                continue;
            }

            if (string.IsNullOrWhiteSpace(alert.Fingerprint) || alert.Fingerprint.Length > 200)
            {
                errors.Add(new DomainError($"{path}.fingerprint", ErrorCodes.Required, "The alert's fingerprint is required (at most 200 characters)."));
            }

            if (alert.Status is not ("firing" or "resolved"))
            {
                errors.Add(new DomainError($"{path}.status", ErrorCodes.Invalid, "The alert's status is firing or resolved."));
            }

            if (alert.StartsAt is null)
            {
                errors.Add(new DomainError($"{path}.startsAt", ErrorCodes.Required, "The alert's start is required."));
            }
        }

        return errors.Count > 0 ? Result.Failure<AlertmanagerWebhook>(errors) : Result.Success(payload);
    }
}

/// <summary>One alert of a notification.</summary>
public sealed record AlertmanagerAlert
{
    /// <summary><c>firing</c> or <c>resolved</c>.</summary>
    public string? Status { get; init; }

    /// <summary>The labels (<c>alertname</c>, <c>severity</c>, <c>service</c> ...).</summary>
    public Dictionary<string, string>? Labels { get; init; }

    /// <summary>The annotations (<c>summary</c>, <c>description</c> ...).</summary>
    public Dictionary<string, string>? Annotations { get; init; }

    /// <summary>When it started firing.</summary>
    public DateTimeOffset? StartsAt { get; init; }

    /// <summary>When it resolved (Go's zero time while firing).</summary>
    public DateTimeOffset? EndsAt { get; init; }

    /// <summary>The Prometheus link (JSON <c>generatorURL</c>).</summary>
    public string? GeneratorUrl { get; init; }

    /// <summary>Alertmanager's fingerprint of the label set.</summary>
    public string? Fingerprint { get; init; }
}
