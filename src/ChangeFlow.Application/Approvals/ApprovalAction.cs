using ChangeFlow.Application.Changes.Activities;

namespace ChangeFlow.Application.Approvals;

/// <summary>What an e-mail link does to its task.</summary>
public enum ApprovalAction
{
    /// <summary>Completes the task with <see cref="RequestApproval.Approved"/>.</summary>
    Approve,

    /// <summary>Completes the task with <see cref="RequestApproval.Rejected"/> (a comment is required).</summary>
    Reject,
}

/// <summary>Conversions of <see cref="ApprovalAction"/>.</summary>
public static class ApprovalActions
{
    /// <summary>The task outcome an action completes the task with.</summary>
    public static string Outcome(this ApprovalAction action) => action == ApprovalAction.Approve ? RequestApproval.Approved : RequestApproval.Rejected;

    /// <summary>The verb for people: "approve" or "reject".</summary>
    public static string Verb(this ApprovalAction action) => action == ApprovalAction.Approve ? "approve" : "reject";
}
