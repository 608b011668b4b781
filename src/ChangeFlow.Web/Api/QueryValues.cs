using System.Globalization;
using ChangeFlow.Domain.Common;

namespace ChangeFlow.Web.Api;

/// <summary>
/// Reads query-string values and enum names strictly, adding an error named after the parameter instead of letting
/// the framework answer a bare 400 (which names nothing) when <c>?take=abc</c> or <c>?from=garbage</c> arrives.
/// </summary>
/// <remarks>
/// Endpoints take such parameters as strings and parse them here. Enum names are matched whole and case-insensitively:
/// numbers (<c>?state=7</c>), comma lists (<c>New,Closed</c>, which <see cref="Enum.TryParse{TEnum}(string, bool, out TEnum)"/>
/// would read as flags) and padding are refused.
/// </remarks>
public static class QueryValues
{
    /// <summary>A whole number, null when absent.</summary>
    public static int? Int(string name, string? text, List<DomainError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        errors.Add(new DomainError(name, ErrorCodes.Invalid, $"'{Shorten(text)}' is not a whole number."));
        return null;
    }

    /// <summary>
    /// An instant in ISO 8601 (<c>2026-05-23T21:00:00Z</c>, <c>2026-05-23T22:00:00+01:00</c>); one without an offset
    /// is read as UTC, never in the server's own zone. Null when absent.
    /// </summary>
    public static DateTimeOffset? Instant(string name, string? text, List<DomainError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value))
        {
            return value.ToUniversalTime();
        }

        errors.Add(new DomainError(name, ErrorCodes.Invalid, $"'{Shorten(text)}' is not an ISO 8601 instant, e.g. 2026-05-23T21:00:00Z."));
        return null;
    }

    /// <summary>An enum value given by name, null when absent.</summary>
    public static TEnum? Enum<TEnum>(string name, string? text, List<DomainError> errors)
        where TEnum : struct, Enum
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        if (TryParseName<TEnum>(text, out var value))
        {
            return value;
        }

        errors.Add(new DomainError(name, ErrorCodes.Invalid, $"'{Shorten(text)}' is not one of {string.Join(", ", System.Enum.GetNames<TEnum>())}."));
        return null;
    }

    /// <summary>Whether <paramref name="text"/> is exactly the name of a <typeparamref name="TEnum"/> member (case-insensitive).</summary>
    public static bool TryParseName<TEnum>(string? text, out TEnum value)
        where TEnum : struct, Enum
    {
        var match = text is null ? null : System.Enum.GetNames<TEnum>().FirstOrDefault(n => n.Equals(text, StringComparison.OrdinalIgnoreCase));
        value = match is null ? default : System.Enum.Parse<TEnum>(match);
        return match is not null;
    }

    private static string Shorten(string text) => text.Length <= 100 ? text : text[..100] + "…";
}
