using System.Text.Json.Nodes;

namespace ChangeFlow.Application.Changes;

/// <summary>
/// The stimuli that drive change workflows from outside: their bookmark names and payload shapes. The API and the
/// services deliver them with <see cref="Workflows.WorkflowRuntime.DeliverAsync"/>; the activities wait on them.
/// A stimulus matches a bookmark when name and payload are equal (hash of name + canonical payload).
/// </summary>
public static class ChangeStimuli
{
    /// <summary>
    /// A person completed a human task. Payload <c>{"groupId": "..."}</c> (the tasks one activity created);
    /// input <c>{"taskId", "outcome", "comment", "by", "data", "via"?}</c>.
    /// </summary>
    public const string HumanTask = "ChangeFlow.HumanTask";

    /// <summary>
    /// An implementer reported a plan step. Payload <c>{"change": "RFC-2026-014"}</c>; input
    /// <c>{"stepId": "step-3", "status": "Done" | "Failed", "note", "by"}</c>. The progress itself is already stored on
    /// the change; the stimulus wakes the waiting activity.
    /// </summary>
    public const string StepReport = "ChangeFlow.StepReport";

    /// <summary>A rollback step was reported. Payload <c>{"change"}</c>; input as <see cref="StepReport"/> with ids <c>rb-1</c>, <c>rb-2</c>...</summary>
    public const string RollbackStepReport = "ChangeFlow.RollbackStepReport";

    /// <summary>The implementation was validated. Payload <c>{"change"}</c>; input <c>{"by", "note"}</c>.</summary>
    public const string Validated = "ChangeFlow.Validated";

    /// <summary>
    /// The change's window moved. Payload <c>{"change"}</c>; no input: the new window is already stored, and the
    /// activity waiting for the window re-arms its timer on it.
    /// </summary>
    public const string WindowMoved = "ChangeFlow.WindowMoved";

    /// <summary>The member of a <see cref="HumanTask"/> input that names the state the completed task must be in.</summary>
    public const string ExpectedStatus = "expectedStatus";

    /// <summary>The only state a task is completed from.</summary>
    public const string TaskExpectsOpen = "Open";

    /// <summary>The payload of <see cref="HumanTask"/> stimuli and bookmarks.</summary>
    public static JsonObject TaskPayload(string groupId) => new() { ["groupId"] = groupId };

    /// <summary>The payload of <see cref="StepReport"/>, <see cref="RollbackStepReport"/>, <see cref="Validated"/> and <see cref="WindowMoved"/>.</summary>
    public static JsonObject ChangePayload(string changeNumber) => new() { ["change"] = changeNumber };

    /// <summary>
    /// The input of a <see cref="HumanTask"/> stimulus; <paramref name="via"/> says how the completion arrived when not
    /// through the API (e.g. an e-mail link, <see cref="Approvals.MailLinkUse"/>), and is left out otherwise.
    /// With <paramref name="expectOpen"/> the completion names the state it expects (<see cref="TaskExpectsOpen"/>): one
    /// the activity cannot count (another completion closed the task first) is refused, nothing is committed, and the
    /// caller learns its request lost instead of being told it won; without it, such a completion is ignored on the
    /// timeline (a raw stimulus has nobody waiting for the answer).
    /// </summary>
    public static JsonObject TaskInput(string taskId, string outcome, string? comment, string by, JsonObject? data = null, JsonObject? via = null, bool expectOpen = false)
    {
        var input = new JsonObject
        {
            ["taskId"] = taskId,
            ["outcome"] = outcome,
            ["comment"] = comment,
            ["by"] = by,
            ["data"] = data?.DeepClone(),
        };
        if (expectOpen)
        {
            input[ExpectedStatus] = TaskExpectsOpen;
        }

        if (via is not null)
        {
            input["via"] = via.DeepClone();
        }

        return input;
    }

    /// <summary>The input of a step report stimulus.</summary>
    public static JsonObject StepInput(string stepId, StepStatus status, string? note, string by) => new()
    {
        ["stepId"] = stepId,
        ["status"] = status.ToString(),
        ["note"] = note,
        ["by"] = by,
    };


    /// <summary>The id of rollback step <paramref name="index"/> (0-based): <c>rb-1</c>, <c>rb-2</c>...</summary>
    public static string RollbackStepId(int index) => $"rb-{index + 1}";
}
