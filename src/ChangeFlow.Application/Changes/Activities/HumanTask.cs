using System.Text.Json.Nodes;
using ChangeFlow.Engine.Activities;
using ChangeFlow.Engine.Descriptors;
using ChangeFlow.Engine.Execution;
using ChangeFlow.Engine.Expressions;
using ChangeFlow.Engine.Model;

namespace ChangeFlow.Application.Changes.Activities;

/// <summary>
/// Gives people a piece of work with outcomes of the workflow's choosing (e.g. a PIR "Record review" task with
/// findings in its data); the first assignee to complete it decides, or TimedOut when due passes.
/// </summary>
public sealed class HumanTask : HumanTaskActivity
{
    /// <summary>The outcomes an assignee may choose from.</summary>
    public static readonly InputDescriptor Outcomes = Inputs.Of(
        DataType.StringList, "outcomes", "Outcomes", "The outcomes an assignee may choose from; each is an outcome port.", required: true) with { LiteralOnly = true };

    /// <summary>Whether the change's requestor is left out.</summary>
    public static readonly InputDescriptor ExcludeRequestor = new(
        "excludeRequestor", "Exclude requestor", DataType.Boolean, "Leave the change's requestor out of the assignees.", DefaultValue: JsonValue.Create(false));

    /// <inheritdoc />
    public override ActivityDescriptor Descriptor { get; } = new(
        "ChangeFlow.HumanTask",
        Category,
        "Human task",
        "Give people a task with custom outcomes; the first to complete it decides the outcome.",
        ActivityKind.Blocking,
        [Title, Description, Assignees, Outcomes, Due, MinimumTime, CommentRequiredFor, Data, Kind, ExcludeRequestor],
        [Decision, Votes, ResultData],
        [],
        DynamicOutcomes: true);

    /// <inheritdoc />
    protected override string DefaultKind => "Task";

    /// <inheritdoc />
    protected override IReadOnlyList<string> DefaultCommentRequiredFor { get; } = [];

    /// <inheritdoc />
    public override IReadOnlyList<string>? GetOutcomes(ActivityNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return node.Inputs.TryGetValue(Outcomes.Name, out var binding) && binding.Constant is not null && ValueConverter.TryGetStringList(binding.Constant, out var outcomes)
            ? [.. outcomes, TimedOut]
            : null;
    }

    /// <inheritdoc />
    protected override IReadOnlyList<string> TaskOutcomes(ActivityExecutionContext context)
    {
        var outcomes = context.GetStringList(Outcomes).Where(o => !string.IsNullOrWhiteSpace(o)).Distinct(StringComparer.Ordinal).ToList();
        return outcomes.Count > 0 ? outcomes : throw new WorkflowFaultException("InvalidTask", "The task has no outcomes to choose from.");
    }

    /// <inheritdoc />
    protected override bool ExcludesRequestor(ActivityExecutionContext context) => context.GetBoolean(ExcludeRequestor);

    /// <inheritdoc />
    protected override string? Decide(ActivityExecutionContext context, IReadOnlyList<TaskVote> votes, int eligible) =>
        votes.Count > 0 ? votes[0].Outcome : null;
}
