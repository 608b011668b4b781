using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Jint;
using Jint.Native;
using Jint.Native.Function;
using Jint.Native.Object;

namespace ChangeFlow.Engine.Expressions;

/// <summary>Converts between JSON values and Jint values (plain data only; no CLR objects cross into scripts).</summary>
internal static class JsValues
{
    public static JsValue FromNode(Jint.Engine engine, JsonNode? node)
    {
        switch (node)
        {
            case null:
                return JsValue.Null;
            case JsonObject obj:
                var target = new JsObject(engine);
                foreach (var (key, value) in obj)
                {
                    target.FastSetDataProperty(key, FromNode(engine, value));
                }

                return target;
            case JsonArray array:
                var items = new JsValue[array.Count];
                for (var i = 0; i < items.Length; i++)
                {
                    items[i] = FromNode(engine, array[i]);
                }

                return new JsArray(engine, items);
            case JsonValue value:
                return value.GetValueKind() switch
                {
                    JsonValueKind.String => new JsString(value.GetValue<string>()),
                    JsonValueKind.True => JsBoolean.True,
                    JsonValueKind.False => JsBoolean.False,
                    JsonValueKind.Number => new JsNumber(ValueConverter.TryGetNumber(value, out double d) ? d : double.NaN),
                    _ => JsValue.Null,
                };
            default:
                return JsValue.Undefined;
        }
    }

    /// <summary>
    /// Converts a script's value to JSON within <paramref name="limits"/>: at most
    /// <see cref="ScriptOptions.MaxResultValues"/> values (a child reached through several references counts each time),
    /// <see cref="ScriptOptions.MaxResultChars"/> characters and <see cref="ScriptOptions.MaxResultDepth"/> levels. Jint's
    /// own limits end with the evaluation; without these a sparse array (<c>a.length = 4294967295</c>) or a graph of
    /// shared children would be expanded by the host without any bound.
    /// </summary>
    /// <exception cref="ExpressionException">With code <c>ScriptResultTooLarge</c> when a limit is reached.</exception>
    public static JsonNode? ToNode(JsValue value, ScriptOptions limits, string path) => new Converter(limits, path).Convert(value, 0);

    private sealed class Converter(ScriptOptions limits, string path)
    {
        private long _values;
        private long _chars;

        public JsonNode? Convert(JsValue? value, int depth)
        {
            if (depth > limits.MaxResultDepth)
            {
                throw TooLarge($"nests deeper than {limits.MaxResultDepth} levels");
            }

            Count(1);
            switch (value)
            {
                case null:
                    return null;
                case JsString:
                    var text = value.AsString();
                    CountChars(text.Length);
                    return JsonValue.Create(text);
                case JsBoolean:
                    return JsonValue.Create(value.AsBoolean());
                case JsNumber:
                    var number = value.AsNumber();
                    if (double.IsNaN(number) || double.IsInfinity(number))
                    {
                        return null;
                    }

                    if (number == Math.Floor(number) && Math.Abs(number) < 9_007_199_254_740_992d)
                    {
                        return JsonValue.Create((long)number);
                    }

                    return JsonValue.Create(number);
                case JsDate date:
                    return JsonValue.Create(date.ToDateTime().ToUniversalTime().ToString("O", CultureInfo.InvariantCulture));
                case JsArray array:
                    // The length alone decides: a sparse array of four billion holes is refused before any item is read.
                    var length = array.Length;
                    Count(length);
                    _values -= length;
                    var list = new JsonArray();
                    for (uint i = 0; i < length; i++)
                    {
                        list.Add(Convert(array.Get(i), depth + 1));
                    }

                    return list;
                case Function:
                    return null;
                case ObjectInstance obj:
                    var keys = obj.GetOwnPropertyKeys(Jint.Runtime.Types.String);
                    Count(keys.Count);
                    _values -= keys.Count;
                    var result = new JsonObject();
                    foreach (var key in keys)
                    {
                        var property = obj.Get(key);
                        if (property is Function || property.IsUndefined())
                        {
                            continue;
                        }

                        var name = key.AsString();
                        CountChars(name.Length);
                        result[name] = Convert(property, depth + 1);
                    }

                    return result;
                default:
                    if (value.IsUndefined() || value.IsNull())
                    {
                        return null;
                    }

                    var other = value.ToString();
                    CountChars(other.Length);
                    return JsonValue.Create(other);
            }
        }

        private void Count(long values)
        {
            if (_values + values > limits.MaxResultValues)
            {
                throw TooLarge($"holds more than {limits.MaxResultValues} values");
            }

            _values += values;
        }

        private void CountChars(long chars)
        {
            _chars += chars;
            if (_chars > limits.MaxResultChars)
            {
                throw TooLarge($"holds more than {limits.MaxResultChars} characters");
            }
        }

        private ExpressionException TooLarge(string what) =>
            new("ScriptResultTooLarge", $"The JavaScript at {path} produced a value that {what} (shared references count each time they are reached) and was stopped.");
    }
}
