using System.Globalization;
using ChangeFlow.Domain.Common;

namespace ChangeFlow.Domain.Time;

/// <summary>
/// The one place where instants meet local wall-clock time in a named IANA zone (e.g. <c>Africa/Lagos</c>, WAT).
/// Change windows, CAB meetings, blackouts and, later, business hours all convert through this type so the rules for
/// daylight-saving gaps and overlaps are written once.
/// </summary>
/// <remarks>
/// Uses <see cref="TimeZoneInfo"/> with the system tz database (tzdata); ICU is not needed, so this works under
/// <c>InvariantGlobalization</c>. Only IANA ids are accepted: Windows ids would need ICU to map and would make
/// stored data depend on the host.
/// </remarks>
public sealed class ZoneCalendar
{
    private ZoneCalendar(TimeZoneInfo zone) => Zone = zone;

    /// <summary>The IANA id, e.g. <c>Africa/Lagos</c>.</summary>
    public string Id => Zone.Id;

    /// <summary>The underlying zone.</summary>
    public TimeZoneInfo Zone { get; }

    /// <summary>Finds the zone with IANA id <paramref name="timeZoneId"/>; an unknown or non-IANA id is an error at <paramref name="path"/>.</summary>
    public static Result<ZoneCalendar> Find(string? timeZoneId, string path = "timeZoneId")
    {
        if (string.IsNullOrWhiteSpace(timeZoneId))
        {
            return Result.Failure<ZoneCalendar>(path, ErrorCodes.Required, "A time zone id (IANA, e.g. Africa/Lagos) is required.");
        }

        if (!TimeZoneInfo.TryFindSystemTimeZoneById(timeZoneId, out var zone) || !zone.HasIanaId)
        {
            return Result.Failure<ZoneCalendar>(path, ErrorCodes.Unknown, $"'{timeZoneId}' is not a known IANA time zone id (e.g. Africa/Lagos).");
        }

        return Result.Success(new ZoneCalendar(zone));
    }

    /// <summary>The zone with IANA id <paramref name="timeZoneId"/>, for ids the program itself spells (demo data, validated records).</summary>
    /// <exception cref="ArgumentException">The id is unknown: a bug, since user input goes through <see cref="Find"/>.</exception>
    public static ZoneCalendar ForId(string timeZoneId)
    {
        var found = Find(timeZoneId);
        return found.IsSuccess ? found.Value : throw new ArgumentException(found.Errors[0].Message, nameof(timeZoneId));
    }

    /// <summary>The wall-clock time and offset in this zone at <paramref name="instant"/>.</summary>
    public DateTimeOffset ToLocal(DateTimeOffset instant) => TimeZoneInfo.ConvertTime(instant, Zone);

    /// <summary>The local calendar date at <paramref name="instant"/>.</summary>
    public DateOnly DateOf(DateTimeOffset instant) => DateOnly.FromDateTime(ToLocal(instant).DateTime);

    /// <summary>
    /// The instant (UTC) at which the wall clock in this zone shows <paramref name="date"/> <paramref name="time"/>.
    /// </summary>
    /// <remarks>
    /// A local time skipped by a daylight-saving jump is moved forward by the length of the gap (02:30 in a
    /// 02:00→03:00 jump becomes 03:30), so a recurring meeting still happens. A local time that occurs twice maps to
    /// the first occurrence (the earlier instant), so nothing scheduled "at 01:30" slips by an hour. NodaTime calls
    /// this the lenient resolver.
    /// </remarks>
    public DateTimeOffset ToInstant(DateOnly date, TimeOnly time)
    {
        var local = date.ToDateTime(time, DateTimeKind.Unspecified);
        if (Zone.IsInvalidTime(local))
        {
            var before = Zone.GetUtcOffset(local.AddDays(-1));
            return new DateTimeOffset(local, before).ToUniversalTime();
        }

        if (Zone.IsAmbiguousTime(local))
        {
            var offsets = Zone.GetAmbiguousTimeOffsets(local);
            var earliest = offsets.Select(offset => new DateTimeOffset(local, offset)).Min();
            return earliest.ToUniversalTime();
        }

        return new DateTimeOffset(local, Zone.GetUtcOffset(local)).ToUniversalTime();
    }

    /// <summary>The instant at which <paramref name="date"/> begins in this zone.</summary>
    public DateTimeOffset StartOfDay(DateOnly date) => ToInstant(date, TimeOnly.MinValue);

    /// <summary>Renders <paramref name="instant"/> as local time, e.g. <c>Sat 2026-05-23 22:00</c>.</summary>
    public string Format(DateTimeOffset instant) =>
        ToLocal(instant).ToString("ddd yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    /// <summary>Renders the UTC offset at <paramref name="instant"/>, e.g. <c>UTC+01:00</c>.</summary>
    public string FormatOffset(DateTimeOffset instant)
    {
        var offset = ToLocal(instant).Offset;
        var sign = offset < TimeSpan.Zero ? "-" : "+";
        return $"UTC{sign}{offset.Duration():hh\\:mm}";
    }

    /// <inheritdoc />
    public override string ToString() => Id;
}
