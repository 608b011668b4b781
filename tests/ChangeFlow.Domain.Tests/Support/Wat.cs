namespace ChangeFlow.Domain.Tests.Support;

/// <summary>
/// Instants written as the seed writes them, in WAT (UTC+1, no daylight saving). Computed with a fixed offset, not
/// through the code under test, so the tests check the zone conversion instead of repeating it.
/// </summary>
internal static class Wat
{
    public static readonly TimeSpan Offset = TimeSpan.FromHours(1);

    public static DateTimeOffset At(int month, int day, int hour, int minute = 0) =>
        new DateTimeOffset(2026, month, day, hour, minute, 0, Offset).ToUniversalTime();
}
