using System.Text;
using System.Text.Json.Nodes;
using ChangeFlow.Application.Changes.Dossier;
using ChangeFlow.Domain.Common;
using ChangeFlow.Domain.Demo;

namespace ChangeFlow.Application.Tests.Changes.Dossier;

/// <summary>Every kind of error the dossier contract reports, with the path it is reported at.</summary>
public sealed class DossierErrorTests
{
    private static readonly DossierReadOptions Options = new() { Number = DemoData.Rfc2026014Number };

    /// <summary>Payloads that are the seed dossier with one thing wrong, by name.</summary>
    private static readonly Dictionary<string, Func<string>> Payloads = new()
    {
        ["malformed"] = () => """{"title": """,
        ["trailing-comma"] = () => """{"title": "x",}""",
        ["comment"] = () => """{/* hi */ "title": "x"}""",
        ["top-level-null"] = () => "null",
        ["top-level-array"] = () => "[]",
        ["empty"] = () => "   ",
        ["title-number"] = () => Seed(j => j["title"] = 5),
        ["usersAffected-string"] = () => Seed(j => j["impact"]!["usersAffected"] = "65"),
        ["usersAffected-fraction"] = () => Seed(j => j["impact"]!["usersAffected"] = 6.5),
        ["usersAffected-huge"] = () => Seed(j => j["impact"]!["usersAffected"] = 1e30),
        ["steps-object"] = () => Seed(j => j["implementationPlan"]!["steps"] = new JsonObject()),
        ["unknown-root"] = () => Seed(j => j["priority"] = "P1"),
        ["unknown-nested"] = () => Seed(j => j["implementationPlan"]!["steps"]![2]!["owner"] = "DBA"),
        ["camel-case-only"] = () => Seed(j => { j["Title"] = j["title"]!.DeepClone(); j.AsObject().Remove("title"); }),
        ["duplicate-property"] = () => """{"title":"a","title":"b"}""",
        ["type-unknown-name"] = () => Seed(j => j["type"] = "Huge"),
        ["type-number"] = () => Seed(j => j["type"] = 2),
        ["type-numeric-string"] = () => Seed(j => j["type"] = "2"),
        ["type-comma-list"] = () => Seed(j => j["type"] = "Normal, Standard"),
        ["instant-without-offset"] = () => Seed(j => j["window"]!["start"] = "2026-05-23T22:00:00"),
        ["instant-impossible"] = () => Seed(j => j["window"]!["start"] = "2026-02-30T22:00:00Z"),
        ["instant-far-future"] = () => Seed(j => j["rollbackDecisionPoint"] = "9999-12-31T23:59:59Z"),
        ["date-wrong"] = () => Seed(j => j["communicationPlan"]![2]!["when"]!["date"] = "21/05/2026"),
        ["duration-prose"] = () => Seed(j => j["rollbackProcedure"]!["estimatedDuration"] = "45 minutes"),
        ["duration-months"] = () => Seed(j => j["rollbackProcedure"]!["estimatedDuration"] = "P1M"),
        ["duration-huge"] = () => Seed(j => j["impact"]!["duration"] = "P400D"),
        ["title-too-long"] = () => Seed(j => j["title"] = new string('t', 201)),
        ["justification-too-long"] = () => Seed(j => j["justification"] = new string('j', 10_001)),
        ["requestor-id-too-long"] = () => Seed(j => j["requestor"]!["id"] = new string('i', 201)),
        ["too-many-risks"] = () => Seed(j => j["riskRegister"] = new JsonArray([.. Enumerable.Range(0, 201).Select(_ => j["riskRegister"]![0]!.DeepClone())])),
        ["too-many-user-groups"] = () => Seed(j => j["impact"]!["userGroups"] = new JsonArray([.. Enumerable.Range(0, 201).Select(i => (JsonNode)$"g{i}")])),
        ["title-missing"] = () => Seed(j => j.AsObject().Remove("title")),
        ["title-blank"] = () => Seed(j => j["title"] = "  "),
        ["window-start-null"] = () => Seed(j => j["window"]!["start"] = null),
        ["window-end-before-start"] = () => Seed(j => j["window"]!["end"] = "2026-05-23T20:00:00Z"),
        ["zone-unknown"] = () => Seed(j => j["window"]!["timeZoneId"] = "Mars/Olympus_Mons"),
        ["zone-windows-id"] = () => Seed(j => j["window"]!["timeZoneId"] = "W. Central Africa Standard Time"),
        ["users-negative"] = () => Seed(j => j["impact"]!["usersAffected"] = -1),
        ["duration-negative"] = () => Seed(j => j["impact"]!["duration"] = "-PT1H"),
        ["step-ids-duplicate"] = () => Seed(j => j["implementationPlan"]!["steps"]![1]!["id"] = "pre-checks"),
        ["step-id-bad-characters"] = () => Seed(j => j["implementationPlan"]!["steps"]![1]!["id"] = "step one/two"),
        ["step-out-of-order"] = () => Seed(j => j["implementationPlan"]!["steps"]![2]!["plannedAt"] = "2026-05-23T20:00:00Z"),
        ["step-title-blank"] = () => Seed(j => j["implementationPlan"]!["steps"]![3]!["title"] = ""),
        ["step-null"] = () => Seed(j => j["implementationPlan"]!["steps"]![4] = null),
        ["risk-null"] = () => Seed(j => j["riskRegister"]![1] = null),
        ["risk-mitigation-missing"] = () => Seed(j => j["riskRegister"]![0]!.AsObject().Remove("mitigation")),
        ["decision-point-outside-window"] = () => Seed(j => j["rollbackDecisionPoint"] = "2026-05-24T07:00:00Z"),
        ["timing-kind-missing"] = () => Seed(j => j["communicationPlan"]![0]!["when"]!.AsObject().Remove("kind")),
        ["timing-field-of-other-kind"] = () => Seed(j => j["communicationPlan"]![2]!["when"]!["edge"] = "Start"),
        ["timing-at-missing"] = () => Seed(j => j["communicationPlan"]![0]!["when"] = new JsonObject { ["kind"] = "At" }),
        ["channel-null"] = () => Seed(j => j["communicationPlan"]![0]!["channels"]![0] = null),
        ["rollback-duration-missing"] = () => Seed(j => j["rollbackProcedure"]!.AsObject().Remove("estimatedDuration")),
        ["review-before-window-end"] = () => Seed(j => j["postImplementationReview"]!["scheduledAt"] = "2026-05-24T04:00:00Z"),
        ["bad-escape"] = () => """{"title": "\uZZZZ"}""",
        ["lone-surrogate-escape"] = () => """{"title": "\ud800"}""",
        ["deep-nesting"] = () => "{\"impact\":{\"downstreamServices\":[" + string.Concat(Enumerable.Repeat("[", 200)) + string.Concat(Enumerable.Repeat("]", 200)) + "]}}",
    };

    [Theory]
    [InlineData("malformed", "title", ErrorCodes.Invalid)]
    [InlineData("trailing-comma", "", ErrorCodes.Invalid)]
    [InlineData("comment", "", ErrorCodes.Invalid)]
    [InlineData("top-level-null", "", ErrorCodes.Required)]
    [InlineData("top-level-array", "", ErrorCodes.Invalid)]
    [InlineData("empty", "", ErrorCodes.Required)]
    [InlineData("title-number", "title", ErrorCodes.Invalid)]
    [InlineData("usersAffected-string", "impact.usersAffected", ErrorCodes.Invalid)]
    [InlineData("usersAffected-fraction", "impact.usersAffected", ErrorCodes.Invalid)]
    [InlineData("usersAffected-huge", "impact.usersAffected", ErrorCodes.Invalid)]
    [InlineData("steps-object", "implementationPlan.steps", ErrorCodes.Invalid)]
    [InlineData("unknown-root", "priority", ErrorCodes.Invalid)]
    [InlineData("unknown-nested", "implementationPlan.steps[2].owner", ErrorCodes.Invalid)]
    [InlineData("camel-case-only", "Title", ErrorCodes.Invalid)]
    [InlineData("duplicate-property", "title", ErrorCodes.Invalid)]
    [InlineData("type-unknown-name", "type", ErrorCodes.Invalid)]
    [InlineData("type-number", "type", ErrorCodes.Invalid)]
    [InlineData("type-numeric-string", "type", ErrorCodes.Invalid)]
    [InlineData("type-comma-list", "type", ErrorCodes.Invalid)]
    [InlineData("instant-without-offset", "window.start", ErrorCodes.Invalid)]
    [InlineData("instant-impossible", "window.start", ErrorCodes.Invalid)]
    [InlineData("instant-far-future", "rollbackDecisionPoint", ErrorCodes.Invalid)]
    [InlineData("date-wrong", "communicationPlan[2].when.date", ErrorCodes.Invalid)]
    [InlineData("duration-prose", "rollbackProcedure.estimatedDuration", ErrorCodes.Invalid)]
    [InlineData("duration-months", "rollbackProcedure.estimatedDuration", ErrorCodes.Invalid)]
    [InlineData("duration-huge", "impact.duration", ErrorCodes.Invalid)]
    [InlineData("title-too-long", "title", ErrorCodes.OutOfRange)]
    [InlineData("justification-too-long", "justification", ErrorCodes.OutOfRange)]
    [InlineData("requestor-id-too-long", "requestor.id", ErrorCodes.OutOfRange)]
    [InlineData("too-many-risks", "riskRegister", ErrorCodes.OutOfRange)]
    [InlineData("too-many-user-groups", "impact.userGroups", ErrorCodes.OutOfRange)]
    [InlineData("title-missing", "title", ErrorCodes.Required)]
    [InlineData("title-blank", "title", ErrorCodes.Required)]
    [InlineData("window-start-null", "window.start", ErrorCodes.Required)]
    [InlineData("window-end-before-start", "window.end", ErrorCodes.OutOfRange)]
    [InlineData("zone-unknown", "window.timeZoneId", ErrorCodes.Unknown)]
    [InlineData("zone-windows-id", "window.timeZoneId", ErrorCodes.Unknown)]
    [InlineData("users-negative", "impact.usersAffected", ErrorCodes.OutOfRange)]
    [InlineData("duration-negative", "impact.duration", ErrorCodes.OutOfRange)]
    [InlineData("step-ids-duplicate", "implementationPlan.steps[1].id", ErrorCodes.Duplicate)]
    [InlineData("step-id-bad-characters", "implementationPlan.steps[1].id", ErrorCodes.Invalid)]
    [InlineData("step-out-of-order", "implementationPlan.steps[2].plannedAt", ErrorCodes.OutOfOrder)]
    [InlineData("step-title-blank", "implementationPlan.steps[3].title", ErrorCodes.Required)]
    [InlineData("step-null", "implementationPlan.steps[4]", ErrorCodes.Required)]
    [InlineData("risk-null", "riskRegister[1]", ErrorCodes.Required)]
    [InlineData("risk-mitigation-missing", "riskRegister[0].mitigation", ErrorCodes.Required)]
    [InlineData("decision-point-outside-window", "rollbackDecisionPoint", ErrorCodes.OutOfRange)]
    [InlineData("timing-kind-missing", "communicationPlan[0].when.kind", ErrorCodes.Required)]
    [InlineData("timing-field-of-other-kind", "communicationPlan[2].when.edge", ErrorCodes.Invalid)]
    [InlineData("timing-at-missing", "communicationPlan[0].when.at", ErrorCodes.Required)]
    [InlineData("channel-null", "communicationPlan[0].channels[0]", ErrorCodes.Required)]
    [InlineData("rollback-duration-missing", "rollbackProcedure.estimatedDuration", ErrorCodes.Required)]
    [InlineData("review-before-window-end", "postImplementationReview.scheduledAt", ErrorCodes.OutOfRange)]
    [InlineData("bad-escape", "title", ErrorCodes.Invalid)]
    [InlineData("lone-surrogate-escape", "title", ErrorCodes.Invalid)]
    [InlineData("deep-nesting", "impact.downstreamServices[0]", ErrorCodes.Invalid)]
    public void Parse_ReportsTheErrorAtItsPath_WhenOneThingIsWrong(string payload, string path, string code)
    {
        var result = DossierParser.Parse(Payloads[payload](), Options);

        Assert.False(result.IsSuccess);
        Assert.Contains(result.Errors, e => e.Path == path && e.Code == code);
        Assert.All(result.Errors, e => Assert.False(string.IsNullOrWhiteSpace(e.Message)));
        Assert.DoesNotContain(result.Errors, e => e.Message.Contains("System.", StringComparison.Ordinal) || e.Message.Contains("ChangeFlow.", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_ReportsOnlyTheNullRow_WhenARowIsNull()
    {
        var result = DossierParser.Parse(Payloads["risk-null"](), Options);

        Assert.Equal(["riskRegister[1]"], result.Errors.Select(e => e.Path));
    }

    [Fact]
    public void Parse_ReportsEveryErrorAtOnce_WhenSeveralFieldsAreWrong()
    {
        var payload = Seed(j =>
        {
            j["title"] = "";
            j["window"]!["timeZoneId"] = "Nowhere/Else";
            j["riskRegister"]![3]!["probability"] = null;
            j["implementationPlan"]!["steps"]![2]!["plannedAt"] = "2026-05-23T20:00:00Z";
            j["implementationPlan"]!["steps"]![5]!["id"] = "db-dump";
            j["impact"]!["userGroups"]![1] = new string('g', 300);
            j["postImplementationReview"]!["attendees"] = new JsonArray();
        });

        var result = DossierParser.Parse(payload, Options);

        Assert.Equivalent(
            new[]
            {
                "title", "window.timeZoneId", "riskRegister[3].probability", "implementationPlan.steps[2].plannedAt",
                "implementationPlan.steps[5].id", "impact.userGroups[1]", "postImplementationReview.attendees",
            },
            result.Errors.Select(e => e.Path).Distinct().ToArray());
    }

    [Fact]
    public void Parse_PrefixesEveryPath_WhenTheDossierIsPartOfALargerBody()
    {
        var result = DossierParser.Parse(Seed(j => j["title"] = ""), Options with { PathPrefix = "dossier" });
        var shape = DossierParser.Parse("""{"title": 1}""", Options with { PathPrefix = "dossier" });

        Assert.Equal("dossier.title", Assert.Single(result.Errors).Path);
        Assert.Equal("dossier.title", Assert.Single(shape.Errors).Path);
    }

    [Fact]
    public void Parse_ReportsInvalidUtf8_WhenTheBytesAreNotUtf8()
    {
        var bytes = Encoding.UTF8.GetBytes("""{"title": "LIMS X"}""");
        bytes[13] = 0xFF;

        var result = DossierParser.Parse(bytes, Options);

        var error = Assert.Single(result.Errors);
        Assert.Equal(ErrorCodes.Invalid, error.Code);
        Assert.Contains("UTF-8", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_RefusesTheBody_WhenItIsLargerThanTheLimit()
    {
        var result = DossierParser.Parse(new byte[DossierLimits.MaxPayloadBytes + 1], Options);

        Assert.Equal(ErrorCodes.OutOfRange, Assert.Single(result.Errors).Code);
    }

    [Fact]
    public void Parse_ReportsAnUnknownRegistryEntry_WhenARegistryIsGiven()
    {
        var payload = Seed(j => j["impact"]!["configurationItemIds"]![1] = "lims-prod-99");

        var result = DossierParser.Parse(payload, Options with { Registry = DemoData.Registry() });

        Assert.Equal(("impact.configurationItemIds[1]", ErrorCodes.Unknown), (Assert.Single(result.Errors).Path, result.Errors[0].Code));
    }

    private static string Seed(Action<JsonNode> mutate)
    {
        var json = JsonNode.Parse(DossierRoundTripTests.SeedJson())!;
        mutate(json);
        return json.ToJsonString();
    }
}
