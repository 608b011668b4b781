using System.Text.Json.Serialization;
using ChangeFlow.Engine.Model;

namespace ChangeFlow.Engine.Loading;

/// <summary>How bad a problem is.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ProblemSeverity>))]
public enum ProblemSeverity
{
    /// <summary>The definition cannot be loaded.</summary>
    Error,
    /// <summary>The definition loads, but something is probably a mistake.</summary>
    Warning,
}

/// <summary>One problem found while loading a definition, located by a JSON path (<c>$.root.activities[2].text</c>).</summary>
/// <param name="Severity">Error or warning.</param>
/// <param name="Path">Where, as a JSON path.</param>
/// <param name="Message">What is wrong, for people.</param>
public sealed record WorkflowProblem(ProblemSeverity Severity, string Path, string Message)
{
    /// <inheritdoc />
    public override string ToString() => Severity == ProblemSeverity.Warning ? $"{Path}: warning: {Message}" : $"{Path}: {Message}";
}

/// <summary>The result of loading a definition: the definition when there is no error, and every problem found.</summary>
public sealed class WorkflowLoadResult
{
    internal WorkflowLoadResult(WorkflowDefinition? definition, IReadOnlyList<WorkflowProblem> problems, bool exceedsLimits = false)
    {
        Definition = definition;
        Problems = problems;
        ExceedsLimits = exceedsLimits;
    }

    /// <summary>True when the definition is over a <see cref="WorkflowLoaderOptions"/> limit and was not read further.</summary>
    public bool ExceedsLimits { get; }

    /// <summary>The loaded definition, or null when any error was found.</summary>
    public WorkflowDefinition? Definition { get; }

    /// <summary>All errors and warnings, in document order.</summary>
    public IReadOnlyList<WorkflowProblem> Problems { get; }

    /// <summary>True when the definition loaded.</summary>
    public bool Succeeded => Definition is not null;

    /// <summary>The errors only.</summary>
    public IEnumerable<WorkflowProblem> Errors => Problems.Where(p => p.Severity == ProblemSeverity.Error);

    /// <summary>The warnings only.</summary>
    public IEnumerable<WorkflowProblem> Warnings => Problems.Where(p => p.Severity == ProblemSeverity.Warning);

    /// <summary>Returns the definition or throws with every error listed.</summary>
    public WorkflowDefinition GetDefinitionOrThrow() =>
        Definition ?? throw new InvalidOperationException("The workflow definition is invalid:" + Environment.NewLine + string.Join(Environment.NewLine, Errors));
}
