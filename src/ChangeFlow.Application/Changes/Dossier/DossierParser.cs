using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using ChangeFlow.Domain.Changes;
using ChangeFlow.Domain.Common;

namespace ChangeFlow.Application.Changes.Dossier;

/// <summary>
/// Reads a dossier from raw JSON, the way the API receives it. Whatever the bytes are (malformed JSON, invalid
/// UTF-8, wrong types, unknown or duplicate properties, nesting too deep, values too large), the answer is a
/// <see cref="Result{T}"/> whose errors carry the JSON path at fault; no input makes it throw.
/// </summary>
/// <remarks>
/// Shape errors stop at the first one, as the JSON reader cannot go on past it; once the shape is right, every
/// limit and domain error is reported together (<see cref="DossierMapper.ToChangeRequest"/>).
/// </remarks>
public static partial class DossierParser
{
    /// <summary>Parses and maps a dossier given as text.</summary>
    public static Result<ChangeRequest> Parse(string? json, DossierReadOptions? options = null)
    {
        var dto = ReadDto(json, options?.PathPrefix ?? string.Empty);
        return dto.IsSuccess ? DossierMapper.ToChangeRequest(dto.Value, options) : Result.Failure<ChangeRequest>(dto.Errors);
    }

    /// <summary>Parses and maps a dossier given as UTF-8 bytes.</summary>
    public static Result<ChangeRequest> Parse(ReadOnlySpan<byte> utf8Json, DossierReadOptions? options = null)
    {
        var dto = ReadDto(utf8Json, options?.PathPrefix ?? string.Empty);
        return dto.IsSuccess ? DossierMapper.ToChangeRequest(dto.Value, options) : Result.Failure<ChangeRequest>(dto.Errors);
    }

    /// <summary>Reads the contract form only (shape, types, unknown properties), without mapping or validation.</summary>
    public static Result<ChangeDossierDto> ReadDto(string? json, string pathPrefix = "")
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return Result.Failure<ChangeDossierDto>(pathPrefix, ErrorCodes.Required, "A JSON object with the dossier is required.");
        }

        if (json.Length > DossierLimits.MaxPayloadBytes)
        {
            return TooLarge<ChangeDossierDto>(pathPrefix);
        }

        byte[] bytes;
        try
        {
            bytes = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetBytes(json);
        }
        catch (EncoderFallbackException)
        {
            return Result.Failure<ChangeDossierDto>(pathPrefix, ErrorCodes.Invalid, "The text contains an unpaired surrogate and is not valid Unicode.");
        }

        return ReadDto(bytes, pathPrefix);
    }

    /// <summary>Reads the contract form only from UTF-8 bytes.</summary>
    public static Result<ChangeDossierDto> ReadDto(ReadOnlySpan<byte> utf8Json, string pathPrefix = "") => Read<ChangeDossierDto>(utf8Json, pathPrefix, "dossier", DossierJson.Options);

    /// <summary>Deserializes any contract type strictly, turning every failure into an error with its path.</summary>
    internal static Result<T> Read<T>(ReadOnlySpan<byte> utf8Json, string pathPrefix, string what, JsonSerializerOptions options)
        where T : class
    {
        if (options == DossierJson.Options && utf8Json.Length > DossierLimits.MaxPayloadBytes)
        {
            return TooLarge<T>(pathPrefix);
        }

        try
        {
            var value = JsonSerializer.Deserialize<T>(utf8Json, options);
            return value is null
                ? Result.Failure<T>(pathPrefix, ErrorCodes.Required, $"A JSON object with the {what} is required, not null.")
                : Result.Success(value);
        }
        catch (JsonException ex)
        {
            return Result.Failure<T>(Prefix(pathPrefix, ToPath(ex.Path)), ErrorCodes.Invalid, Describe(ex));
        }
    }

    private static Result<T> TooLarge<T>(string pathPrefix) =>
        Result.Failure<T>(pathPrefix, ErrorCodes.OutOfRange, $"The body is larger than {DossierLimits.MaxPayloadBytes} bytes.");

    /// <summary>Turns the serializer's <c>$.a.b[2].c</c> into the domain's <c>a.b[2].c</c>.</summary>
    private static string ToPath(string? jsonPath)
    {
        if (string.IsNullOrEmpty(jsonPath) || jsonPath == "$")
        {
            return string.Empty;
        }

        return jsonPath.StartsWith("$.", StringComparison.Ordinal) ? jsonPath[2..] : jsonPath.TrimStart('$');
    }

    private static string Prefix(string prefix, string path) =>
        prefix.Length == 0 ? path : path.Length == 0 ? prefix : path.StartsWith('[') ? prefix + path : $"{prefix}.{path}";

    /// <summary>A sentence for people: the contract's own message, or the serializer's rephrased without .NET type names.</summary>
    private static string Describe(JsonException ex)
    {
        var where = ex.LineNumber is { } line ? $" (line {line + 1}, byte {ex.BytePositionInLine + 1})" : string.Empty;
        if (ex is DossierJson.ContractException)
        {
            return StripPathSuffix(ex.Message) + where;
        }

        var message = ex.Message;
        if (UnmappedProperty().Match(message) is { Success: true } unmapped)
        {
            return $"The property '{unmapped.Groups[1].Value}' is not part of the contract{where}.";
        }

        if (message.Contains("Duplicate", StringComparison.OrdinalIgnoreCase))
        {
            return $"A property appears twice{where}.";
        }

        if (message.Contains("maximum configured depth", StringComparison.OrdinalIgnoreCase))
        {
            return $"The JSON is nested deeper than {DossierJson.MaxDepth} levels{where}.";
        }

        if (ex.InnerException is InvalidOperationException { Message: var inner } && inner.Contains("UTF-8", StringComparison.Ordinal))
        {
            return $"The text is not valid UTF-8{where}.";
        }

        if (ConvertedTo().Match(message) is { Success: true } converted)
        {
            return $"Expected {Friendly(converted.Groups[1].Value)}{where}.";
        }

        return ex.InnerException is DecoderFallbackException or ArgumentException || message.Contains("UTF-8", StringComparison.OrdinalIgnoreCase)
            ? $"The body is not valid UTF-8{where}."
            : $"The body is not valid JSON{where}.";
    }

    private static string StripPathSuffix(string message)
    {
        var at = message.IndexOf(" Path: ", StringComparison.Ordinal);
        return at < 0 ? message : message[..at];
    }

    private static string Friendly(string typeName)
    {
        var inner = NullableOf().Match(typeName) is { Success: true } nullable ? nullable.Groups[1].Value : typeName;
        return inner switch
        {
            "System.String" => "a string",
            "System.Int32" or "System.Int64" => "a whole number",
            "System.Boolean" => "true or false",
            "System.DateOnly" => "a date (yyyy-MM-dd)",
            _ when inner.StartsWith("System.Collections", StringComparison.Ordinal) => "an array",
            _ => "an object",
        };
    }

    [GeneratedRegex("The JSON property '([^']*)' could not be mapped")]
    private static partial Regex UnmappedProperty();

    [GeneratedRegex("could not be converted to ([^ ]+?)\\.(?: |$)")]
    private static partial Regex ConvertedTo();

    [GeneratedRegex("^System\\.Nullable`1\\[([^\\]]+)\\]$")]
    private static partial Regex NullableOf();
}
