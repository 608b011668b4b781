using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml;
using ChangeFlow.Engine.Model;

namespace ChangeFlow.Engine.Expressions;

/// <summary>
/// Converts JSON values to a declared <see cref="DataType"/>. Values stay JSON (<see cref="JsonNode"/>) so that
/// instance state round-trips without loss: durations and instants are canonical strings.
/// </summary>
public static class ValueConverter
{
    /// <summary>Converts <paramref name="value"/> or explains why it cannot be.</summary>
    public static bool TryConvert(JsonNode? value, DataType type, IReadOnlyList<string>? options, out JsonNode? result, out string? error)
    {
        error = null;
        result = null;
        if (value is null)
        {
            return true;
        }

        switch (type)
        {
            case DataType.Object:
                result = value.DeepClone();
                return true;
            case DataType.String:
                result = JsonValue.Create(AsText(value));
                return true;
            case DataType.Boolean:
                if (TryGetBoolean(value, out var b))
                {
                    result = JsonValue.Create(b);
                    return true;
                }

                break;
            case DataType.Int32:
                if (TryGetDecimal(value, out var i32) && i32 == decimal.Truncate(i32) && i32 >= int.MinValue && i32 <= int.MaxValue)
                {
                    result = JsonValue.Create((int)i32);
                    return true;
                }

                break;
            case DataType.Int64:
                if (TryGetDecimal(value, out var i64) && i64 == decimal.Truncate(i64) && i64 >= long.MinValue && i64 <= long.MaxValue)
                {
                    result = JsonValue.Create((long)i64);
                    return true;
                }

                break;
            case DataType.Double:
                if (TryGetDouble(value, out var d))
                {
                    result = JsonValue.Create(d);
                    return true;
                }

                break;
            case DataType.Decimal:
                if (TryGetDecimal(value, out var m))
                {
                    result = JsonValue.Create(m);
                    return true;
                }

                break;
            case DataType.TimeSpan:
                if (TryParseTimeSpan(value, out var span))
                {
                    result = JsonValue.Create(span.ToString("c", CultureInfo.InvariantCulture));
                    return true;
                }

                break;
            case DataType.DateTime:
                if (TryParseInstant(value, out var instant))
                {
                    // Canonical means UTC: the same instant written with different offsets must give equal values.
                    result = JsonValue.Create(instant.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture));
                    return true;
                }

                break;
            case DataType.StringList:
                if (TryGetStringList(value, out var list))
                {
                    var array = new JsonArray();
                    foreach (var item in list)
                    {
                        array.Add(item);
                    }

                    result = array;
                    return true;
                }

                break;
            case DataType.Enum:
                var text = AsText(value).Trim();
                if (options is null || options.Count == 0)
                {
                    result = JsonValue.Create(text);
                    return true;
                }

                foreach (var option in options)
                {
                    if (string.Equals(option, text, StringComparison.OrdinalIgnoreCase))
                    {
                        result = JsonValue.Create(option);
                        return true;
                    }
                }

                error = $"'{text}' is not one of {string.Join(", ", options)}";
                return false;
        }

        error = $"{Describe(value)} is not a valid {DataTypeNames.ToTypeName(type)}";
        return false;
    }

    /// <summary>Converts or throws <see cref="ExpressionException"/> with code <c>ConversionError</c>.</summary>
    public static JsonNode? Convert(JsonNode? value, DataType type, IReadOnlyList<string>? options = null) =>
        TryConvert(value, type, options, out var result, out var error)
            ? result
            : throw new ExpressionException("ConversionError", error!);

    /// <summary>The text of a value: strings as they are, others as invariant JSON.</summary>
    public static string AsText(JsonNode? value) => value switch
    {
        null => "",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonValue v when v.GetValueKind() == JsonValueKind.True => "true",
        JsonValue v when v.GetValueKind() == JsonValueKind.False => "false",
        _ => value.ToJsonString(),
    };

    /// <summary>JavaScript-like truthiness for conditions written as any value.</summary>
    public static bool TryGetBoolean(JsonNode? value, out bool result)
    {
        result = false;
        if (value is not JsonValue v)
        {
            return false;
        }

        switch (v.GetValueKind())
        {
            case JsonValueKind.True:
                result = true;
                return true;
            case JsonValueKind.False:
                return true;
            case JsonValueKind.String:
                return bool.TryParse(v.GetValue<string>().Trim(), out result);
            default:
                return false;
        }
    }

    /// <summary>Reads a number, or a string holding an invariant number.</summary>
    public static bool TryGetDecimal(JsonNode? value, out decimal result)
    {
        result = 0;
        if (value is not JsonValue v)
        {
            return false;
        }

        return v.GetValueKind() switch
        {
            JsonValueKind.Number => TryGetNumber(v, out result),
            JsonValueKind.String => decimal.TryParse(v.GetValue<string>().Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out result),
            _ => false,
        };
    }

    /// <summary>
    /// Reads any JSON number as decimal, whatever CLR type backs the node (a parsed element, or an int, long,
    /// double... set by code), since <see cref="JsonValue.TryGetValue{T}"/> only converts between exact types.
    /// </summary>
    public static bool TryGetNumber(JsonValue value, out decimal result)
    {
        result = 0;
        if (value.TryGetValue(out decimal m))
        {
            result = m;
            return true;
        }

        if (value.TryGetValue(out int i))
        {
            result = i;
            return true;
        }

        if (value.TryGetValue(out long l))
        {
            result = l;
            return true;
        }

        if (value.TryGetValue(out double d))
        {
            return TryFromDouble(d, out result);
        }

        if (value.TryGetValue(out float f))
        {
            return TryFromDouble(f, out result);
        }

        if (value.TryGetValue(out JsonElement element) && element.ValueKind == JsonValueKind.Number)
        {
            return element.TryGetDecimal(out result) || (element.TryGetDouble(out var ed) && TryFromDouble(ed, out result));
        }

        return false;
    }

    /// <summary>Reads any JSON number as double.</summary>
    public static bool TryGetNumber(JsonValue value, out double result)
    {
        if (value.TryGetValue(out result))
        {
            return true;
        }

        if (value.TryGetValue(out JsonElement element) && element.ValueKind == JsonValueKind.Number)
        {
            return element.TryGetDouble(out result);
        }

        if (TryGetNumber(value, out decimal m))
        {
            result = (double)m;
            return true;
        }

        return false;
    }

    private static bool TryFromDouble(double value, out decimal result)
    {
        result = 0;
        if (double.IsNaN(value) || double.IsInfinity(value) || Math.Abs(value) > (double)decimal.MaxValue)
        {
            return false;
        }

        result = (decimal)value;
        return true;
    }

    private static bool TryGetDouble(JsonNode value, out double result)
    {
        result = 0;
        if (value is not JsonValue v)
        {
            return false;
        }

        return v.GetValueKind() switch
        {
            JsonValueKind.Number => TryGetNumber(v, out result),
            JsonValueKind.String => double.TryParse(v.GetValue<string>().Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out result),
            _ => false,
        };
    }

    /// <summary>Reads <c>d.hh:mm:ss[.fff]</c> or ISO 8601 durations (<c>PT30M</c>).</summary>
    public static bool TryParseTimeSpan(JsonNode? value, out TimeSpan result)
    {
        result = default;
        if (value is not JsonValue v || v.GetValueKind() != JsonValueKind.String)
        {
            return false;
        }

        var text = v.GetValue<string>().Trim();
        if (TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out result))
        {
            return true;
        }

        if (text.StartsWith('P') || text.StartsWith("-P", StringComparison.Ordinal))
        {
            try
            {
                result = XmlConvert.ToTimeSpan(text);
                return true;
            }
            catch (FormatException)
            {
                return false;
            }
        }

        return false;
    }

    /// <summary>Reads an ISO 8601 instant; one without an offset is taken as UTC.</summary>
    public static bool TryParseInstant(JsonNode? value, out DateTimeOffset result)
    {
        result = default;
        if (value is not JsonValue v || v.GetValueKind() != JsonValueKind.String)
        {
            return false;
        }

        return DateTimeOffset.TryParse(
            v.GetValue<string>().Trim(),
            CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces,
            out result);
    }

    /// <summary>Reads a JSON array of strings, JSON array text, or a comma/semicolon separated list.</summary>
    public static bool TryGetStringList(JsonNode? value, out List<string> result)
    {
        result = [];
        switch (value)
        {
            case JsonArray array:
                foreach (var item in array)
                {
                    result.Add(AsText(item));
                }

                return true;
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                var text = v.GetValue<string>().Trim();
                if (text.StartsWith('['))
                {
                    try
                    {
                        return JsonNode.Parse(text) is JsonArray parsed && TryGetStringList(parsed, out result);
                    }
                    catch (JsonException)
                    {
                        return false;
                    }
                }

                foreach (var part in text.Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    result.Add(part);
                }

                return true;
            case JsonValue v:
                result.Add(AsText(v));
                return true;
            default:
                return false;
        }
    }

    private static string Describe(JsonNode value)
    {
        var text = value.ToJsonString();
        return text.Length > 60 ? text[..57] + "..." : text;
    }
}
