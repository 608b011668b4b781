namespace ChangeFlow.Persistence;

/// <summary>Conversions between the domain's instants and the UTC DateTime the database stores.</summary>
/// <remarks>
/// Stored instants are cut to whole microseconds, PostgreSQL's precision, so both providers keep the same value.
/// </remarks>
internal static class Instants
{
    public static DateTime ToUtc(DateTimeOffset value) => new(value.UtcTicks - (value.UtcTicks % 10), DateTimeKind.Utc);

    public static DateTime? ToUtc(DateTimeOffset? value) => value is { } v ? ToUtc(v) : null;

    public static DateTimeOffset FromUtc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));

    public static DateTimeOffset? FromUtc(DateTime? value) => value is { } v ? FromUtc(v) : null;
}
