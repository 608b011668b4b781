using System.Text;
using System.Text.Json.Nodes;
using ChangeFlow.Application.Changes;
using ChangeFlow.Application.Changes.Dossier;
using ChangeFlow.Domain.Common;
using ChangeFlow.Domain.Demo;

namespace ChangeFlow.Application.Tests.Changes.Dossier;

/// <summary>
/// Hundreds of hostile variants of the seed dossier: whatever arrives, the parser answers with errors that carry a
/// path and a known code, never with an exception; and whatever it accepts can be stored and read back.
/// </summary>
public sealed class DossierFuzzTests
{
    private const int Payloads = 800;

    private static readonly string[] Codes =
    [
        ErrorCodes.Required, ErrorCodes.Invalid, ErrorCodes.OutOfRange, ErrorCodes.OutOfOrder, ErrorCodes.Duplicate, ErrorCodes.Unknown,
    ];

    private static readonly Func<Random, JsonNode?>[] HostileValues =
    [
        _ => 42, _ => -1, _ => 1e300, _ => -0.5, _ => true, _ => false, _ => null, _ => "", _ => "   ",
        _ => new string('x', 20_001), _ => new JsonArray(), _ => new JsonObject(), _ => new JsonArray(1, "two", null),
        _ => new JsonObject { ["unexpected"] = 1 }, _ => "2026-05-23T22:00:00", _ => "2026-05-23", _ => "0001-01-01T00:00:00Z",
        _ => "9999-12-31T23:59:59+14:00", _ => "Mars/Olympus", _ => "Africa/Lagos", _ => "-PT1H", _ => "P9999D", _ => "PT0S",
        _ => "\u0000\u001f", _ => "<script>alert(1)</script>", _ => "'; DROP TABLE changes; --", _ => "Normal", _ => "Critical",
        _ => "RFC-2026-014", _ => "step-1", r => r.Next(int.MinValue, int.MaxValue), r => new string('é', r.Next(190, 260)),
    ];

    [Fact]
    public void Parse_NeverThrows_AndAlwaysGivesPathsAndCodes_WhenPayloadsAreHostile()
    {
        var random = new Random(20260503);
        var seed = Encoding.UTF8.GetBytes(DossierRoundTripTests.SeedJson());
        var options = new DossierReadOptions { Number = DemoData.Rfc2026014Number };
        var refused = 0;
        var kinds = new HashSet<string>();

        for (var i = 0; i < Payloads; i++)
        {
            var (kind, payload) = Mutate(random, seed);
            kinds.Add(kind);
            var result = i % 2 == 0 ? DossierParser.Parse(payload, options) : DossierParser.Parse(Encoding.UTF8.GetString(payload), options);

            if (result.IsSuccess)
            {
                // What is accepted must be storable and come back the same.
                var record = new ChangeRecord { Change = result.Value, CreatedBy = "fuzz", Version = 1 };
                var json = ChangeRecordJson.Serialize(record);
                Assert.Equal(json, ChangeRecordJson.Serialize(ChangeRecordJson.Deserialize(json)));
                continue;
            }

            refused++;
            Assert.All(result.Errors, error =>
            {
                Assert.NotNull(error.Path);
                Assert.Contains(error.Code, Codes);
                Assert.False(string.IsNullOrWhiteSpace(error.Message), $"{kind}: an error without a message at '{error.Path}'.");
            });
        }

        Assert.True(refused > Payloads / 2, $"Only {refused} of {Payloads} hostile payloads were refused.");
        Assert.True(kinds.Count >= 10, $"Only {kinds.Count} kinds of mutation ran.");
    }

    private static (string Kind, byte[] Payload) Mutate(Random random, byte[] seed)
    {
        switch (random.Next(12))
        {
            case 0:
                return ("truncate", seed[..random.Next(seed.Length)]);
            case 1:
            {
                var bytes = (byte[])seed.Clone();
                bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
                return ("flip-byte", bytes);
            }

            case 2:
            {
                var at = random.Next(seed.Length);
                byte[][] junk = [[0xFF], [0xC3, 0x28], [0xED, 0xA0, 0x80], "\\uZZZZ"u8.ToArray(), "\\ud800"u8.ToArray(), [0x00], "\"a\":1,"u8.ToArray()];
                return ("insert-bytes", [.. seed[..at], .. junk[random.Next(junk.Length)], .. seed[at..]]);
            }

            default:
            {
                var root = JsonNode.Parse(seed)!;
                var kind = MutateTree(random, root);
                return (kind, Encoding.UTF8.GetBytes(root.ToJsonString()));
            }
        }
    }

    private static string MutateTree(Random random, JsonNode root)
    {
        var slots = new List<(JsonNode Parent, string? Key, int Index)>();
        Collect(root, slots);
        var (parent, key, index) = slots[random.Next(slots.Count)];
        switch (random.Next(9))
        {
            case 0:
            case 1:
            case 2:
                Set(parent, key, index, HostileValues[random.Next(HostileValues.Length)](random));
                return "hostile-value";
            case 3:
                if (parent is JsonObject removeFrom && key is not null)
                {
                    removeFrom.Remove(key);
                }

                return "remove";
            case 4:
                (parent as JsonObject ?? root.AsObject())["unknown" + random.Next(10)] = "surprise";
                return "unknown-property";
            case 5:
            {
                JsonNode nested = new JsonArray();
                for (var depth = 0; depth < random.Next(10, 120); depth++)
                {
                    nested = random.Next(2) == 0 ? new JsonArray(nested) : new JsonObject { ["n"] = nested };
                }

                Set(parent, key, index, nested);
                return "deep-nesting";
            }

            case 6:
                if (parent is JsonArray array && array.Count > 0)
                {
                    var item = array[0]?.DeepClone();
                    for (var n = random.Next(2) == 0 ? 3 : 250; n > 0; n--)
                    {
                        array.Add(item?.DeepClone());
                    }
                }

                return "grow-list";
            case 7:
            {
                var window = root["window"]!.AsObject();
                (window["start"], window["end"]) = (window["end"]?.DeepClone(), window["start"]?.DeepClone());
                return "end-before-start";
            }

            default:
                foreach (var step in root["implementationPlan"]!["steps"]!.AsArray())
                {
                    step!["id"] = "same";
                }

                return "duplicate-step-ids";
        }
    }

    private static void Collect(JsonNode node, List<(JsonNode, string?, int)> slots)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, child) in obj.ToList())
                {
                    slots.Add((obj, name, -1));
                    if (child is not null)
                    {
                        Collect(child, slots);
                    }
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    slots.Add((array, null, i));
                    if (array[i] is { } child)
                    {
                        Collect(child, slots);
                    }
                }

                break;
        }
    }

    private static void Set(JsonNode parent, string? key, int index, JsonNode? value)
    {
        if (key is not null)
        {
            parent[key] = value;
        }
        else
        {
            parent[index] = value;
        }
    }
}
