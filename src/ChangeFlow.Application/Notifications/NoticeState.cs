namespace ChangeFlow.Application.Notifications;

/// <summary>
/// What a change's notices were last scheduled against, kept on the change record (<c>ChangeRecord.Notices</c>) and
/// written in the same transaction as the notices themselves: which revision of the communication plan's schedule is
/// queued, the window those notices announce (to tell a moved window from an edited plan), and the SEQUENCE numbers
/// of its calendar entries, which must grow with every revision a recipient may already hold.
/// </summary>
public sealed record NoticeState
{
    /// <summary>No notice scheduled yet.</summary>
    public static NoticeState None { get; } = new();

    /// <summary>The schedule revision queued: 0 before the change is scheduled, +1 each time its notices are queued anew.</summary>
    public int Revision { get; init; }

    /// <summary>The SEQUENCE of the window's calendar entry: 0 at first, +1 for every move and for the cancellation.</summary>
    public int Sequence { get; init; }

    /// <summary>The window start the queued notices announce.</summary>
    public DateTimeOffset? WindowStart { get; init; }

    /// <summary>The window end the queued notices announce.</summary>
    public DateTimeOffset? WindowEnd { get; init; }

    /// <summary>When the current revision was queued.</summary>
    public DateTimeOffset? ScheduledAt { get; init; }

    /// <summary>When the on-outcome rows were sent (they go once).</summary>
    public DateTimeOffset? OutcomeAt { get; init; }

    /// <summary>When the cancellation went out.</summary>
    public DateTimeOffset? CanceledAt { get; init; }

    /// <summary>The SEQUENCE of the post-implementation review's calendar entry.</summary>
    public int PirSequence { get; init; }

    /// <summary>The review start the last PIR invitation announced.</summary>
    public DateTimeOffset? PirStart { get; init; }
}
