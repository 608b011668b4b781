using System.Text.Json.Nodes;
using ChangeFlow.Application.Workflows;

namespace ChangeFlow.Application.Approvals;

/// <summary>
/// The record that a link was used: written in the same transaction as the task completion it caused (table
/// <c>mail_link_redemptions</c>, keyed by token id), so a link decides at most once, whichever node, request or retry
/// gets there first.
/// </summary>
/// <param name="TokenId">The link's token id.</param>
/// <param name="TaskId">The task it completed.</param>
/// <param name="UserId">On whose behalf.</param>
/// <param name="Action">What it did.</param>
/// <param name="AttemptId">The request that used it (so that request, and only it, can tell it succeeded).</param>
/// <param name="RedeemedAt">When.</param>
public sealed record MailLinkRedemption(string TokenId, string TaskId, string UserId, ApprovalAction Action, string AttemptId, DateTimeOffset RedeemedAt);

/// <summary>Reads link redemptions.</summary>
public interface IMailLinkRedemptionStore
{
    /// <summary>The redemption of a token, or null while it is unused.</summary>
    Task<MailLinkRedemption?> FindAsync(string tokenId, CancellationToken cancellationToken);
}

/// <summary>Records a redemption with the run that completes the task.</summary>
public sealed record MailLinkRedemptionWrite(MailLinkRedemption Redemption) : IRunWrite;

/// <summary>
/// How a task completion says it came from an e-mail link: the <c>via</c> member of the
/// <see cref="Changes.ChangeStimuli.HumanTask"/> input, <c>{"channel": "e-mail", "tokenId", "attemptId", "action"}</c>.
/// The activity that accepts the completion records the redemption and says "by e-mail" in the timeline.
/// </summary>
/// <param name="TokenId">The link's token id.</param>
/// <param name="AttemptId">The request's own id.</param>
/// <param name="Action">The link's action.</param>
public sealed record MailLinkUse(string TokenId, string AttemptId, ApprovalAction Action)
{
    /// <summary>The channel name in the stimulus input.</summary>
    public const string Channel = "e-mail";

    /// <summary>The JSON form.</summary>
    public JsonObject ToJson() => new()
    {
        ["channel"] = Channel,
        ["tokenId"] = TokenId,
        ["attemptId"] = AttemptId,
        ["action"] = Action.ToString(),
    };

    /// <summary>Reads the JSON form; null when <paramref name="via"/> is not an e-mail link use.</summary>
    public static MailLinkUse? FromJson(JsonNode? via) =>
        via is JsonObject o
        && o["channel"]?.GetValueKind() == System.Text.Json.JsonValueKind.String && o["channel"]!.GetValue<string>() == Channel
        && o["tokenId"]?.GetValueKind() == System.Text.Json.JsonValueKind.String
        && o["attemptId"]?.GetValueKind() == System.Text.Json.JsonValueKind.String
        && o["action"]?.GetValueKind() == System.Text.Json.JsonValueKind.String && Enum.TryParse<ApprovalAction>(o["action"]!.GetValue<string>(), out var action)
            ? new MailLinkUse(o["tokenId"]!.GetValue<string>(), o["attemptId"]!.GetValue<string>(), action)
            : null;
}
