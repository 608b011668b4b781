using ChangeFlow.Application.Common;

namespace ChangeFlow.Application.Notifications;

/// <summary>What administrators do with outbox messages: retry a Failed one, cancel a Pending one.</summary>
public sealed class OutboxAdministration
{
    private readonly IOutbox _outbox;
    private readonly IOutboxDeliveryStore _delivery;
    private readonly TimeProvider _time;
    private readonly IOutboxSignal? _signal;

    /// <param name="outbox">Reads messages.</param>
    /// <param name="delivery">Changes their state, naming the state it expects.</param>
    /// <param name="time">The clock a retried message is due by.</param>
    /// <param name="signal">Wakes this node's pump after a retry, if the host has one.</param>
    public OutboxAdministration(IOutbox outbox, IOutboxDeliveryStore delivery, TimeProvider time, IOutboxSignal? signal = null)
    {
        _outbox = outbox;
        _delivery = delivery;
        _time = time;
        _signal = signal;
    }

    /// <summary>
    /// Makes a Failed message Pending again, due now, with a fresh set of attempts. 404 when there is no such
    /// message; 409 when it is not Failed.
    /// </summary>
    public async Task<CommandResult<OutboxEntry>> RetryAsync(string id, CancellationToken cancellationToken)
    {
        var change = await _delivery.RetryFailedAsync(id, _time.GetUtcNow(), cancellationToken);
        var result = await ResultAsync(id, change, $"Only a Failed message can be retried; this one is {change.Status}.", cancellationToken);
        if (result.IsOk)
        {
            _signal?.MessagesQueued();
        }

        return result;
    }

    /// <summary>
    /// Withdraws a Pending message. 404 when there is no such message; 409 when it is not Pending or a node is
    /// sending it right now.
    /// </summary>
    public async Task<CommandResult<OutboxEntry>> CancelAsync(string id, CancellationToken cancellationToken)
    {
        var change = await _delivery.CancelPendingAsync(id, _time.GetUtcNow(), cancellationToken);
        var message = change.Status == OutboxStatus.Pending
            ? "The message is being sent right now; look again in a moment."
            : $"Only a Pending message can be cancelled; this one is {change.Status}.";
        return await ResultAsync(id, change, message, cancellationToken);
    }

    private async Task<CommandResult<OutboxEntry>> ResultAsync(string id, OutboxChange change, string conflict, CancellationToken cancellationToken)
    {
        if (change.Result == OutboxChangeResult.NotFound)
        {
            return CommandResult.NotFound<OutboxEntry>(string.Empty, $"No outbox message '{id}'.");
        }

        if (change.Result == OutboxChangeResult.Conflict)
        {
            return CommandResult.Conflict<OutboxEntry>("status", conflict);
        }

        var entry = await _outbox.FindAsync(id, cancellationToken);
        return entry is null
            ? CommandResult.NotFound<OutboxEntry>(string.Empty, $"No outbox message '{id}'.")
            : CommandResult.Ok(entry);
    }
}
