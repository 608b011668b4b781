namespace ChangeFlow.Engine.Model;

/// <summary>A flowchart connection from an activity's outcome port to another activity.</summary>
/// <param name="Index">Position in the definition's connection list.</param>
/// <param name="Source">The source activity id.</param>
/// <param name="SourcePort">The outcome that makes this connection followed.</param>
/// <param name="Target">The target activity id.</param>
/// <param name="TargetPort">The target port (always <c>In</c> for flowchart activities).</param>
public sealed record Connection(int Index, string Source, string SourcePort, string Target, string TargetPort)
{
    /// <summary>True when this connection closes a loop (found by a depth-first walk from the start activity).</summary>
    public bool IsBackEdge { get; internal set; }

    /// <summary>True when the source activity cannot be reached from the start activity.</summary>
    public bool IsFromUnreachable { get; internal set; }

    /// <summary>For a loop-closing connection: the activities on some path from its target back to its source.</summary>
    public IReadOnlySet<string>? LoopBody { get; internal set; }
}
