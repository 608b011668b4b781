namespace ChangeFlow.Application.Notifications;

/// <summary>What this node's mail sender last saw, for health details and the admin API. Thread-safe.</summary>
public sealed class MailDeliveryState
{
    private readonly Lock _gate = new();
    private MailDeliverySnapshot _snapshot;

    /// <summary>Creates the state for a transport.</summary>
    public MailDeliveryState(string transport)
    {
        _snapshot = new MailDeliverySnapshot(transport, null, null, null, null, 0, 0, 0, false);
    }

    /// <summary>The state now.</summary>
    public MailDeliverySnapshot Snapshot
    {
        get
        {
            lock (_gate)
            {
                return _snapshot;
            }
        }
    }

    /// <summary>Records a message accepted by the server (or written to the pickup directory).</summary>
    public void Sent(DateTimeOffset at)
    {
        lock (_gate)
        {
            _snapshot = _snapshot with { LastSuccessAt = at, SentCount = _snapshot.SentCount + 1, LastAttemptFailed = false };
        }
    }

    /// <summary>Records a failed attempt: <paramref name="kind"/> is a short classification shown to anyone (health), <paramref name="error"/> the full text shown to administrators.</summary>
    public void Failed(DateTimeOffset at, string kind, string error, bool permanent)
    {
        lock (_gate)
        {
            _snapshot = _snapshot with
            {
                LastFailureAt = at,
                LastFailureKind = kind,
                LastError = error,
                RetriedCount = _snapshot.RetriedCount + (permanent ? 0 : 1),
                FailedCount = _snapshot.FailedCount + (permanent ? 1 : 0),
                LastAttemptFailed = true,
            };
        }
    }
}

/// <summary>A node's mail sender at one moment.</summary>
/// <param name="Transport">Where it delivers (no credentials).</param>
/// <param name="LastSuccessAt">When a message last went out.</param>
/// <param name="LastFailureAt">When an attempt last failed.</param>
/// <param name="LastFailureKind">A short classification of that failure (<c>temporary</c>/<c>permanent</c> and the SMTP code, if any).</param>
/// <param name="LastError">The full text of that failure.</param>
/// <param name="SentCount">Messages sent since the node started.</param>
/// <param name="RetriedCount">Attempts that failed temporarily since the node started.</param>
/// <param name="FailedCount">Messages failed for good since the node started.</param>
/// <param name="LastAttemptFailed">Whether the last attempt failed (the server may be down; messages wait in the outbox).</param>
public sealed record MailDeliverySnapshot(
    string Transport,
    DateTimeOffset? LastSuccessAt,
    DateTimeOffset? LastFailureAt,
    string? LastFailureKind,
    string? LastError,
    long SentCount,
    long RetriedCount,
    long FailedCount,
    bool LastAttemptFailed);
