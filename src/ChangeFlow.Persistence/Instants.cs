namespace ChangeFlow.Persistence;

/// <summary>Conversions between the domain's instants and the UTC DateTime the database stores.</summary>
internal static class Instants
{
    public static DateTime ToUtc(DateTimeOffset value) => value.UtcDateTime;

    public static DateTime? ToUtc(DateTimeOffset? value) => value?.UtcDateTime;

    public static DateTimeOffset FromUtc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));

    public static DateTimeOffset? FromUtc(DateTime? value) => value is { } v ? FromUtc(v) : null;
}
