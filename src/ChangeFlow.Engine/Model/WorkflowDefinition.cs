using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Collections.Immutable;

namespace ChangeFlow.Engine.Model;

/// <summary>What happens to the instance when an activity faults.</summary>
public enum IncidentStrategy
{
    /// <summary>The instance faults and stops (Elsa's <c>FaultStrategy</c>, the default).</summary>
    Fault,
    /// <summary>The faulted path stops; other branches go on (Elsa's <c>ContinueWithIncidentsStrategy</c>).</summary>
    Continue,
}

/// <summary>
/// One version of a workflow definition, loaded into an immutable graph that any number of instances run on at once.
/// </summary>
public sealed class WorkflowDefinition
{
    private readonly FrozenDictionary<string, ActivityNode> _activities;
    private readonly FrozenDictionary<string, VariableDefinition> _variablesByName;
    // Filled per activity on first use: only WaitAny joins ask, so a long chain never pays for every activity's set.
    private readonly ConcurrentDictionary<string, FrozenSet<string>> _ancestors = new(StringComparer.Ordinal);

    internal WorkflowDefinition(
        string id,
        string definitionId,
        int version,
        string? name,
        string? description,
        bool isLatest,
        bool isPublished,
        ImmutableArray<VariableDefinition> variables,
        ImmutableArray<WorkflowParameter> inputs,
        ImmutableArray<WorkflowParameter> outputs,
        ImmutableArray<string> outcomes,
        IncidentStrategy incidentStrategy,
        ImmutableArray<ActivityNode> activities,
        ImmutableArray<Connection> connections,
        ActivityNode start,
        string contentHash)
    {
        Id = id;
        DefinitionId = definitionId;
        Version = version;
        Name = name;
        Description = description;
        IsLatest = isLatest;
        IsPublished = isPublished;
        Variables = variables;
        Inputs = inputs;
        Outputs = outputs;
        Outcomes = outcomes;
        IncidentStrategy = incidentStrategy;
        Activities = activities;
        Connections = connections;
        Start = start;
        ContentHash = contentHash;
        _activities = activities.ToFrozenDictionary(a => a.Id, StringComparer.Ordinal);
        _variablesByName = variables.ToFrozenDictionary(v => v.Name, StringComparer.Ordinal);
    }

    /// <summary>The id of this version.</summary>
    public string Id { get; }

    /// <summary>The id shared by all versions.</summary>
    public string DefinitionId { get; }

    /// <summary>The version number (1, 2, ...).</summary>
    public int Version { get; }

    /// <summary>The display name.</summary>
    public string? Name { get; }

    /// <summary>The description.</summary>
    public string? Description { get; }

    /// <summary>The <c>isLatest</c> flag as written.</summary>
    public bool IsLatest { get; }

    /// <summary>The <c>isPublished</c> flag as written.</summary>
    public bool IsPublished { get; }

    /// <summary>Workflow variables with their types and defaults.</summary>
    public ImmutableArray<VariableDefinition> Variables { get; }

    /// <summary>Declared inputs.</summary>
    public ImmutableArray<WorkflowParameter> Inputs { get; }

    /// <summary>Declared outputs.</summary>
    public ImmutableArray<WorkflowParameter> Outputs { get; }

    /// <summary>Declared outcomes (used when the workflow runs as a child).</summary>
    public ImmutableArray<string> Outcomes { get; }

    /// <summary>What a faulting activity does to the instance.</summary>
    public IncidentStrategy IncidentStrategy { get; }

    /// <summary>The flowchart's activities, in definition order.</summary>
    public ImmutableArray<ActivityNode> Activities { get; }

    /// <summary>The flowchart's connections, in definition order.</summary>
    public ImmutableArray<Connection> Connections { get; }

    /// <summary>The activity a new instance starts with.</summary>
    public ActivityNode Start { get; }

    /// <summary>SHA-256 of the source text; equal text loads to an equal definition.</summary>
    public string ContentHash { get; }

    /// <summary>Finds an activity by id.</summary>
    public ActivityNode? FindActivity(string id) => _activities.GetValueOrDefault(id);

    /// <summary>Gets an activity by id, or throws when the definition has none.</summary>
    public ActivityNode GetActivity(string id) =>
        _activities.TryGetValue(id, out var node) ? node : throw new KeyNotFoundException($"The workflow '{DefinitionId}' v{Version} has no activity '{id}'.");

    /// <summary>Finds a variable by name, or by id when no name matches.</summary>
    public VariableDefinition? FindVariable(string nameOrId)
    {
        if (_variablesByName.TryGetValue(nameOrId, out var variable))
        {
            return variable;
        }

        foreach (var candidate in Variables)
        {
            if (candidate.Id == nameOrId)
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>Activities from which <paramref name="activityId"/> can be reached along forward connections (itself included).</summary>
    internal FrozenSet<string> AncestorsOf(string activityId) =>
        _activities.ContainsKey(activityId) ? _ancestors.GetOrAdd(activityId, ComputeAncestors) : FrozenSet<string>.Empty;

    private FrozenSet<string> ComputeAncestors(string activityId)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal) { activityId };
        var stack = new Stack<ActivityNode>();
        stack.Push(_activities[activityId]);
        while (stack.Count > 0)
        {
            foreach (var connection in stack.Pop().JoinInbound)
            {
                if (seen.Add(connection.Source))
                {
                    stack.Push(_activities[connection.Source]);
                }
            }
        }

        return seen.ToFrozenSet(StringComparer.Ordinal);
    }
}
