using System.Globalization;
using ChangeFlow.Application.Changes;
using ChangeFlow.Application.Tasks;
using ChangeFlow.Domain.Risk;

namespace ChangeFlow.Application.Approvals;

/// <summary>
/// What an approver needs to know about a change to decide without opening it: the dossier's key facts as text, with
/// instants in the change window's zone. The e-mails (as a template model) and the confirmation page show the same.
/// </summary>
public sealed record ChangeSummary
{
    /// <summary>The RFC number.</summary>
    public required string Number { get; init; }

    /// <summary>The title.</summary>
    public required string Title { get; init; }

    /// <summary>Standard, Normal or Emergency.</summary>
    public required string Type { get; init; }

    /// <summary>Minor, Significant or Major.</summary>
    public required string Category { get; init; }

    /// <summary>The overall risk level, if the register rates one.</summary>
    public string? Risk { get; init; }

    /// <summary>The window in its zone, e.g. <c>Sat 2026-05-23 22:00 → Sun 2026-05-24 06:00 Africa/Lagos (UTC+01:00)</c>.</summary>
    public string? Window { get; init; }

    /// <summary>The window's zone id.</summary>
    public string? TimeZone { get; init; }

    /// <summary>Who asks for the change.</summary>
    public string? Requestor { get; init; }

    /// <summary>Why the change is needed.</summary>
    public string? Justification { get; init; }

    /// <summary>The impact, one fact per line (users, services, items, processes, outage, data at risk, downstream).</summary>
    public IReadOnlyList<string> Impact { get; init; } = [];

    /// <summary>The rollback steps, in order.</summary>
    public IReadOnlyList<string> RollbackSteps { get; init; } = [];

    /// <summary>When to roll back.</summary>
    public IReadOnlyList<string> RollbackTriggers { get; init; } = [];

    /// <summary>How long the rollback takes, e.g. <c>45 min</c>.</summary>
    public string? RollbackDuration { get; init; }

    /// <summary>The hard rollback decision point in the window's zone.</summary>
    public string? RollbackDecisionPoint { get; init; }

    /// <summary>Builds the summary of <paramref name="record"/>.</summary>
    public static ChangeSummary From(ChangeRecord record, RiskScale scale)
    {
        ArgumentNullException.ThrowIfNull(record);
        var change = record.Change;
        var impact = new List<string>();
        if (change.Impact is { } i)
        {
            if (i.UsersAffected > 0 || i.UserGroups.Count > 0)
            {
                impact.Add(string.Create(CultureInfo.InvariantCulture, $"Users affected: {(i.UsersAffected > 0 ? $"about {i.UsersAffected}" : "some")}{(i.UserGroups.Count > 0 ? $" ({string.Join(", ", i.UserGroups)})" : string.Empty)}"));
            }

            AddList(impact, "Services", i.ServiceIds);
            AddList(impact, "Configuration items", i.ConfigurationItemIds);
            AddList(impact, "Business processes", i.BusinessProcesses);
            if (i.Duration > TimeSpan.Zero)
            {
                impact.Add($"Service unavailable for {Duration(i.Duration)}{(string.IsNullOrWhiteSpace(i.DurationNote) ? string.Empty : $" ({i.DurationNote})")}");
            }

            if (!string.IsNullOrWhiteSpace(i.DataAtRisk))
            {
                impact.Add($"Data at risk: {i.DataAtRisk}");
            }

            foreach (var downstream in i.DownstreamServices)
            {
                impact.Add($"Downstream: {downstream.ServiceId}: {downstream.Effect}");
            }
        }

        return new ChangeSummary
        {
            Number = record.Number,
            Title = change.Title,
            Type = change.Type.ToString(),
            Category = change.Category.ToString(),
            Risk = change.RiskRegister.OverallLevel(scale)?.ToString(),
            Window = change.Window is { IsValid: true } window ? window.ToLocalString() : null,
            TimeZone = change.Window?.TimeZoneId,
            Requestor = change.Requestor?.DisplayName,
            Justification = string.IsNullOrWhiteSpace(change.Justification) ? null : change.Justification,
            Impact = impact,
            RollbackSteps = change.RollbackProcedure?.Steps ?? [],
            RollbackTriggers = change.RollbackProcedure?.TriggerConditions ?? [],
            RollbackDuration = change.RollbackProcedure is { EstimatedDuration: var d } && d > TimeSpan.Zero ? Duration(d) : null,
            RollbackDecisionPoint = change.RollbackDecisionPoint is { } point ? Local(record, point) : null,
        };
    }

    /// <summary>An instant for people, in the change window's zone (or UTC without a window).</summary>
    public static string Local(ChangeRecord record, DateTimeOffset instant)
    {
        ArgumentNullException.ThrowIfNull(record);
        return record.Change.Window is { IsValid: true } window
            ? $"{window.Calendar.Format(instant)} {window.Calendar.Id} ({window.Calendar.FormatOffset(instant)})"
            : $"{instant.ToUniversalTime().ToString("ddd yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC";
    }

    /// <summary>An instant for people, in the window's zone (or UTC when the change has no valid window).</summary>
    public string Format(DateTimeOffset instant) =>
        Domain.Time.ZoneCalendar.Find(TimeZone) is { IsSuccess: true } zone
            ? $"{zone.Value.Format(instant)} {zone.Value.Id} ({zone.Value.FormatOffset(instant)})"
            : $"{instant.ToUniversalTime().ToString("ddd yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC";

    /// <summary>The summary as a template model: plain strings and lists, under the names the templates use.</summary>
    public Dictionary<string, object?> ToModel() => new(StringComparer.Ordinal)
    {
        ["number"] = Number,
        ["title"] = Title,
        ["type"] = Type,
        ["category"] = Category,
        ["risk"] = Risk,
        ["window"] = Window,
        ["timeZone"] = TimeZone,
        ["requestor"] = Requestor,
        ["justification"] = Justification,
        ["impact"] = Impact.ToList(),
        ["rollback"] = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["steps"] = RollbackSteps.ToList(),
            ["triggers"] = RollbackTriggers.ToList(),
            ["duration"] = RollbackDuration,
            ["decisionPoint"] = RollbackDecisionPoint,
        },
    };

    /// <summary>A task's facts as a template model.</summary>
    public static Dictionary<string, object?> TaskModel(HumanTask task, ChangeRecord record)
    {
        ArgumentNullException.ThrowIfNull(task);
        return new(StringComparer.Ordinal)
        {
            ["id"] = task.Id,
            ["title"] = task.Title,
            ["description"] = task.Description,
            ["kind"] = task.Kind,
            ["due"] = task.DueAt is { } due ? Local(record, due) : null,
        };
    }

    private static void AddList(List<string> lines, string label, IReadOnlyList<string> items)
    {
        if (items.Count > 0)
        {
            lines.Add($"{label}: {string.Join(", ", items)}");
        }
    }

    private static string Duration(TimeSpan span) =>
        span.TotalMinutes < 60 ? string.Create(CultureInfo.InvariantCulture, $"{span.TotalMinutes:0} min")
        : span.Minutes == 0 && span.Seconds == 0 ? string.Create(CultureInfo.InvariantCulture, $"{span.TotalHours:0} h")
        : string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalHours} h {span.Minutes} min");
}
