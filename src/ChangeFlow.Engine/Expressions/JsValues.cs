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

    public static JsonNode? ToNode(JsValue value, int depth = 0)
    {
        if (depth > 64)
        {
            throw new ExpressionException("ScriptError", "The script returned a value nested deeper than 64 levels.");
        }

        switch (value)
        {
            case null:
                return null;
            case JsString:
                return JsonValue.Create(value.AsString());
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
                var list = new JsonArray();
                var length = array.Length;
                for (uint i = 0; i < length; i++)
                {
                    list.Add(ToNode(array.Get(i), depth + 1));
                }

                return list;
            case Function:
                return null;
            case ObjectInstance obj:
                var result = new JsonObject();
                foreach (var key in obj.GetOwnPropertyKeys(Jint.Runtime.Types.String))
                {
                    var property = obj.Get(key);
                    if (property is Function || property.IsUndefined())
                    {
                        continue;
                    }

                    result[key.AsString()] = ToNode(property, depth + 1);
                }

                return result;
            default:
                return value.IsUndefined() || value.IsNull() ? null : JsonValue.Create(value.ToString());
        }
    }
}
