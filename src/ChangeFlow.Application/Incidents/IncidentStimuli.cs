using System.Text.Json.Nodes;

namespace ChangeFlow.Application.Incidents;

/// <summary>
/// The stimulus that wakes an incident's workflow: the incident service delivers it after every command that may
/// matter to the clocks or the lifecycle (a new priority, a hold ended, resolved, closed, reopened), and the waiting
/// activity looks at the stored incident again.
/// </summary>
public static class IncidentStimuli
{
    /// <summary>The incident changed. Payload <c>{"incident": "INC-2026-0001"}</c>; input <c>{"action", "by"}</c>.</summary>
    public const string Changed = "ChangeFlow.IncidentChanged";

    /// <summary>The payload of <see cref="Changed"/>.</summary>
    public static JsonObject Payload(string number) => new() { ["incident"] = number };
}
