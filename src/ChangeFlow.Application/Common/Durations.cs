using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Xml;

namespace ChangeFlow.Application.Common;

/// <summary>
/// Durations as the API and the catalogue write them: ISO 8601 (<c>PT4H</c>, <c>P5D</c>, <c>-PT32H</c>). Values
/// written before that in .NET's <c>[-][d.]hh:mm:ss[.fffffff]</c> form (<c>01:00:00</c>) are still read.
/// </summary>
public static class Durations
{
    /// <summary>An example for documentation: four hours.</summary>
    public const string Example = "PT4H";

    /// <summary>The ISO 8601 text of <paramref name="value"/> (<c>PT1H30M</c>; zero is <c>PT0S</c>).</summary>
    public static string Format(TimeSpan value) => XmlConvert.ToString(value);

    /// <summary>Reads ISO 8601 (days, hours, minutes, seconds; years and months have no fixed length) or the old <c>hh:mm:ss</c> form.</summary>
    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = default;
        if (string.IsNullOrWhiteSpace(text) || text.Length > 40)
        {
            return false;
        }

        text = text.Trim();
        return text.TrimStart('-').StartsWith('P')
            ? TryParseIso(text, out duration)
            : TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out duration);
    }

    /// <summary>Reads ISO 8601 only (days, hours, minutes, seconds; years and months have no fixed length), at most 40 characters.</summary>
    public static bool TryParseIso(string? text, out TimeSpan duration)
    {
        duration = default;
        var datePart = text?.Split('T')[0] ?? string.Empty;
        if (text is null || text.Length > 40 || datePart.Contains('Y', StringComparison.Ordinal) || datePart.Contains('M', StringComparison.Ordinal))
        {
            return false;
        }

        try
        {
            duration = XmlConvert.ToTimeSpan(text);
            return true;
        }
        catch (Exception ex) when (ex is FormatException or OverflowException)
        {
            return false;
        }
    }

    /// <summary>Writes ISO 8601 and reads it or the old form; for the API's JSON options.</summary>
    public sealed class JsonConverter : JsonConverter<TimeSpan>
    {
        /// <inheritdoc />
        public override TimeSpan Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.String && TryParse(reader.GetString(), out var value)
                ? value
                : throw new JsonException($"Expected an ISO 8601 duration, e.g. {Example} or PT30M.");

        /// <inheritdoc />
        public override void Write(Utf8JsonWriter writer, TimeSpan value, JsonSerializerOptions options)
        {
            ArgumentNullException.ThrowIfNull(writer);
            writer.WriteStringValue(Format(value));
        }
    }
}
