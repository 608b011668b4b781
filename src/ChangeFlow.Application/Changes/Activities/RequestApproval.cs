using System.Text.Json.Nodes;
using ChangeFlow.Application.Changes.Catalog;
using ChangeFlow.Domain.Cab;
using ChangeFlow.Engine.Activities;
using ChangeFlow.Engine.Descriptors;
using ChangeFlow.Engine.Execution;
using ChangeFlow.Engine.Model;

namespace ChangeFlow.Application.Changes.Activities;

/// <summary>
/// Asks people to approve or reject the change and decides by quorum (All, Majority, FirstResponse, NOfM, or the
/// CAB board's own policy). The change's requestor is never asked and never counted; a rejection needs a comment.
/// </summary>
public sealed class RequestApproval : HumanTaskActivity
{
    /// <summary>The approve outcome.</summary>
    public const string Approved = "Approved";

    /// <summary>The reject outcome.</summary>
    public const string Rejected = "Rejected";

    /// <summary>How votes are counted.</summary>
    public static readonly InputDescriptor Quorum = new(
        "quorum",
        "Quorum",
        DataType.Enum,
        "How votes become a decision: All, Majority, FirstResponse, NOfM (with required), or Board (the CAB board's own policy; All when no board is named).",
        DefaultValue: JsonValue.Create("Board"),
        Options: ["Board", "All", "Majority", "FirstResponse", "NOfM"]);

    /// <summary>N for NOfM.</summary>
    public static readonly InputDescriptor Required = Inputs.Of(DataType.Int32, "required", "Approvals required", "For NOfM: how many approvals decide.");

    /// <inheritdoc />
    public override ActivityDescriptor Descriptor { get; } = new(
        "ChangeFlow.RequestApproval",
        Category,
        "Request approval",
        "Ask people (by user, role, group, CAB board or field) to approve the change and decide by quorum; the requestor never approves their own change.",
        ActivityKind.Blocking,
        [Title, Description, Assignees, Quorum, Required, Due, MinimumTime, CommentRequiredFor, Data, Kind],
        [Decision, Votes, ResultData],
        [Approved, Rejected, TimedOut]);

    /// <inheritdoc />
    protected override string DefaultKind => "Approval";

    /// <inheritdoc />
    protected override IReadOnlyList<string> DefaultCommentRequiredFor { get; } = [Rejected];

    /// <inheritdoc />
    protected override IReadOnlyList<string> TaskOutcomes(ActivityExecutionContext context) => [Approved, Rejected];

    /// <inheritdoc />
    protected override bool ExcludesRequestor(ActivityExecutionContext context) => true;

    /// <inheritdoc />
    protected override async ValueTask PrepareAsync(ActivityExecutionContext context, ChangeRecord record, IReadOnlyList<string> specs, IReadOnlyList<ResolvedAssignee> assignees)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(record);
        var name = context.GetString(Quorum) ?? "Board";
        var required = context.Evaluate(Required) is { } n ? n.GetValue<int>() : (int?)null;
        QuorumPolicy? policy;
        if (string.Equals(name, "Board", StringComparison.OrdinalIgnoreCase))
        {
            var boardSpec = specs.FirstOrDefault(s => s.Trim().StartsWith("board", StringComparison.OrdinalIgnoreCase));
            var boardId = boardSpec is null ? null : boardSpec.Contains(':', StringComparison.Ordinal) ? boardSpec[(boardSpec.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim() : record.CabBoardId;
            var board = string.IsNullOrEmpty(boardId) ? null : await Catalog(context).FindBoardAsync(boardId, context.CancellationToken);
            policy = board?.Quorum ?? QuorumPolicy.All;
        }
        else
        {
            policy = CatalogParser.ParseQuorumPolicy(name, required, out var error)
                ?? throw new WorkflowFaultException("InvalidQuorum", error!.Value.Message);
        }

        var problems = policy.Validate(assignees.Count);
        if (problems.Count > 0)
        {
            throw new WorkflowFaultException("InvalidQuorum", $"{policy} cannot decide among {assignees.Count} eligible approver(s): {problems[0].Message}");
        }

        context.State["policy"] = policy.ToString();
    }

    /// <inheritdoc />
    protected override string? Decide(ActivityExecutionContext context, IReadOnlyList<TaskVote> votes, int eligible)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(votes);
        var policy = ReadPolicy(context.State["policy"]!.GetValue<string>());
        var cast = votes.Select(v => new CabVote(v.TaskId, v.Outcome == Approved ? VoteDecision.Approve : VoteDecision.Reject, v.At, v.Comment)).ToList();
        return policy.Decide(cast, eligible) switch
        {
            QuorumDecision.Approved => Approved,
            QuorumDecision.Rejected => Rejected,
            _ => null,
        };
    }

    private static QuorumPolicy ReadPolicy(string text)
    {
        if (text.StartsWith("NOfM(", StringComparison.Ordinal))
        {
            return QuorumPolicy.NOfM(int.Parse(text[5..^1], System.Globalization.CultureInfo.InvariantCulture));
        }

        return CatalogParser.ParseQuorumPolicy(text, null, out _) ?? QuorumPolicy.All;
    }
}
