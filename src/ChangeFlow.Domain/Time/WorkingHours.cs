namespace ChangeFlow.Domain.Time;

/// <summary>
/// One stretch of working time on a weekday, in local wall-clock time: <c>[Start, End)</c>. <see cref="End"/> null
/// means midnight at the end of the day (written <c>24:00</c>), so a 24-hour desk is <c>00:00–24:00</c>.
/// </summary>
/// <param name="Start">The local time work starts.</param>
/// <param name="End">The local time work stops, or null for the end of the day.</param>
public readonly record struct WorkingHours(TimeOnly Start, TimeOnly? End)
{
    /// <summary>How long the stretch lasts on a day without a daylight-saving jump.</summary>
    public TimeSpan Length => (End?.ToTimeSpan() ?? TimeSpan.FromDays(1)) - Start.ToTimeSpan();

    /// <summary>Renders <c>08:00–17:00</c>.</summary>
    public override string ToString() => $"{Start:HH\\:mm}–{(End is { } end ? end.ToString("HH\\:mm", System.Globalization.CultureInfo.InvariantCulture) : "24:00")}";
}
