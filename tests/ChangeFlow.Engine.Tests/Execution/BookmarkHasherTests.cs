using System.Text.Json.Nodes;
using ChangeFlow.Engine.Execution;

namespace ChangeFlow.Engine.Tests.Execution;

public sealed class BookmarkHasherTests
{
    [Fact]
    public void Compute_IsTheSame_WhenOnlyTheKeyOrderDiffers_AtAnyDepth()
    {
        var one = JsonNode.Parse("{\"a\":1,\"b\":{\"x\":true,\"y\":[{\"p\":1,\"q\":2}]},\"c\":\"text\"}");
        var two = JsonNode.Parse("{\"c\":\"text\",\"b\":{\"y\":[{\"q\":2,\"p\":1}],\"x\":true},\"a\":1}");

        Assert.Equal(BookmarkHasher.Compute("Elsa.Event", one), BookmarkHasher.Compute("Elsa.Event", two));
        Assert.Equal(BookmarkHasher.ToCanonicalString(one), BookmarkHasher.ToCanonicalString(two));
        Assert.Equal("{\"a\":1,\"b\":{\"x\":true,\"y\":[{\"p\":1,\"q\":2}]},\"c\":\"text\"}", BookmarkHasher.ToCanonicalString(two));
    }

    [Fact]
    public void Compute_IsTheSame_WhenOnlyWhitespaceOrEscapingDiffers()
    {
        var built = new JsonObject { ["eventName"] = "approved" };
        var parsed = JsonNode.Parse("{\n  \"eventName\" :  \"appr\\u006fved\"\n}");

        Assert.Equal(BookmarkHasher.Compute("Elsa.Event", built), BookmarkHasher.Compute("Elsa.Event", parsed));
    }

    [Theory]
    [InlineData("Elsa.Event", "{\"eventName\":\"rejected\"}")]
    [InlineData("Elsa.Signal", "{\"eventName\":\"approved\"}")]
    [InlineData("Elsa.Event", "{\"eventname\":\"approved\"}")]
    [InlineData("Elsa.Event", "{\"eventName\":\"approved\",\"extra\":null}")]
    [InlineData("Elsa.Event", "{}")]
    [InlineData("Elsa.Event", "null")]
    [InlineData("Elsa.Event", "[\"approved\"]")]
    public void Compute_Differs_WhenTheNameOrAnyPartOfThePayloadDiffers(string name, string payload)
    {
        var reference = BookmarkHasher.Compute("Elsa.Event", new JsonObject { ["eventName"] = "approved" });

        Assert.NotEqual(reference, BookmarkHasher.Compute(name, JsonNode.Parse(payload)));
    }

    [Fact]
    public void Compute_Differs_WhenArrayOrderDiffers()
    {
        Assert.NotEqual(
            BookmarkHasher.Compute("n", JsonNode.Parse("[1,2]")),
            BookmarkHasher.Compute("n", JsonNode.Parse("[2,1]")));
    }

    [Fact]
    public void Compute_ReturnsSha256AsLowerCaseHex()
    {
        var hash = BookmarkHasher.Compute("Elsa.Event", new JsonObject { ["eventName"] = "approved" });

        Assert.Matches("^[0-9a-f]{64}$", hash);
        Assert.Equal(hash, BookmarkHasher.Compute("Elsa.Event", new JsonObject { ["eventName"] = "approved" }));
    }
}
