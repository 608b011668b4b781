using System.Globalization;
using System.Text.Json.Nodes;
using ChangeFlow.Application.Workflows;
using ChangeFlow.Engine.Execution;
using Incident = ChangeFlow.Domain.Incidents.Incident;

namespace ChangeFlow.Application.Incidents;

/// <summary>
/// The <c>incident</c> object workflow scripts and Liquid templates see: number, title, state, priority, impact,
/// urgency, service, category, assignment, crisis, links, and whether each clock was breached. Instants are ISO 8601 UTC.
/// </summary>
public static class IncidentSnapshot
{
    /// <summary>Where activities keep the latest snapshot in the instance state.</summary>
    public const string StateKey = "changeflow:incident";

    /// <summary>The workflow input name the incident service passes the snapshot under.</summary>
    public const string InputName = "incident";

    /// <summary>Builds the snapshot.</summary>
    public static JsonObject ToJson(Incident incident)
    {
        ArgumentNullException.ThrowIfNull(incident);
        return new JsonObject
        {
            ["number"] = incident.Number,
            ["title"] = incident.Title,
            ["state"] = incident.State.ToString(),
            ["source"] = incident.Source.ToString(),
            ["priority"] = incident.Priority?.ToString(),
            ["impact"] = incident.Impact?.ToString(),
            ["urgency"] = incident.Urgency?.ToString(),
            ["serviceId"] = incident.ServiceId,
            ["category"] = incident.Category,
            ["assignmentGroup"] = incident.AssignmentGroup,
            ["assignee"] = incident.AssigneeId,
            ["reporter"] = incident.ReporterId,
            ["crisis"] = incident.Crisis is not null,
            ["problem"] = incident.ProblemNumber,
            ["causedByChange"] = incident.CausedByChange,
            ["openedAt"] = incident.OpenedAt.ToString("O", CultureInfo.InvariantCulture),
            ["responseBreached"] = incident.ResponseClock?.IsBreached ?? false,
            ["resolutionBreached"] = incident.ResolutionClock?.IsBreached ?? false,
        };
    }
}

/// <summary>Exposes <c>incident</c> to the scripts and templates of incident workflows.</summary>
public sealed class IncidentWorkflowGlobals : IWorkflowGlobals
{
    /// <inheritdoc />
    public IReadOnlyDictionary<string, JsonNode?> For(WorkflowInstanceState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        JsonNode? incident = state.ActivityState.TryGetValue(IncidentSnapshot.StateKey, out var kept)
            ? kept.DeepClone()
            : state.Input.TryGetValue(IncidentSnapshot.InputName, out var input) && input is JsonObject
                ? input.DeepClone()
                : new JsonObject { ["number"] = state.CorrelationId };
        return new Dictionary<string, JsonNode?>(StringComparer.Ordinal) { ["incident"] = incident };
    }
}
