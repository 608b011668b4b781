using System.Text.Json.Nodes;

namespace ChangeFlow.Engine.Execution;

/// <summary>What a caller asks for when starting an instance.</summary>
public sealed class StartRequest
{
    /// <summary>The instance id to use; a time-ordered GUID when null.</summary>
    public string? InstanceId { get; init; }

    /// <summary>An id from the caller's world.</summary>
    public string? CorrelationId { get; init; }

    /// <summary>Workflow input by name; declared inputs are converted to their declared types.</summary>
    public IReadOnlyDictionary<string, JsonNode?>? Input { get; init; }
}

/// <summary>The outcome of a start, resume, continue or cancel call.</summary>
public sealed class RunResult
{
    internal RunResult(WorkflowInstanceState state, string? rejection)
    {
        State = state;
        Rejection = rejection;
    }

    /// <summary>The instance after the call (unchanged when rejected).</summary>
    public WorkflowInstanceState State { get; }

    /// <summary>Why the call was refused (unknown or consumed bookmark, finished instance, bad input), or null.</summary>
    public string? Rejection { get; }

    /// <summary>True when the call ran.</summary>
    public bool Accepted => Rejection is null;
}
