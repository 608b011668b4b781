using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using ChangeFlow.Application.Common;

namespace ChangeFlow.Application.Changes.Dossier;

/// <summary>
/// The serializer settings of the dossier contract: camelCase, strict (no unknown or duplicate properties, no
/// comments or trailing commas, no numbers in strings), enums by name, instants in ISO 8601 with an explicit offset
/// (written in UTC), durations in ISO 8601 (<c>PT45M</c>), and instants and durations bounded so that no date
/// arithmetic on accepted input can overflow.
/// </summary>
public static class DossierJson
{
    /// <summary>The deepest nesting accepted; the contract itself needs five levels.</summary>
    public const int MaxDepth = 16;

    /// <summary>The earliest year an instant may have.</summary>
    public const int MinYear = 1900;

    /// <summary>The latest year an instant may have.</summary>
    public const int MaxYear = 2200;

    /// <summary>The longest duration or offset accepted, either way.</summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromDays(366);

    /// <summary>The options for reading and writing dossiers from and to clients.</summary>
    public static JsonSerializerOptions Options { get; } = CreateOptions(bounded: true);

    /// <summary>
    /// The same contract for records the store wrote itself: instants and durations are not bounded, so a draft
    /// holding any value the domain accepts is read back as it was written.
    /// </summary>
    public static JsonSerializerOptions StorageOptions { get; } = CreateOptions(bounded: false);

    private static JsonSerializerOptions CreateOptions(bool bounded)
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            PropertyNameCaseInsensitive = false,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            AllowDuplicateProperties = false,
            AllowTrailingCommas = false,
            ReadCommentHandling = JsonCommentHandling.Disallow,
            NumberHandling = JsonNumberHandling.Strict,
            MaxDepth = MaxDepth,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            // Dossiers are served as application/json, never inlined into HTML, so "→" and "—" stay readable.
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        options.Converters.Add(new StrictEnumConverterFactory());
        options.Converters.Add(new InstantConverter(bounded));
        options.Converters.Add(new DurationConverter(bounded));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    /// <summary>A JSON value the contract does not accept, with a message for people (the serializer adds the path).</summary>
    internal sealed class ContractException(string message) : JsonException(message);

    /// <summary>Enums by exact name (any case); numbers, numeric strings and comma lists are refused.</summary>
    private sealed class StrictEnumConverterFactory : JsonConverterFactory
    {
        public override bool CanConvert(Type typeToConvert) => typeToConvert.IsEnum;

        public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
            (JsonConverter)Activator.CreateInstance(typeof(StrictEnumConverter<>).MakeGenericType(typeToConvert))!;
    }

    private sealed class StrictEnumConverter<TEnum> : JsonConverter<TEnum>
        where TEnum : struct, Enum
    {
        private static readonly string[] Names = Enum.GetNames<TEnum>();

        public override TEnum Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType == JsonTokenType.String)
            {
                var text = reader.GetString();
                var name = Array.Find(Names, n => string.Equals(n, text, StringComparison.OrdinalIgnoreCase));
                if (name is not null)
                {
                    return Enum.Parse<TEnum>(name);
                }
            }

            throw new ContractException($"Expected one of {string.Join(", ", Names)}.");
        }

        public override void Write(Utf8JsonWriter writer, TEnum value, JsonSerializerOptions options)
        {
            ArgumentNullException.ThrowIfNull(writer);
            writer.WriteStringValue(Enum.IsDefined(value) ? value.ToString() : throw new JsonException($"{value} is not a {typeof(TEnum).Name}."));
        }
    }

    /// <summary>Instants: ISO 8601 with a date, a time and an offset ("Z" or ±hh:mm); a local time without offset is ambiguous.</summary>
    private sealed class InstantConverter(bool bounded) : JsonConverter<DateTimeOffset>
    {
        private static readonly string[] Formats =
        [
            "yyyy-MM-dd'T'HH:mmK", "yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK",
        ];

        public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var text = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            if (text is null
                || !text.EndsWith('Z') && !HasNumericOffset(text)
                || !DateTimeOffset.TryParseExact(text, Formats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var value))
            {
                throw new ContractException("Expected an instant in ISO 8601 with an offset, e.g. 2026-05-23T22:00:00+01:00 or 2026-05-23T21:00:00Z.");
            }

            var utc = value.ToUniversalTime();
            return bounded && utc.Year is < MinYear or > MaxYear
                ? throw new ContractException($"The instant must lie between the years {MinYear} and {MaxYear}.")
                : utc;
        }

        public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options)
        {
            ArgumentNullException.ThrowIfNull(writer);
            // An instant keeps the offset it is given: the mapper gives a change's instants its zone's offset, so
            // readers see local times; anything else is UTC and written with "Z".
            writer.WriteStringValue(value.Offset == TimeSpan.Zero
                ? value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture)
                : value.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture));
        }

        private static bool HasNumericOffset(string text) =>
            text.Length > 6 && text[^3] == ':' && text[^6] is '+' or '-';
    }

    /// <summary>Durations in ISO 8601 (<c>PT45M</c>, <c>-PT32H</c>, <c>P1DT2H</c>); years and months are refused as they have no fixed length.</summary>
    private sealed class DurationConverter(bool bounded) : JsonConverter<TimeSpan>
    {
        public override TimeSpan Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            // The dossier takes ISO 8601 only; the old hh:mm:ss form is the catalogue's legacy, not the contract's.
            if (reader.TokenType != JsonTokenType.String || !Durations.TryParseIso(reader.GetString(), out var value))
            {
                throw new ContractException("Expected an ISO 8601 duration in days, hours, minutes or seconds, e.g. PT45M or -PT32H.");
            }

            return bounded && value.Duration() > MaxDuration
                ? throw new ContractException($"A duration may not exceed {MaxDuration.TotalDays:0} days.")
                : value;
        }

        public override void Write(Utf8JsonWriter writer, TimeSpan value, JsonSerializerOptions options)
        {
            ArgumentNullException.ThrowIfNull(writer);
            writer.WriteStringValue(Durations.Format(value));
        }
    }
}
