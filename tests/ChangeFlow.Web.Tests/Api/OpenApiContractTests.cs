using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using ChangeFlow.Web.Tests.Support;

namespace ChangeFlow.Web.Tests.Api;

/// <summary>
/// The OpenAPI document a real host serves agrees with that host: every duration is an ISO 8601 string, and a body
/// with only the fields the document requires is never refused for a field the document calls optional.
/// </summary>
public sealed class OpenApiContractTests(ChangeFlowServerFixture fixture) : IClassFixture<ChangeFlowServerFixture>
{
    // System.Text.Json's TimeSpan form, which the server does not take where ISO 8601 is required.
    private const string ClockPattern = @"^-?(\d+\.)?\d{2}:\d{2}:\d{2}(\.\d{1,7})?$";

    private static readonly string[] Methods = ["post", "put", "patch"];

    private ChangeFlowServer Server => fixture.Server;

    [Fact]
    public async Task Document_DeclaresDurationsAsIso8601_WhereverTheServerUsesThem()
    {
        var document = await DocumentAsync();
        var schemas = document["components"]!["schemas"]!.AsObject();

        var durations = new List<string>();
        foreach (var (name, schema) in schemas)
        {
            foreach (var (property, value) in schema!["properties"]?.AsObject() ?? new JsonObject())
            {
                Assert.False(value!["pattern"]?.GetValue<string>() == ClockPattern, $"{name}.{property} is declared as hh:mm:ss.");
                if (value["format"]?.GetValue<string>() == "duration")
                {
                    Assert.Equal("PT4H", (value["examples"]?[0] ?? value["example"])?.GetValue<string>());
                    durations.Add($"{name}.{property}");
                }
            }
        }

        Assert.Subset(
            durations.ToHashSet(),
            new HashSet<string>
            {
                "ImpactAssessmentDto.duration", "PostImplementationReviewDto.duration", "RollbackProcedureDto.estimatedDuration",
                "NotificationTimingDto.offset", "NotificationTimingDto.deadlineAfterWindowEnd", "DeployGateDecision.retryAfter",
            });
    }

    [Fact]
    public async Task Catalogue_WritesDurationsInIso8601_AndStillReadsTheOldForm()
    {
        using var read = await Server.Admin.GetAsync("api/catalog/cab-boards/cab-main");
        var board = (await HttpAssert.StatusAsync(HttpStatusCode.OK, read))!["document"]!.AsObject();
        Assert.Equal("PT1H", board["meeting"]!["duration"]!.GetValue<string>());
        Assert.Equal("P5D", board["agendaLeadTime"]!.GetValue<string>());

        // A board written before durations were ISO 8601 still reads.
        var old = board.DeepClone().AsObject();
        old["id"] = "cab-old-form";
        old["meeting"]!["duration"] = "01:00:00";
        old["agendaLeadTime"] = "5.00:00:00";
        using var put = new HttpRequestMessage(HttpMethod.Put, "api/catalog/cab-boards/cab-old-form") { Content = new StringContent(old.ToJsonString(), Encoding.UTF8, "application/json") };
        await HttpAssert.StatusAsync(HttpStatusCode.OK, await Server.Admin.SendAsync(put));
    }

    [Fact]
    public async Task MinimalBodies_AreNeverRefusedForAFieldTheDocumentCallsOptional()
    {
        var document = await DocumentAsync();
        var schemas = document["components"]!["schemas"]!.AsObject();
        var checkedOperations = 0;
        var mismatches = new List<string>();
        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            foreach (var method in Methods)
            {
                var schemaRef = item![method]?["requestBody"]?["content"]?["application/json"]?["schema"];
                if (schemaRef is null)
                {
                    continue;
                }

                var body = Minimal(schemaRef, schemas, depth: 0);
                var url = System.Text.RegularExpressions.Regex.Replace(path.TrimStart('/'), "{[^}]+}", "unknown");
                using var request = new HttpRequestMessage(new HttpMethod(method.ToUpperInvariant()), url)
                {
                    Content = new StringContent(body?.ToJsonString() ?? "{}", Encoding.UTF8, "application/json"),
                };
                using var response = await Server.Admin.SendAsync(request);
                checkedOperations++;
                if (response.StatusCode != HttpStatusCode.BadRequest)
                {
                    continue;
                }

                var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
                if (problem["title"]?.GetValue<string>() == "The request body is malformed.")
                {
                    mismatches.Add($"{method} {path}: the body {body?.ToJsonString()} is malformed for the server: {problem["errors"]?.ToJsonString()}");
                    continue;
                }

                foreach (var (field, codes) in problem["codes"]?.AsObject() ?? new JsonObject())
                {
                    if (codes!.AsArray().Any(c => c!.GetValue<string>() == "required") && !IsRequiredInDocument(schemaRef, field, schemas))
                    {
                        mismatches.Add($"{method} {path}: the server requires '{field}', which the document calls optional: {problem["errors"]?[field]?.ToJsonString()}");
                    }
                }
            }
        }

        Assert.True(mismatches.Count == 0, string.Join("\n", mismatches));
        Assert.True(checkedOperations > 10, $"Only {checkedOperations} operations have a JSON body in the document.");
    }

    [Theory]
    [InlineData("CreateChangeBody", "dossier", "templateId,submit")]
    [InlineData("ChangeCommandBody", "expectedState", "note")]
    [InlineData("StepReportBody", "status,expectedState", "note")]
    [InlineData("CompleteTaskBody", "outcome", "comment,data")]
    [InlineData("StartInstanceBody", "", "correlationId,input")]
    public async Task Document_RequiresOnlyWhatTheServerRequires_ForACommandBody(string schemaName, string required, string optional)
    {
        var document = await DocumentAsync();
        var schema = document["components"]!["schemas"]![schemaName]!;

        var listed = schema["required"]?.AsArray().Select(r => r!.GetValue<string>()).ToHashSet() ?? [];

        Assert.Equal(required.Split(',', StringSplitOptions.RemoveEmptyEntries).ToHashSet(), listed);
        Assert.All(optional.Split(','), name => Assert.NotNull(schema["properties"]![name]));
    }

    private async Task<JsonNode> DocumentAsync()
    {
        using var response = await Server.CreateClient().GetAsync("openapi/v1.json");
        return (await HttpAssert.StatusAsync(HttpStatusCode.OK, response))!;
    }

    private static JsonNode? Resolve(JsonNode? schema, JsonObject schemas)
    {
        while (true)
        {
            // A nullable reference is written as oneOf/anyOf of null and the $ref.
            var reference = schema?["$ref"]?.GetValue<string>()
                ?? (schema?["oneOf"] ?? schema?["anyOf"] ?? schema?["allOf"])?.AsArray().Select(s => s?["$ref"]?.GetValue<string>()).FirstOrDefault(r => r is not null);
            if (reference is null)
            {
                return schema;
            }

            schema = schemas[reference.Split('/')[^1]];
        }
    }

    /// <summary>A value with only the required members, each the simplest value its schema allows.</summary>
    private static JsonNode? Minimal(JsonNode? schemaNode, JsonObject schemas, int depth)
    {
        var schema = Resolve(schemaNode, schemas);
        if (schema is null || depth > 8)
        {
            return null;
        }

        if (schema["enum"] is JsonArray values && values.Count > 0)
        {
            return values.First(v => v is not null)!.DeepClone();
        }

        List<string> types = schema["type"] switch
        {
            JsonArray many => many.Select(t => t!.GetValue<string>()).ToList(),
            JsonValue one => [one.GetValue<string>()],
            _ => schema["properties"] is not null ? ["object"] : [],
        };
        if (schema["format"]?.GetValue<string>() == "duration")
        {
            return "PT4H";
        }

        if (schema["format"]?.GetValue<string>() == "date-time")
        {
            return "2026-05-23T21:00:00Z";
        }

        return types.FirstOrDefault(t => t != "null") switch
        {
            "integer" or "number" => 1,
            "boolean" => false,
            "array" => new JsonArray(),
            "string" => "x",
            "object" => MinimalObject(schema, schemas, depth),
            _ => null,
        };
    }

    private static JsonObject MinimalObject(JsonNode schema, JsonObject schemas, int depth)
    {
        var result = new JsonObject();
        foreach (var name in schema["required"]?.AsArray().Select(n => n!.GetValue<string>()) ?? [])
        {
            result[name] = Minimal(schema["properties"]?[name], schemas, depth + 1);
        }

        return result;
    }

    /// <summary>Whether the document requires the member at <paramref name="field"/> (<c>dossier.window.end</c>, indexes ignored).</summary>
    private static bool IsRequiredInDocument(JsonNode root, string field, JsonObject schemas)
    {
        var schema = Resolve(root, schemas);
        var segments = field.Split('.', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length == 0)
        {
            return true;
        }

        for (var i = 0; i < segments.Length; i++)
        {
            var name = segments[i].Split('[')[0];
            var isLast = i == segments.Length - 1;
            if (schema?["required"]?.AsArray().Any(r => r!.GetValue<string>() == name) != true && isLast)
            {
                return false;
            }

            var next = Resolve(schema?["properties"]?[name], schemas);
            if (next is null)
            {
                // A member the document does not describe: nothing to compare.
                return true;
            }

            schema = segments[i].Contains('[', StringComparison.Ordinal) ? Resolve(next["items"], schemas) : next;
        }

        return true;
    }
}
