using System.Globalization;
using System.Text.Json.Nodes;
using ChangeFlow.Engine.Expressions;

namespace ChangeFlow.Application.Approvals;

/// <summary>
/// When an assignee who has not answered is reminded: at a share of the time between the request and the due time
/// (<c>50%</c>), a fixed time before the due time (<c>PT4H</c>, <c>04:00:00</c>), or never (<c>none</c>).
/// </summary>
public sealed record ReminderPolicy
{
    private ReminderPolicy(double? share, TimeSpan? before)
    {
        Share = share;
        Before = before;
    }

    /// <summary>No reminder.</summary>
    public static ReminderPolicy None { get; } = new(null, null);

    /// <summary>The share of the time to the due time after which the reminder goes (0 &lt; share &lt; 1), if that is the rule.</summary>
    public double? Share { get; }

    /// <summary>How long before the due time the reminder goes, if that is the rule.</summary>
    public TimeSpan? Before { get; }

    /// <summary>A reminder after <paramref name="percent"/> % of the time to the due time (1 to 99).</summary>
    public static ReminderPolicy AtShare(int percent) =>
        percent is > 0 and < 100 ? new(percent / 100.0, null) : throw new ArgumentOutOfRangeException(nameof(percent), percent, "A share is 1 to 99 %.");

    /// <summary>A reminder <paramref name="before"/> the due time.</summary>
    public static ReminderPolicy BeforeDue(TimeSpan before) =>
        before > TimeSpan.Zero ? new(null, before) : throw new ArgumentOutOfRangeException(nameof(before), before, "The time before the due time must be positive.");

    /// <summary>Reads <c>50%</c>, a duration (<c>PT4H</c>, <c>04:00:00</c>) or <c>none</c>; false with a reason otherwise.</summary>
    public static bool TryParse(string? text, out ReminderPolicy policy, out string? error)
    {
        policy = None;
        error = null;
        var value = text?.Trim() ?? string.Empty;
        if (value.Equals("none", StringComparison.OrdinalIgnoreCase) || value.Equals("off", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (value.EndsWith('%'))
        {
            if (int.TryParse(value[..^1].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var percent) && percent is > 0 and < 100)
            {
                policy = AtShare(percent);
                return true;
            }

            error = $"'{value}' is not a share of 1% to 99% of the time to the due time.";
            return false;
        }

        if (ValueConverter.TryParseTimeSpan(JsonValue.Create(value), out var before) && before > TimeSpan.Zero)
        {
            policy = BeforeDue(before);
            return true;
        }

        error = $"'{value}' is neither a share of the time to the due time (50%), a positive duration before it (PT4H, 04:00:00), nor 'none'.";
        return false;
    }

    /// <summary>
    /// When to remind for a task requested at <paramref name="requestedAt"/> and due at <paramref name="dueAt"/>, or
    /// null: no rule, no due time, or an instant that is not strictly between the two (nothing left to remind of).
    /// </summary>
    public DateTimeOffset? ReminderAt(DateTimeOffset requestedAt, DateTimeOffset? dueAt)
    {
        if (dueAt is not { } due || due <= requestedAt)
        {
            return null;
        }

        DateTimeOffset? at = Share is { } share ? requestedAt + ((due - requestedAt) * share)
            : Before is { } before ? due - before
            : null;
        return at is { } instant && instant > requestedAt && instant < due ? instant : null;
    }

    /// <inheritdoc />
    public override string ToString() =>
        Share is { } share ? string.Create(CultureInfo.InvariantCulture, $"{Math.Round(share * 100)}%")
        : Before is { } before ? string.Create(CultureInfo.InvariantCulture, $"{before:c} before the due time")
        : "none";
}
