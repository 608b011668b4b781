using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ChangeFlow.Domain.Common;

namespace ChangeFlow.Web.Api;

/// <summary>
/// Reads the small JSON bodies of commands (an expected state, a note, an outcome) so that every problem — not JSON,
/// not an object, an unknown or mistyped member, an over-long text — is a 400 naming its field, never an exception.
/// </summary>
public sealed class CommandBody
{
    /// <summary>The largest command body read, in bytes; dossiers have their own, larger limit.</summary>
    public const int MaxBytes = 1_100_000;

    /// <summary>Pass as the only allowed member to accept any member (the caller validates them itself).</summary>
    public const string AnyMember = "*";

    /// <summary>The longest free text (note, comment) accepted.</summary>
    public const int MaxTextLength = 10_000;

    // A member given twice would make JsonObject throw when first enumerated (a 500); refuse it while parsing instead.
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 32, CommentHandling = JsonCommentHandling.Disallow, AllowTrailingCommas = false, AllowDuplicateProperties = false };

    private readonly JsonObject _body;

    private CommandBody(JsonObject body, byte[] raw)
    {
        _body = body;
        Raw = raw;
    }

    /// <summary>Problems found so far, by field path.</summary>
    public List<DomainError> Errors { get; } = [];

    /// <summary>The body as received.</summary>
    public byte[] Raw { get; }

    /// <summary>
    /// Reads the body as a JSON object whose members are all in <paramref name="allowed"/>. An empty body counts as
    /// <c>{}</c> when <paramref name="emptyAllowed"/>. Returns the body, or the problem to answer with.
    /// </summary>
    public static async Task<(CommandBody? Body, IResult? Problem)> ReadAsync(HttpRequest request, bool emptyAllowed, params string[] allowed)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ContentLength > MaxBytes)
        {
            return (null, ApiResults.Invalid(string.Empty, ErrorCodes.OutOfRange, $"The body is larger than {MaxBytes} bytes."));
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0)
        {
            if (buffer.Length + read > MaxBytes)
            {
                return (null, ApiResults.Invalid(string.Empty, ErrorCodes.OutOfRange, $"The body is larger than {MaxBytes} bytes."));
            }

            buffer.Write(chunk, 0, read);
        }

        var raw = buffer.ToArray();
        if (raw.Length == 0 || raw.All(b => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
        {
            return emptyAllowed
                ? (new CommandBody([], raw), null)
                : (null, ApiResults.Invalid(string.Empty, ErrorCodes.Required, "A JSON object is required as the body."));
        }

        if (request.ContentType is { } type && !type.Contains("json", StringComparison.OrdinalIgnoreCase))
        {
            return (null, ApiResults.Invalid(string.Empty, ErrorCodes.Invalid, "The body must be JSON (Content-Type: application/json)."));
        }

        JsonNode? node;
        try
        {
            _ = new UTF8Encoding(false, throwOnInvalidBytes: true).GetCharCount(raw);
            node = JsonNode.Parse(raw, documentOptions: DocumentOptions);
        }
        catch (InvalidOperationException)
        {
            // The parser's duplicate check unescapes member names and throws this for a lone surrogate (\udc00).
            return (null, ApiResults.Invalid(string.Empty, ErrorCodes.Invalid, "A member name has an escaped half of a surrogate pair and is not valid Unicode."));
        }
        catch (Exception ex) when (ex is JsonException or DecoderFallbackException or ArgumentException)
        {
            var where = ex is JsonException json && json.LineNumber is { } line ? $" (line {line + 1}, byte {json.BytePositionInLine + 1})" : string.Empty;
            return ex is JsonException && ex.Message.Contains("Duplicate", StringComparison.OrdinalIgnoreCase)
                ? (null, ApiResults.Invalid(ex is JsonException { Path: { Length: > 2 } path } ? path.TrimStart('$', '.') : string.Empty, ErrorCodes.Duplicate, $"A member appears twice{where}."))
                : (null, ApiResults.Invalid(string.Empty, ErrorCodes.Invalid, $"The body is not valid JSON{where}."));
        }

        if (node is not JsonObject body)
        {
            return (null, ApiResults.Invalid(string.Empty, ErrorCodes.Invalid, "The body must be a JSON object."));
        }

        if (FindBrokenText(body, string.Empty) is { } broken)
        {
            return (null, ApiResults.Invalid(broken, ErrorCodes.Invalid, "The text has an escaped half of a surrogate pair (\\ud800) and is not valid Unicode."));
        }

        var result = new CommandBody(body, raw);
        foreach (var (name, _) in allowed is [AnyMember] ? [] : body)
        {
            if (!allowed.Contains(name, StringComparer.Ordinal))
            {
                result.Errors.Add(new DomainError(name, ErrorCodes.Unknown, $"Unknown member '{name}'; expected {(allowed.Length == 0 ? "none" : string.Join(", ", allowed))}."));
            }
        }

        return (result, null);
    }

    /// <summary>
    /// The path of the first string (or member name) that is valid JSON but not valid Unicode, such as a lone
    /// <c>\ud800</c> escape; reading it later would throw. Null when every text is whole.
    /// </summary>
    private static string? FindBrokenText(JsonNode node, string path)
    {
        try
        {
            switch (node)
            {
                case JsonObject obj:
                    foreach (var (name, child) in obj)
                    {
                        var childPath = path.Length == 0 ? name : $"{path}.{name}";
                        if (child is not null && FindBrokenText(child, childPath) is { } found)
                        {
                            return found;
                        }
                    }

                    return null;
                case JsonArray array:
                    for (var i = 0; i < array.Count; i++)
                    {
                        if (array[i] is { } child && FindBrokenText(child, $"{path}[{i}]") is { } found)
                        {
                            return found;
                        }
                    }

                    return null;
                case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                    _ = value.GetValue<string>();
                    return null;
                default:
                    return null;
            }
        }
        catch (InvalidOperationException)
        {
            return path;
        }
    }

    /// <summary>The raw JSON of a member, or null when absent or null.</summary>
    public JsonNode? Node(string name) => _body.TryGetPropertyValue(name, out var value) ? value : null;

    /// <summary>A text member; null when absent. Reports a wrong type, a missing required value or an over-long one.</summary>
    public string? Text(string name, bool required = false, int maxLength = MaxTextLength)
    {
        var node = Node(name);
        if (node is null)
        {
            if (required)
            {
                Errors.Add(new DomainError(name, ErrorCodes.Required, $"'{name}' is required."));
            }

            return null;
        }

        if (node is not JsonValue value || !value.TryGetValue<string>(out var text))
        {
            Errors.Add(new DomainError(name, ErrorCodes.Invalid, $"'{name}' must be a string."));
            return null;
        }

        if (text.Length > maxLength)
        {
            Errors.Add(new DomainError(name, ErrorCodes.OutOfRange, $"'{name}' is longer than {maxLength} characters."));
            return null;
        }

        if (required && string.IsNullOrWhiteSpace(text))
        {
            Errors.Add(new DomainError(name, ErrorCodes.Required, $"'{name}' must not be empty."));
            return null;
        }

        return text;
    }

    /// <summary>A Boolean member, <paramref name="fallback"/> when absent.</summary>
    public bool Flag(string name, bool fallback = false)
    {
        var node = Node(name);
        if (node is null)
        {
            return fallback;
        }

        if (node is JsonValue value && value.TryGetValue<bool>(out var flag))
        {
            return flag;
        }

        Errors.Add(new DomainError(name, ErrorCodes.Invalid, $"'{name}' must be true or false."));
        return fallback;
    }

    /// <summary>An enum member given by name (case-insensitive); reports unknown names with the allowed ones.</summary>
    public TEnum? Enum<TEnum>(string name, bool required = false)
        where TEnum : struct, Enum
    {
        var text = Text(name, required, 100);
        if (text is null)
        {
            return null;
        }

        if (QueryValues.TryParseName<TEnum>(text, out var parsed))
        {
            return parsed;
        }

        Errors.Add(new DomainError(name, ErrorCodes.Invalid, $"'{text}' is not one of {string.Join(", ", System.Enum.GetNames<TEnum>())}."));
        return null;
    }

    /// <summary>An object member (e.g. free-form task data), null when absent.</summary>
    public JsonObject? Object(string name)
    {
        var node = Node(name);
        if (node is null or JsonObject)
        {
            return (JsonObject?)node;
        }

        Errors.Add(new DomainError(name, ErrorCodes.Invalid, $"'{name}' must be a JSON object."));
        return null;
    }
}
