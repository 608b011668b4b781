namespace ChangeFlow.Domain.Communication;

/// <summary>
/// When a message may be sent, resolved against a concrete window: any instant in <c>[Earliest, Latest]</c>
/// (both inclusive; equal for an exact time). <see cref="AwaitsOutcome"/> means the message waits for the change's
/// outcome and <see cref="Latest"/> is its deadline, not its send time.
/// </summary>
/// <param name="Earliest">The earliest acceptable send instant (UTC).</param>
/// <param name="Latest">The latest acceptable send instant (UTC).</param>
/// <param name="AwaitsOutcome">Whether sending waits for the implementation outcome.</param>
public sealed record NotificationDue(DateTimeOffset Earliest, DateTimeOffset Latest, bool AwaitsOutcome)
{
    /// <summary>Whether the due time is one exact instant.</summary>
    public bool IsExact => Earliest == Latest && !AwaitsOutcome;
}
