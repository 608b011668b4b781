using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ChangeFlow.Application.Notifications;

/// <summary>
/// Delivers the outbox: claims a batch of due messages with a lease (one statement, as the timer dispatcher claims
/// timers), sends them over one connection, and records each outcome on its row.
/// </summary>
/// <remarks>
/// <para>
/// No second copy in the normal case: right before each send the row is re-checked and the claim renewed in one
/// statement (<see cref="IOutboxDeliveryStore.RenewClaimAsync"/>), so a message cancelled, sent or taken over by
/// another node meanwhile is skipped; each message is marked Sent as soon as the server accepted it, so the window in
/// which a crash can cause a resend is one message wide. A message accepted but not marked (the database failed
/// right then) is remembered and marked at this dispatcher's next run, before it claims anything, while its claim
/// keeps others off it. Only a process that dies in that window leaves the message to be claimed again when its lease
/// runs out; it is then sent again with the same Message-ID, which receivers use to drop the copy.
/// </para>
/// <para>
/// Failures: a temporary one (4xx, connection refused, DNS, timeout, TLS) counts an attempt and schedules the next by
/// <see cref="MailRetrySettings"/>; a permanent one (5xx, an unusable address), or the last allowed attempt, marks
/// the message Failed and reports it (<see cref="IDeliveryFailureReporter"/>). Recipients refused while the others
/// were accepted are recorded on the Sent row and reported too.
/// </para>
/// </remarks>
public sealed partial class OutboxDispatcher
{
    private readonly IOutboxDeliveryStore _store;
    private readonly IMailTransport _transport;
    private readonly IDeliveryFailureReporter _reporter;
    private readonly MailDeliveryState _state;
    private readonly TimeProvider _time;
    private readonly MailOptions _options;
    private readonly ILogger<OutboxDispatcher> _logger;
    private readonly ConcurrentDictionary<string, Accepted> _unmarked = new(StringComparer.Ordinal);

    /// <param name="store">Claims and updates outbox rows.</param>
    /// <param name="transport">Sends messages (SMTP or the pickup directory).</param>
    /// <param name="reporter">Makes failures visible to administrators.</param>
    /// <param name="state">This node's sender state, for health details.</param>
    /// <param name="time">The clock due times, leases and back-off are computed with.</param>
    /// <param name="options">Batch size, lease and retry policy.</param>
    /// <param name="logger">Logs outcomes.</param>
    /// <param name="nodeName">This node's name; the claim owner is it plus a per-instance suffix.</param>
    public OutboxDispatcher(
        IOutboxDeliveryStore store,
        IMailTransport transport,
        IDeliveryFailureReporter reporter,
        MailDeliveryState state,
        TimeProvider time,
        IOptions<MailOptions> options,
        ILogger<OutboxDispatcher> logger,
        string? nodeName = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _store = store;
        _transport = transport;
        _reporter = reporter;
        _state = state;
        _time = time;
        _options = options.Value;
        _logger = logger;
        var node = string.IsNullOrWhiteSpace(nodeName) ? $"{Environment.MachineName}:{Environment.ProcessId}" : nodeName;
        Owner = (node.Length > 100 ? node[..100] : node) + "/mail-" + Guid.NewGuid().ToString("N")[..8];
    }

    /// <summary>Who this dispatcher's claims name (<c>ClaimedBy</c>): the node name and a per-instance suffix.</summary>
    public string Owner { get; }

    /// <summary>Messages accepted by the server whose Sent mark has not been written yet (the database failed then).</summary>
    public int UnmarkedCount => _unmarked.Count;

    /// <summary>
    /// Claims and sends batches until a claim finds less than a full batch; returns how many messages were claimed.
    /// A failure of the database is logged and ends the run (claims run out; the pump queues the next run).
    /// </summary>
    public async Task<int> DispatchDueAsync(CancellationToken cancellationToken)
    {
        var total = 0;
        try
        {
            int claimed;
            do
            {
                claimed = await DispatchOnceAsync(cancellationToken);
                total += claimed;
            }
            while (claimed >= _options.BatchSize && !cancellationToken.IsCancellationRequested);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
#pragma warning disable CA1031 // The outbox rows are the truth: a failed run is logged and the next one picks up what is left.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogDispatchFailed(_logger, ex);
        }

        return total;
    }

    /// <summary>
    /// Marks what an earlier run left unmarked, then claims one batch of due messages and sends it over one
    /// connection; returns how many were claimed. Database failures are thrown.
    /// </summary>
    public async Task<int> DispatchOnceAsync(CancellationToken cancellationToken)
    {
        await MarkUnmarkedAsync(cancellationToken);
        var now = _time.GetUtcNow();
        var claimed = await _store.ClaimDueAsync(Owner, now, now + _options.Lease, _options.BatchSize, cancellationToken);
        if (claimed.Count == 0)
        {
            return 0;
        }

        IMailSession? session = null;
        MailDeliveryException? unreachable = null;
        try
        {
            for (var i = 0; i < claimed.Count; i++)
            {
                var entry = claimed[i];
                if (cancellationToken.IsCancellationRequested)
                {
                    await ReleaseAsync(claimed.Skip(i));
                    break;
                }

                if (unreachable is not null)
                {
                    // The server could not be reached for this batch: every message in it missed its attempt alike.
                    await FailAttemptAsync(entry, unreachable, cancellationToken);
                    continue;
                }

                if (!await _store.RenewClaimAsync(entry.Message.Id, Owner, _time.GetUtcNow() + _options.Lease, cancellationToken))
                {
                    LogSkipped(_logger, entry.Message.Id);
                    continue;
                }

                if (session is null)
                {
                    try
                    {
                        session = await _transport.OpenAsync(cancellationToken);
                    }
                    catch (MailDeliveryException ex)
                    {
                        unreachable = ex;
                        await FailAttemptAsync(entry, ex, cancellationToken);
                        continue;
                    }
                    catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                    {
                        // Stopping before anything was sent: the batch is handed back for another node.
                        await ReleaseAsync(claimed.Skip(i));
                        throw;
                    }
                }

                MailSendResult result;
                try
                {
                    result = await session.SendAsync(entry.Message, cancellationToken);
                }
                catch (MailDeliveryException ex)
                {
                    if (ex.SessionBroken)
                    {
                        await CloseAsync(session);
                        session = null;
                    }

                    await FailAttemptAsync(entry, ex, cancellationToken);
                    continue;
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    // Whether the server took this one is unknown: its claim stays until the lease runs out.
                    await ReleaseAsync(claimed.Skip(i + 1));
                    throw;
                }
#pragma warning disable CA1031 // An unexpected sender error counts as a temporary failure of this message, not of the batch.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    await CloseAsync(session);
                    session = null;
                    await FailAttemptAsync(entry, new MailDeliveryException($"Sending failed: {ex.Message}", permanent: false, sessionBroken: true, inner: ex), cancellationToken);
                    continue;
                }

                await SentAsync(entry, result, cancellationToken);
            }
        }
        finally
        {
            if (session is not null)
            {
                await CloseAsync(session);
            }
        }

        return claimed.Count;
    }

    private async Task SentAsync(OutboxEntry entry, MailSendResult result, CancellationToken cancellationToken)
    {
        var at = _time.GetUtcNow();
        _state.Sent(at);
        var note = result.Refused.Count == 0 ? null : "Refused by the server: " + string.Join("; ", result.Refused);
        try
        {
            if (!await _store.MarkSentAsync(entry.Message.Id, Owner, at, note, CancellationToken.None))
            {
                LogClaimLostAfterSend(_logger, entry.Message.Id, entry.Message.MessageId ?? "");
            }
        }
#pragma warning disable CA1031 // The server has the message: remember it and mark it before anything else next time.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            _unmarked[entry.Message.Id] = new Accepted(at, note);
            LogMarkFailed(_logger, ex, entry.Message.Id);
        }

        LogSent(_logger, entry.Message.Id, entry.Message.MessageId ?? "", entry.Attempts + 1);
        if (result.Refused.Count > 0)
        {
            await _reporter.ReportAsync(Failure(entry, at, note!, result.Refused, entry.Attempts + 1, messageFailed: false), entry, cancellationToken);
        }
    }

    private async Task FailAttemptAsync(OutboxEntry entry, MailDeliveryException error, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var attempt = entry.Attempts + 1;
        var givesUp = error.Permanent || attempt >= _options.Retry.MaxAttempts;
        var kind = (error.Permanent ? "permanent" : "temporary") + (error.SmtpCode is { } code ? $" ({code})" : "");
        _state.Failed(now, kind, error.Message, givesUp);
        if (!givesUp)
        {
            var next = _options.Retry.NextAttemptAt(now, attempt, Random.Shared.NextDouble());
            if (await _store.MarkRetryAsync(entry.Message.Id, Owner, next, error.Message, cancellationToken))
            {
                LogRetry(_logger, entry.Message.Id, attempt, next, error.Message);
            }

            return;
        }

        var reason = error.Permanent ? error.Message : $"Gave up after {attempt} attempts; the last: {error.Message}";
        if (await _store.MarkFailedAsync(entry.Message.Id, Owner, reason, cancellationToken))
        {
            var refused = error.Refused.Count > 0
                ? error.Refused
                : [.. entry.Message.To.Concat(entry.Message.Cc).Concat(entry.Message.Bcc).Select(r => new RefusedRecipient(r.Address, error.SmtpCode, error.Message))];
            await _reporter.ReportAsync(Failure(entry, now, reason, refused, attempt, messageFailed: true), entry, cancellationToken);
        }
    }

    private async Task MarkUnmarkedAsync(CancellationToken cancellationToken)
    {
        foreach (var (id, accepted) in _unmarked)
        {
            await _store.MarkSentAsync(id, Owner, accepted.At, accepted.Note, cancellationToken);
            _unmarked.TryRemove(id, out _);
        }
    }

    private async Task ReleaseAsync(IEnumerable<OutboxEntry> entries)
    {
        foreach (var entry in entries)
        {
            try
            {
                await _store.ReleaseAsync(entry.Message.Id, Owner, CancellationToken.None);
            }
#pragma warning disable CA1031 // A claim not released simply runs out.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogReleaseFailed(_logger, ex, entry.Message.Id);
            }
        }
    }

    private async Task CloseAsync(IMailSession session)
    {
        try
        {
            await session.DisposeAsync();
        }
#pragma warning disable CA1031 // Saying goodbye to a server that is gone is not a delivery failure.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogCloseFailed(_logger, ex);
        }
    }

    private static DeliveryFailure Failure(OutboxEntry entry, DateTimeOffset at, string reason, IReadOnlyList<RefusedRecipient> refused, int attempts, bool messageFailed) => new(
        $"{entry.Message.Id}-{attempts}",
        entry.Message.Id,
        entry.Message.MessageId ?? OutboxIds.MessageIdFor(entry.Message.Id),
        entry.Message.CorrelationKey,
        entry.Message.Kind,
        entry.Message.Subject,
        at,
        reason,
        refused,
        attempts,
        messageFailed);

    private sealed record Accepted(DateTimeOffset At, string? Note);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Outbox message {Id} (<{MessageId}>) sent, attempt {Attempt}.")]
    private static partial void LogSent(ILogger logger, string id, string messageId, int attempt);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Outbox message {Id} is no longer pending or no longer claimed by this node; not sent.")]
    private static partial void LogSkipped(ILogger logger, string id);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox message {Id} could not be delivered (attempt {Attempt}); next attempt at {NextAttemptAt:O}: {Error}")]
    private static partial void LogRetry(ILogger logger, string id, int attempt, DateTimeOffset nextAttemptAt, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox message {Id} (<{MessageId}>) was sent, but its claim had been taken over meanwhile: another node may send it again, with the same Message-ID.")]
    private static partial void LogClaimLostAfterSend(ILogger logger, string id, string messageId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Outbox message {Id} was sent but could not be marked sent; it is marked at this node's next dispatch.")]
    private static partial void LogMarkFailed(ILogger logger, Exception exception, string id);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Releasing the claim on outbox message {Id} failed; it runs out by itself.")]
    private static partial void LogReleaseFailed(ILogger logger, Exception exception, string id);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Closing the mail session failed.")]
    private static partial void LogCloseFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Outbox dispatch failed; what is left is sent by the next dispatch.")]
    private static partial void LogDispatchFailed(ILogger logger, Exception exception);
}
