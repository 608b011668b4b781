namespace ChangeFlow.Domain.Time;

/// <summary>
/// A half-open interval of instants, <c>[Start, End)</c>, like NodaTime's <c>Interval</c>. Half-open so that a
/// window ending at 07:30 and a blackout starting at 07:30 touch without overlapping, and back-to-back windows
/// never double-count an instant. Both ends are kept in UTC.
/// </summary>
public readonly record struct TimeInterval
{
    /// <summary>Creates <c>[start, end)</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="end"/> is before <paramref name="start"/>: a bug in the caller; untrusted input goes through <see cref="Changes.ChangeWindow.Create"/>.</exception>
    public TimeInterval(DateTimeOffset start, DateTimeOffset end)
    {
        if (end < start)
        {
            throw new ArgumentOutOfRangeException(nameof(end), end, $"The interval ends before it starts ({start:O}).");
        }

        Start = start.ToUniversalTime();
        End = end.ToUniversalTime();
    }

    /// <summary>The first instant inside the interval (UTC).</summary>
    public DateTimeOffset Start { get; }

    /// <summary>The first instant after the interval (UTC); not part of it.</summary>
    public DateTimeOffset End { get; }

    /// <summary>How long the interval lasts.</summary>
    public TimeSpan Duration => End - Start;

    /// <summary>Whether the interval holds no instant at all (<c>Start == End</c>).</summary>
    public bool IsEmpty => Start == End;

    /// <summary>Whether <paramref name="instant"/> lies in <c>[Start, End)</c>.</summary>
    public bool Contains(DateTimeOffset instant) => Start <= instant && instant < End;

    /// <summary>Whether the two intervals share at least one instant; touching ends do not, and an empty interval shares nothing.</summary>
    public bool Overlaps(TimeInterval other) => !IsEmpty && !other.IsEmpty && Start < other.End && other.Start < End;

    /// <summary>The shared part, or null when they do not overlap.</summary>
    public TimeInterval? Intersect(TimeInterval other) =>
        Overlaps(other) ? new TimeInterval(Max(Start, other.Start), Min(End, other.End)) : null;

    /// <inheritdoc />
    public override string ToString() => $"[{Start:yyyy-MM-dd'T'HH:mm:ss'Z'}, {End:yyyy-MM-dd'T'HH:mm:ss'Z'})";

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a >= b ? a : b;

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a <= b ? a : b;
}
