using ChangeFlow.Domain.Changes;
using ChangeFlow.Domain.Common;

namespace ChangeFlow.Domain.Communication;

/// <summary>
/// When a communication-plan message goes out, as the dossier states it. Timings relative to the window follow the
/// window if the CAB moves it, so the seed's "Friday 14:00" for a Saturday 22:00 window is stored as
/// <c>window start − 32 h</c>. <see cref="Resolve"/> turns any timing into concrete instants for a scheduler.
/// </summary>
public abstract record NotificationTiming
{
    private protected NotificationTiming()
    {
    }

    /// <summary>At a fixed instant.</summary>
    public static NotificationTiming At(DateTimeOffset instant) => new AtInstant(instant);

    /// <summary>At <paramref name="offset"/> from the window's <paramref name="edge"/> (negative means before).</summary>
    public static NotificationTiming Relative(WindowEdge edge, TimeSpan offset) => new RelativeToWindow(edge, offset);

    /// <summary>Some time during <paramref name="date"/> in the window's zone (the seed: "Thursday 2026-05-21").</summary>
    public static NotificationTiming During(DateOnly date) => new OnLocalDate(date);

    /// <summary>As soon as the outcome is known, at the latest <paramref name="deadlineAfterWindowEnd"/> after the window ends (the seed: "by 06:00", i.e. zero).</summary>
    public static NotificationTiming WhenOutcomeKnown(TimeSpan deadlineAfterWindowEnd = default) => new OnOutcome(deadlineAfterWindowEnd);

    /// <summary>The send instants for <paramref name="window"/>; the window must be valid.</summary>
    public abstract NotificationDue Resolve(ChangeWindow window);

    /// <summary>Problems with this timing, at <paramref name="path"/>.</summary>
    internal virtual void Validate(ErrorList errors, string path)
    {
    }

    /// <summary>At a fixed instant, whatever the window.</summary>
    /// <param name="Instant">When to send.</param>
    public sealed record AtInstant(DateTimeOffset Instant) : NotificationTiming
    {
        /// <inheritdoc />
        public override NotificationDue Resolve(ChangeWindow window) => new(Instant.ToUniversalTime(), Instant.ToUniversalTime(), AwaitsOutcome: false);

        internal override void Validate(ErrorList errors, string path)
        {
            if (Instant == default)
            {
                errors.Add(path, ErrorCodes.Required, "The send instant is required.");
            }
        }

        /// <inheritdoc />
        public override string ToString() => $"at {Instant:yyyy-MM-dd'T'HH:mm'Z'}";
    }

    /// <summary>At an offset from one end of the window.</summary>
    /// <param name="Edge">The end counted from.</param>
    /// <param name="Offset">Added to that end; negative means before.</param>
    public sealed record RelativeToWindow(WindowEdge Edge, TimeSpan Offset) : NotificationTiming
    {
        /// <inheritdoc />
        public override NotificationDue Resolve(ChangeWindow window)
        {
            ArgumentNullException.ThrowIfNull(window);
            var at = (Edge == WindowEdge.Start ? window.Start : window.End) + Offset;
            return new NotificationDue(at, at, AwaitsOutcome: false);
        }

        internal override void Validate(ErrorList errors, string path) =>
            errors.RequireDefined(ErrorList.Member(path, "edge"), Edge, "The window edge");

        /// <inheritdoc />
        public override string ToString() =>
            $"window {Edge.ToString().ToLowerInvariant()} {(Offset < TimeSpan.Zero ? "−" : "+")} {Offset.Duration().TotalHours:0.##} h";
    }

    /// <summary>During one local day in the window's zone, when the plan gives a day but no time.</summary>
    /// <param name="Date">The local date.</param>
    public sealed record OnLocalDate(DateOnly Date) : NotificationTiming
    {
        /// <summary>Resolves to the whole local day: from its first instant to the last instant before the next day.</summary>
        public override NotificationDue Resolve(ChangeWindow window)
        {
            ArgumentNullException.ThrowIfNull(window);
            var calendar = window.Calendar;
            var start = calendar.StartOfDay(Date);
            var next = calendar.StartOfDay(Date.AddDays(1));
            return new NotificationDue(start, next - TimeSpan.FromTicks(1), AwaitsOutcome: false);
        }

        internal override void Validate(ErrorList errors, string path)
        {
            if (Date == default)
            {
                errors.Add(ErrorList.Member(path, "date"), ErrorCodes.Required, "The date is required.");
            }
        }

        /// <inheritdoc />
        public override string ToString() => $"during {Date:yyyy-MM-dd}";
    }

    /// <summary>When the outcome (success or rollback) is known, with a deadline relative to the window end.</summary>
    /// <param name="DeadlineAfterWindowEnd">How long after the window end the message may still go out; zero means "by window end".</param>
    public sealed record OnOutcome(TimeSpan DeadlineAfterWindowEnd) : NotificationTiming
    {
        /// <summary>Resolves to <c>[window start, window end + deadline]</c>, awaiting the outcome: nothing is known before work starts.</summary>
        public override NotificationDue Resolve(ChangeWindow window)
        {
            ArgumentNullException.ThrowIfNull(window);
            return new NotificationDue(window.Start, window.End + DeadlineAfterWindowEnd, AwaitsOutcome: true);
        }

        internal override void Validate(ErrorList errors, string path)
        {
            if (DeadlineAfterWindowEnd < TimeSpan.Zero)
            {
                errors.Add(ErrorList.Member(path, "deadlineAfterWindowEnd"), ErrorCodes.OutOfRange, "The outcome cannot be due before the window ends, since rollback may run until then.");
            }
        }

        /// <inheritdoc />
        public override string ToString() =>
            DeadlineAfterWindowEnd == TimeSpan.Zero ? "on outcome, by window end" : $"on outcome, by window end + {DeadlineAfterWindowEnd.TotalHours:0.##} h";
    }
}
