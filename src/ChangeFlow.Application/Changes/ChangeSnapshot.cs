using System.Globalization;
using System.Text.Json.Nodes;
using ChangeFlow.Application.Workflows;
using ChangeFlow.Domain.Risk;
using ChangeFlow.Engine.Execution;

namespace ChangeFlow.Application.Changes;

/// <summary>
/// The <c>change</c> object that workflow scripts and Liquid templates see: number, type, category, state, outcome,
/// risk level, window (start, end, zone), requestor, application owner, CAB board and meeting, template, validation.
/// Instants are ISO 8601 UTC strings.
/// </summary>
public static class ChangeSnapshot
{
    /// <summary>Where activities keep the latest snapshot in the instance state, so scripts see what the run wrote.</summary>
    public const string StateKey = "changeflow:change";

    /// <summary>The workflow input name the change service passes the snapshot under when it starts a workflow.</summary>
    public const string InputName = "change";

    /// <summary>Builds the snapshot of <paramref name="record"/>.</summary>
    public static JsonObject ToJson(ChangeRecord record, RiskScale? scale = null)
    {
        ArgumentNullException.ThrowIfNull(record);
        var change = record.Change;
        return new JsonObject
        {
            ["number"] = record.Number,
            ["title"] = change.Title,
            ["type"] = change.Type.ToString(),
            ["category"] = change.Category.ToString(),
            ["state"] = change.State.ToString(),
            ["outcome"] = change.Outcome?.ToString(),
            ["riskLevel"] = change.RiskRegister.OverallLevel(scale ?? RiskScale.Default)?.ToString(),
            ["windowStart"] = Instant(change.Window?.Start),
            ["windowEnd"] = Instant(change.Window?.End),
            ["timeZoneId"] = change.Window?.TimeZoneId,
            ["rollbackDecisionPoint"] = Instant(change.RollbackDecisionPoint),
            ["requestor"] = change.Requestor?.Id,
            ["applicationOwner"] = change.ApplicationOwner?.Id,
            ["services"] = new JsonArray([.. (change.Impact?.ServiceIds ?? []).Select(s => (JsonNode?)JsonValue.Create(s))]),
            ["configurationItems"] = new JsonArray([.. (change.Impact?.ConfigurationItemIds ?? []).Select(s => (JsonNode?)JsonValue.Create(s))]),
            ["cabBoardId"] = record.CabBoardId,
            ["cabMeetingAt"] = Instant(record.CabMeetingAt),
            ["templateId"] = record.TemplateId,
            ["validated"] = record.ValidatedAt is not null,
            ["validatedAt"] = Instant(record.ValidatedAt),
            ["pirScheduledAt"] = Instant(change.PostImplementationReview?.ScheduledAt is { } pir && pir != default ? pir : null),
        };
    }

    private static string? Instant(DateTimeOffset? instant) =>
        instant?.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);
}

/// <summary>
/// Exposes <c>change</c> to scripts and templates: the snapshot the last change activity of the instance wrote, or
/// the one the change service passed when it started the workflow.
/// </summary>
public sealed class ChangeWorkflowGlobals : IWorkflowGlobals
{
    /// <inheritdoc />
    public IReadOnlyDictionary<string, JsonNode?> For(WorkflowInstanceState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        JsonNode? change = state.ActivityState.TryGetValue(ChangeSnapshot.StateKey, out var kept)
            ? kept.DeepClone()
            : state.Input.TryGetValue(ChangeSnapshot.InputName, out var input) && input is JsonObject
                ? input.DeepClone()
                : new JsonObject { ["number"] = state.CorrelationId };
        return new Dictionary<string, JsonNode?>(StringComparer.Ordinal) { ["change"] = change };
    }
}
