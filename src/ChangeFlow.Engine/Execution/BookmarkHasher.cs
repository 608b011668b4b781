using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ChangeFlow.Engine.Execution;

/// <summary>
/// Computes the hash that stimuli are matched against: SHA-256 over the bookmark name and its payload written
/// canonically (object keys sorted ordinally, no whitespace), so that equal payloads hash equally whatever their key order.
/// </summary>
public static class BookmarkHasher
{
    /// <summary>Hashes a name and payload to lower-case hex.</summary>
    public static string Compute(string name, JsonNode? payload)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            writer.WriteStringValue(name);
            WriteCanonical(writer, payload);
            writer.WriteEndArray();
        }

        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(buffer.WrittenSpan, hash);
        return Convert.ToHexStringLower(hash);
    }

    /// <summary>Writes a node with sorted object keys.</summary>
    public static void WriteCanonical(Utf8JsonWriter writer, JsonNode? node)
    {
        switch (node)
        {
            case null:
                writer.WriteNullValue();
                break;
            case JsonObject obj:
                writer.WriteStartObject();
                foreach (var (key, value) in obj.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(key);
                    WriteCanonical(writer, value);
                }

                writer.WriteEndObject();
                break;
            case JsonArray array:
                writer.WriteStartArray();
                foreach (var item in array)
                {
                    WriteCanonical(writer, item);
                }

                writer.WriteEndArray();
                break;
            default:
                node.WriteTo(writer);
                break;
        }
    }

    /// <summary>The canonical text of a node (sorted keys, no whitespace).</summary>
    public static string ToCanonicalString(JsonNode? node)
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteCanonical(writer, node);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
