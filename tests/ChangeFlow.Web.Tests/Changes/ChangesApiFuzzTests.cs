using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using ChangeFlow.Application.Security;
using ChangeFlow.Web.Tests.Support;

namespace ChangeFlow.Web.Tests.Changes;

/// <summary>A requestor and one stored change, on a server shared by the class.</summary>
public sealed class ChangesApiFuzzFixture : ChangeApiFixture
{
    /// <summary>The requestor who sends the payloads.</summary>
    public TestUser Requestor { get; private set; } = null!;

    /// <summary>An implementer, for the step and validation commands.</summary>
    public TestUser Implementer { get; private set; } = null!;

    /// <summary>A change manager, for the catalogue and cancel commands.</summary>
    public TestUser Manager { get; private set; } = null!;

    /// <summary>A change in state New that the hostile commands aim at.</summary>
    public string Number { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Requestor = await Server.CreateUserAsync(Roles.Requestor);
        Implementer = await Server.CreateUserAsync(Roles.Implementer);
        Manager = await Server.CreateUserAsync(Roles.ChangeManager);
        var created = await ChangeApi.CreateAsync(Requestor.Client, ChangeApi.Rfc2026014(Requestor.Id), submit: false);
        Number = ChangeApi.NumberOf(created);
    }
}

/// <summary>
/// Hundreds of malformed and hostile requests against the change API on the real host: every one gets a 4xx with a
/// ProblemDetails body (naming the field where there is one), none a 500, and a refused RFC stores nothing — no
/// change, no timeline entry, no number used up, no workflow started.
/// </summary>
public sealed class ChangesApiFuzzTests(ChangesApiFuzzFixture fixture) : IClassFixture<ChangesApiFuzzFixture>
{
    private const int RandomPayloads = 250;

    private static readonly Func<Random, JsonNode?>[] HostileValues =
    [
        _ => 42, _ => -1, _ => 1e300, _ => -0.5, _ => true, _ => false, _ => null, _ => "", _ => "   ",
        _ => new string('x', 20_001), _ => new JsonArray(), _ => new JsonObject(), _ => new JsonArray(1, "two", null),
        _ => new JsonObject { ["unexpected"] = 1 }, _ => "2026-05-23T22:00:00", _ => "2026-13-45T25:61:00Z", _ => "0001-01-01T00:00:00+14:00",
        _ => "9999-12-31T23:59:59-14:00", _ => "Mars/Olympus", _ => "../../etc/passwd", _ => "-PT1H", _ => "P99999D", _ => "PT0S",
        _ => "\u0000\u001f", _ => "<script>alert(1)</script>", _ => "'; DROP TABLE changes; --", _ => "Emergency", _ => "Critical",
        _ => "RFC-2026-014", _ => "\ud83d\ude80 rocket", r => r.Next(int.MinValue, int.MaxValue), r => (long)r.Next() * int.MaxValue,
        r => new string('é', r.Next(190, 260)),
    ];

    private HttpClient Client => fixture.Requestor.Client;

    [Fact]
    public async Task Create_Answers4xxWithAProblemAndStoresNothing_WhenPayloadsAreMalformedOrHostile()
    {
        var before = await ChangeApi.CountAsync(fixture.Server);
        var subjectsBefore = await ChangeApi.TimelineSubjectsAsync(fixture.Server);
        var random = new Random(20260503);
        var accepted = new HashSet<string>(StringComparer.Ordinal);
        var failures = new List<string>();
        var sent = 0;
        var kinds = new HashSet<string>();

        foreach (var payload in SystematicPayloads().Concat(RandomPayloadsOf(random)))
        {
            sent++;
            kinds.Add(payload.Kind.Split(':')[0]);
            using var request = new HttpRequestMessage(HttpMethod.Post, "api/changes") { Content = payload.Content };
            using var response = await Client.SendAsync(request);
            var status = (int)response.StatusCode;
            var text = await response.Content.ReadAsStringAsync();
            var number = response.Headers.TryGetValues("X-Change-Number", out var values) ? values.Single() : null;
            if (status == 201)
            {
                accepted.Add(ChangeApi.NumberOf(JsonNode.Parse(text)!));
                continue;
            }

            if (number is not null)
            {
                // Created, then refused at submission: the change exists in New and the answer says so.
                accepted.Add(number);
            }

            var problem = CheckProblem(payload, status, response.Content.Headers.ContentType?.MediaType, text);
            if (problem is not null)
            {
                failures.Add($"{payload.Kind}: {problem}");
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {sent} payloads were not answered properly:\n{string.Join('\n', failures.Take(30))}\n{ServerErrors()}");
        Assert.True(sent >= 400, $"Only {sent} payloads were sent.");
        Assert.True(kinds.Count >= 20, $"Only {kinds.Count} kinds of payload: {string.Join(", ", kinds)}");

        // Nothing stored half-way: exactly the accepted changes exist, each with its number and timeline; the
        // refused ones used up no number and started no workflow.
        var after = await ChangeApi.CountAsync(fixture.Server);
        Assert.Equal(before.Changes + accepted.Count, after.Changes);
        Assert.Equal(before.NumbersAllocated + accepted.Count, after.NumbersAllocated);
        Assert.True(after.WorkflowInstances - before.WorkflowInstances <= accepted.Count, $"{after.WorkflowInstances - before.WorkflowInstances} workflows started for {accepted.Count} accepted changes.");
        var subjectsAfter = await ChangeApi.TimelineSubjectsAsync(fixture.Server);
        Assert.Empty(subjectsAfter.Except(subjectsBefore).Except(accepted));
        Assert.True(accepted.Count < sent / 4, $"{accepted.Count} of {sent} hostile payloads were accepted.");
        using var list = await Client.GetAsync("api/changes?take=500");
        Assert.Equal(after.Changes, (await HttpAssert.StatusAsync(HttpStatusCode.OK, list))!["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task Create_NamesTheFieldAtFault_WhenTheDossierBreaksARule()
    {
        var before = await ChangeApi.CountAsync(fixture.Server);

        var backwards = ChangeApi.Rfc2026014(fixture.Requestor.Id);
        (backwards["window"]!["start"], backwards["window"]!["end"]) = (backwards["window"]!["end"]!.DeepClone(), backwards["window"]!["start"]!.DeepClone());
        await AssertFieldErrorAsync(backwards, "dossier.window.end", "out_of_range");

        var zone = ChangeApi.Rfc2026014(fixture.Requestor.Id);
        zone["window"]!["timeZoneId"] = "Mars/Olympus";
        await AssertFieldErrorAsync(zone, "dossier.window.timeZoneId", "unknown");

        var duplicate = ChangeApi.Rfc2026014(fixture.Requestor.Id);
        duplicate["implementationPlan"]!["steps"]![1]!["id"] = duplicate["implementationPlan"]!["steps"]![0]!["id"]!.GetValue<string>();
        await AssertFieldErrorAsync(duplicate, "dossier.implementationPlan.steps[1].id", "duplicate");

        var unknownItem = ChangeApi.Rfc2026014(fixture.Requestor.Id);
        unknownItem["impact"]!["configurationItemIds"]![0] = "no-such-server";
        await AssertFieldErrorAsync(unknownItem, "dossier.impact.configurationItemIds[0]", "unknown");

        var unknownMember = ChangeApi.Rfc2026014(fixture.Requestor.Id);
        unknownMember["window"]!["colour"] = "blue";
        await AssertFieldErrorAsync(unknownMember, "dossier.window.colour", "invalid");

        using var unknownTemplate = await Client.PostAsync("api/changes", ChangeApi.Json(ChangeApi.Body(ChangeApi.Rfc2026014(fixture.Requestor.Id), submit: false, templateId: "no-such-template")));
        await HttpAssert.FieldErrorAsync(unknownTemplate, "templateId", "unknown");

        Assert.Equal(before, await ChangeApi.CountAsync(fixture.Server));
    }

    public static TheoryData<string, string, string?, string?> HostileCommands() => new()
    {
        // Steps: bodies, ids and numbers that are wrong in every way.
        { "POST", "api/changes/{n}/steps/pre-checks", null, null },
        { "POST", "api/changes/{n}/steps/pre-checks", "application/json", "[]" },
        { "POST", "api/changes/{n}/steps/pre-checks", "application/json", "{\"status\":\"Pending\",\"expectedState\":\"Implement\"}" },
        { "POST", "api/changes/{n}/steps/pre-checks", "application/json", "{\"status\":\"Failed\",\"expectedState\":\"Implement\"}" },
        { "POST", "api/changes/{n}/steps/pre-checks", "application/json", "{\"status\":1,\"expectedState\":\"Implement\"}" },
        { "POST", "api/changes/{n}/steps/pre-checks", "application/json", "{\"status\":\"Done\",\"expectedState\":\"Bogus\"}" },
        { "POST", "api/changes/{n}/steps/pre-checks", "application/json", "{\"status\":\"Done\",\"expectedState\":\"7\"}" },
        { "POST", "api/changes/{n}/steps/pre-checks", "application/json", "{\"status\":\"Done\",\"expectedState\":\"Implement\",\"note\":{\"a\":1}}" },
        { "POST", "api/changes/{n}/steps/pre-checks", "application/json", "{\"status\":\"Done\",\"expectedState\":\"Implement\",\"note\":\"" + new string('n', 10_001) + "\"}" },
        { "POST", "api/changes/{n}/steps/pre-checks", "application/json", "{\"status\":\"Done\",\"status\":\"Failed\",\"expectedState\":\"Implement\"}" },
        { "POST", "api/changes/{n}/steps/pre-checks", "application/json", "{\"status\":\"Done\",\"expectedState\":\"Implement\",\"note\":\"half \\ud800 a pair\"}" },
        { "POST", "api/changes/{n}/steps/pre-checks", "application/json", "{\"status\":\"Done\",\"expectedState\":\"Implement\",\"\\udc00\":1}" },
        { "POST", "api/changes/{n}/steps/pre-checks", "text/plain", "{\"status\":\"Done\",\"expectedState\":\"Implement\"}" },
        { "POST", "api/changes/{n}/steps/pre-checks", "application/json", "{\"status\":\"Done\",\"expectedState\":\"New\"}" },
        { "POST", "api/changes/{n}/steps/no-such-step", "application/json", "{\"status\":\"Done\",\"expectedState\":\"New\"}" },
        { "POST", "api/changes/{n}/steps/" + new string('s', 5000), "application/json", "{\"status\":\"Done\",\"expectedState\":\"New\"}" },
        { "POST", "api/changes/{n}/steps/..%2F..%2Fetc", "application/json", "{\"status\":\"Done\",\"expectedState\":\"New\"}" },
        { "POST", "api/changes/{n}/rollback-steps/rb-0", "application/json", "{\"status\":\"Done\",\"expectedState\":\"New\"}" },
        { "POST", "api/changes/{n}/rollback-steps/rb-99999999999", "application/json", "{\"status\":\"Done\",\"expectedState\":\"Implement\"}" },
        { "POST", "api/changes/RFC-2026-999/steps/pre-checks", "application/json", "{\"status\":\"Done\",\"expectedState\":\"Implement\"}" },
        { "POST", "api/changes/RFC-0000-000/steps/pre-checks", "application/json", "{\"status\":\"Done\",\"expectedState\":\"Implement\"}" },
        { "POST", "api/changes/rfc-2026-001/steps/pre-checks", "application/json", "{\"status\":\"Done\",\"expectedState\":\"Implement\"}" },
        { "POST", "api/changes/RFC-99999-99999999999/steps/pre-checks", "application/json", "{\"status\":\"Done\",\"expectedState\":\"Implement\"}" },

        // Validate, submit and cancel.
        { "POST", "api/changes/{n}/validate", "application/json", "{}" },
        { "POST", "api/changes/{n}/validate", "application/json", "{\"expectedState\":null}" },
        { "POST", "api/changes/{n}/validate", "application/json", "{\"expectedState\":\"Implement\"}" },
        { "POST", "api/changes/{n}/validate", "application/json", "{\"expectedState\":\"Implement\",\"extra\":true}" },
        { "POST", "api/changes/{n}/validate", "application/json", "{\"expectedState\":[\"Implement\"]}" },
        { "POST", "api/changes/{n}/validate", "application/json", "\"Implement\"" },
        { "POST", "api/changes/{n}/validate", "application/json", "{\"expectedState\":\"Implement\"" },
        { "POST", "api/changes/{n}/submit", "application/json", "{\"expectedState\":\"Scheduled\"}" },
        { "POST", "api/changes/{n}/submit", "application/json", "{\"expectedState\":\"new \"}" },
        { "POST", "api/changes/{n}/submit", "application/xml", "<expectedState>New</expectedState>" },
        { "POST", "api/changes/{n}/cancel", "application/json", "{\"expectedState\":\"New\"}" },
        { "POST", "api/changes/{n}/cancel", "application/json", "{\"expectedState\":\"New\",\"reason\":\"   \"}" },
        { "POST", "api/changes/{n}/cancel", "application/json", "{\"expectedState\":\"Closed\",\"reason\":\"done\"}" },
        { "POST", "api/changes/{n}/cancel", "application/json", "{\"expectedState\":\"New\",\"reason\":42}" },
        { "POST", "api/changes/{n}/cancel", "application/json", Deep(5000) },

        // Tasks.
        { "POST", "api/tasks/no-such-task/complete", "application/json", "{\"outcome\":\"Approved\"}" },
        { "POST", "api/tasks/no-such-task/complete", "application/json", "{\"outcome\":null}" },
        { "POST", "api/tasks/no-such-task/complete", "application/json", "{\"outcome\":\"Approved\",\"data\":[]}" },
        { "POST", "api/tasks/no-such-task/complete", "application/json", "{\"outcome\":\"" + new string('o', 101) + "\"}" },
        { "POST", "api/tasks/no-such-task/complete", "application/json", "{\"outcome\":\"Approved\",\"comment\":false}" },
        { "POST", "api/tasks/no-such-task/complete", "application/json", "{\"outcome\":\"Approved\",\"data\":" + Deep(40) + "}" },
        { "POST", "api/tasks/" + new string('t', 3000) + "/complete", "application/json", "{\"outcome\":\"Approved\"}" },
        { "POST", "api/tasks/no-such-task/reassign", "application/json", "{\"userId\":\"someone\"}" },
        { "POST", "api/tasks/no-such-task/reassign", "application/json", "{\"userId\":\"\"}" },
        { "POST", "api/tasks/no-such-task/reassign", "application/json", "{\"userId\":[1,2]}" },
        { "POST", "api/tasks/no-such-task/reassign", "application/json", "{\"user\":\"someone\"}" },
        { "POST", "api/tasks/no-such-task/reassign", null, null },
        { "GET", "api/tasks/%E2%80%AE", null, null },

        // Catalogue.
        { "PUT", "api/catalog/no-such-kind/x", "application/json", "{}" },
        { "PUT", "api/catalog/services/x", "application/json", "[]" },
        { "PUT", "api/catalog/services/x", "application/json", "{\"id\":\"y\",\"name\":\"mismatched id\"}" },
        { "PUT", "api/catalog/services/x", "application/json", "{\"id\":\"x\",\"name\":\"\"}" },
        { "PUT", "api/catalog/services/x", "application/json", "{\"id\":\"x\",\"name\":123}" },
        { "PUT", "api/catalog/services/x", "application/json", "{\"id\":\"x\",\"name\":\"s\",\"unknown\":1}" },
        { "PUT", "api/catalog/services/x", "application/json", "{\"id\":\"x\",\"name\":\"s\",\"name\":\"t\"}" },
        { "PUT", "api/catalog/services/x", "application/json", "{\"id\":\"x\",\"name\":\"\\ud800\"}" },
        { "PUT", "api/catalog/services/x", "text/csv", "id,name\nx,s" },
        { "PUT", "api/catalog/services/" + new string('i', 2000), "application/json", "{\"id\":\"" + new string('i', 2000) + "\",\"name\":\"long id\"}" },
        { "PUT", "api/catalog/cab-boards/bad", "application/json", "{\"id\":\"bad\",\"name\":\"Bad\",\"members\":[null,{\"userId\":\"\"}],\"meeting\":{\"day\":\"Funday\",\"localTime\":\"25:99\",\"timeZoneId\":\"Nowhere/Land\",\"duration\":\"-PT1H\"},\"quorum\":{\"policy\":\"Unanimous-ish\"},\"agendaLeadTime\":\"forever\"}" },
        { "PUT", "api/catalog/cab-boards/bad", "application/json", "{\"id\":\"bad\",\"name\":\"Bad\",\"members\":[{\"userId\":\"u\",\"role\":\"Chair\"}],\"meeting\":{\"day\":\"Monday\",\"localTime\":\"10:00\",\"timeZoneId\":\"UTC\",\"duration\":\"PT1H\"},\"quorum\":{\"policy\":\"NOfM\",\"n\":-3}}" },
        { "PUT", "api/catalog/blackouts/bad", "application/json", "{\"id\":\"bad\",\"name\":\"Bad\",\"start\":\"2026-05-02T00:00:00Z\",\"end\":\"2026-05-01T00:00:00Z\"}" },
        { "PUT", "api/catalog/blackouts/bad", "application/json", "{\"id\":\"bad\",\"name\":\"Bad\",\"start\":\"garbage\",\"end\":\"2026-05-01T00:00:00Z\"}" },
        { "PUT", "api/catalog/blackouts/bad", "application/json", "{\"id\":\"bad\",\"name\":\"Bad\",\"weekly\":{\"day\":\"Monday\",\"localTime\":\"07:30\",\"duration\":\"P400D\",\"timeZoneId\":\"Africa/Lagos\"}}" },
        { "PUT", "api/catalog/standard-templates/bad", "application/json", "{\"id\":\"bad\",\"name\":\"Bad\",\"maxRiskLevel\":\"Extreme\",\"serviceIds\":[null,\"\"]}" },
        { "PUT", "api/catalog/configuration-items/bad", "application/json", "{\"id\":\"bad\",\"name\":\"Bad\",\"kind\":\"Toaster\",\"serviceIds\":\"lims\"}" },
        { "PUT", "api/routing", "application/json", "{}" },
        { "PUT", "api/routing", "application/json", "{\"rules\":[null,{\"id\":\"r\",\"types\":[\"Normal\",\"Sideways\"],\"minRiskLevel\":\"Huge\"}],\"defaults\":{\"Normal\":null,\"Weird\":{\"workflow\":\"w\"}}}" },
        { "PUT", "api/routing", "application/json", "{\"rules\":{},\"defaults\":[]}" },
        { "PUT", "api/routing", "application/json", "{\"rules\":[],\"defaults\":{\"Standard\":{\"workflow\":\"s\"},\"Normal\":{\"workflow\":\"n\"},\"Emergency\":{\"workflow\":\"e\"},\"standard\":{\"workflow\":\"t\"}}}" },
        { "DELETE", "api/catalog/no-such-kind/x", null, null },
        { "DELETE", "api/catalog/services/no-such-service", null, null },

        // Query strings.
        { "GET", "api/changes?state=999", null, null },
        { "GET", "api/changes?state=Neww", null, null },
        { "GET", "api/changes?type=-1", null, null },
        { "GET", "api/changes?take=-1", null, null },
        { "GET", "api/changes?take=0", null, null },
        { "GET", "api/changes?take=100000", null, null },
        { "GET", "api/changes?take=abc", null, null },
        { "GET", "api/changes?skip=-5", null, null },
        { "GET", "api/changes?skip=99999999999", null, null },
        { "GET", "api/changes?from=garbage", null, null },
        { "GET", "api/changes?to=2026-13-01", null, null },
        { "GET", "api/changes?from=2026-05-01T00:00:00Z&to=2026-04-01T00:00:00Z", null, null },
        { "GET", "api/changes?from=0001-01-01T00:00:00%2B14:00", null, null },
        { "GET", "api/changes?state=New&state=Closed", null, null },
        { "GET", "api/tasks?status=9", null, null },
        { "GET", "api/tasks?status=Done", null, null },
        { "GET", "api/tasks?take=201", null, null },
        { "GET", "api/tasks?skip=-1", null, null },
        { "GET", "api/tasks?take=nope", null, null },
        { "GET", "api/improvements?take=0", null, null },
        { "GET", "api/improvements?skip=-1", null, null },
        { "GET", "api/improvements?take=x", null, null },
        { "GET", "api/improvements/CIR-garbage", null, null },
        { "GET", "api/calendar/changes.ics?from=garbage", null, null },
        { "GET", "api/calendar/changes.ics?from=2026-06-01T00:00:00Z&to=2026-05-01T00:00:00Z", null, null },
        { "GET", "api/calendar/changes.ics?from=0001-01-01T00:00:00Z&to=9999-12-31T00:00:00Z", null, null },
        { "GET", "api/calendar/changes.ics?to=0001-01-01T00:00:00Z", null, null },
        { "GET", "api/calendar/changes.ics?from=9999-12-31T23:59:59Z", null, null },
        { "GET", "api/cab-boards/cab-main/agenda?meetingAt=garbage", null, null },
        { "GET", "api/cab-boards/no-such-board/agenda", null, null },
        { "GET", "api/changes/not-a-number", null, null },
        { "GET", "api/changes/RFC-2026-999/timeline", null, null },
        { "GET", "api/changes/RFC-2026-999/deploy-gate", null, null },
        { "GET", "api/changes/" + new string('R', 4000), null, null },
    };

    [Theory]
    [MemberData(nameof(HostileCommands))]
    public async Task Command_Answers4xxWithAProblem_WhenTheRequestIsHostile(string method, string path, string? contentType, string? body)
    {
        var before = await ChangeApi.CountAsync(fixture.Server);
        using var request = new HttpRequestMessage(new HttpMethod(method), path.Replace("{n}", fixture.Number, StringComparison.Ordinal));
        if (contentType is not null)
        {
            request.Content = new StringContent(body ?? string.Empty, Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        var client = path.StartsWith("api/changes/{n}/steps", StringComparison.Ordinal) || path.StartsWith("api/changes/{n}/rollback", StringComparison.Ordinal) || path.Contains("/validate", StringComparison.Ordinal)
            ? fixture.Implementer.Client
            : path.Contains("catalog", StringComparison.Ordinal) || path.Contains("routing", StringComparison.Ordinal) ? fixture.Manager.Client : fixture.Requestor.Client;
        using var response = await client.SendAsync(request);

        var status = (int)response.StatusCode;
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status is >= 400 and < 500, $"{method} {path} answered {status}: {text[..Math.Min(300, text.Length)]}\n{ServerErrors()}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(text)!;
        Assert.Equal(status, problem["status"]?.GetValue<int>());
        if (status == 400)
        {
            Assert.True(problem["errors"] is JsonObject { Count: > 0 }, $"{method} {path}: a 400 without field errors: {text}");
        }

        var after = await ChangeApi.CountAsync(fixture.Server);
        Assert.Equal(before with { Tasks = after.Tasks }, after with { Tasks = after.Tasks });
    }

    private string ServerErrors() =>
        string.Join('\n', fixture.Server.Logs.Lines.Where(l => l.StartsWith("Error", StringComparison.Ordinal) || l.StartsWith("Critical", StringComparison.Ordinal)).TakeLast(3));

    private async Task AssertFieldErrorAsync(JsonObject dossier, string path, string code)
    {
        using var response = await Client.PostAsync("api/changes", ChangeApi.Json(ChangeApi.Body(dossier, submit: true)));
        await HttpAssert.FieldErrorAsync(response, path, code);
        Assert.False(response.Headers.Contains("X-Change-Number"), "A dossier refused by validation created a change.");
    }

    /// <summary>Checks one answer; null when it is right, otherwise what is wrong.</summary>
    private static string? CheckProblem(Payload payload, int status, string? mediaType, string text)
    {
        if (status is < 400 or >= 500)
        {
            return $"answered {status}: {text[..Math.Min(200, text.Length)]}";
        }

        if (mediaType != "application/problem+json")
        {
            return $"{status} with content type {mediaType ?? "none"}";
        }

        JsonNode? problem;
        try
        {
            problem = JsonNode.Parse(text);
        }
        catch (System.Text.Json.JsonException)
        {
            return $"{status} with a body that is not JSON: {text[..Math.Min(200, text.Length)]}";
        }

        if (problem?["status"]?.GetValue<int>() != status || problem["title"] is null)
        {
            return $"{status} with a problem lacking status or title: {text[..Math.Min(200, text.Length)]}";
        }

        if (status != 400)
        {
            return null;
        }

        if (problem["errors"] is not JsonObject { Count: > 0 } errors)
        {
            return $"400 without field errors: {text[..Math.Min(200, text.Length)]}";
        }

        // A mutation inside the dossier is reported inside the dossier (or at the body's root when the bytes are not JSON).
        if (payload.DossierPath is not null && !errors.Any(e => e.Key.StartsWith("dossier", StringComparison.Ordinal) || e.Key.Length == 0))
        {
            return $"400 naming no dossier field ({string.Join(", ", errors.Select(e => e.Key))}) for a change at {payload.DossierPath}";
        }

        return null;
    }

    private static IEnumerable<Payload> SystematicPayloads()
    {
        var valid = ChangeApi.Body(ChangeApi.Rfc2026014("fuzz-requestor"), submit: true).ToJsonString();

        // Bodies that are not a JSON object, or not JSON at all, or not sent as JSON.
        yield return Raw("empty", null, []);
        yield return Raw("empty-json", "application/json", []);
        yield return Raw("whitespace", "application/json", "  \r\n\t "u8.ToArray());
        foreach (var text in new[] { "null", "42", "\"dossier\"", "true", "[]", "[{\"dossier\":{}}]", "{", "}", "{\"dossier\":", "{\"dossier\":{}}}", "{'dossier':{}}", "{\"dossier\":{},}", "/* c */{}", "\u00ef\u00bb\u00bf{}", "NaN", "{\"dossier\":Infinity}" })
        {
            yield return Raw("not-an-object:" + text, "application/json", Encoding.UTF8.GetBytes(text));
        }

        foreach (var type in new[] { "text/plain", "application/xml", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/octet-stream", "image/png" })
        {
            yield return Raw("content-type:" + type, type, Encoding.UTF8.GetBytes(valid));
        }

        yield return Raw("content-type:form-fields", "application/x-www-form-urlencoded", "dossier=x&submit=true"u8.ToArray());

        // Invalid UTF-8 inside an otherwise valid body.
        var bytes = Encoding.UTF8.GetBytes(valid);
        var titleAt = valid.IndexOf("\"title\":\"", StringComparison.Ordinal) + 9;
        byte[][] junk = [[0xFF], [0xC3, 0x28], [0xED, 0xA0, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80], [0xC0, 0xAF], [0x00], [0xE2, 0x82]];
        foreach (var bad in junk)
        {
            yield return Raw("invalid-utf8:" + Convert.ToHexString(bad), "application/json", [.. bytes[..titleAt], .. bad, .. bytes[titleAt..]]);
        }

        yield return Raw("invalid-utf16-escape", "application/json", Encoding.UTF8.GetBytes(valid.Insert(titleAt, "\\ud800")));
        yield return Raw("invalid-escape", "application/json", Encoding.UTF8.GetBytes(valid.Insert(titleAt, "\\uZZZZ")));

        // The envelope: dossier missing or of the wrong type, submit and templateId mistyped, unknown or repeated members.
        var dossier = ChangeApi.Rfc2026014("fuzz-requestor");
        yield return Envelope("no-dossier", new JsonObject { ["submit"] = true });
        foreach (var value in new JsonNode?[] { null, 42, "text", true, new JsonArray(), new JsonArray(dossier.DeepClone()), new JsonObject() })
        {
            yield return Envelope("dossier-of-type:" + (value?.GetValueKind().ToString() ?? "null"), new JsonObject { ["dossier"] = value, ["submit"] = true }, "dossier");
        }

        foreach (var value in new JsonNode?[] { "true", 1, new JsonArray(), new JsonObject() })
        {
            yield return Envelope("submit-of-type:" + value!.GetValueKind(), new JsonObject { ["dossier"] = dossier.DeepClone(), ["submit"] = value });
        }

        foreach (var value in new JsonNode?[] { 42, new JsonObject(), new string('t', 201), "no-such-template" })
        {
            yield return Envelope("template-id:" + value!.GetValueKind(), new JsonObject { ["dossier"] = dossier.DeepClone(), ["templateId"] = value });
        }

        yield return Envelope("unknown-envelope-member", new JsonObject { ["dossier"] = dossier.DeepClone(), ["submit"] = true, ["approveMyself"] = true });
        yield return Raw("duplicate-envelope-member", "application/json", Encoding.UTF8.GetBytes("{\"submit\":true,\"submit\":false," + valid[1..]));
        yield return Raw("duplicate-dossier", "application/json", Encoding.UTF8.GetBytes("{\"dossier\":{}," + valid[1..]));
        yield return Raw("duplicate-dossier-member", "application/json", Encoding.UTF8.GetBytes(valid.Replace("\"title\":", "\"title\":\"first\",\"title\":", StringComparison.Ordinal)));

        // Nesting deeper than any reader allows, in the envelope and inside the dossier.
        yield return Raw("deep-envelope", "application/json", Encoding.UTF8.GetBytes("{\"dossier\":" + Deep(10_000) + "}"));
        foreach (var depth in new[] { 20, 40, 200 })
        {
            var deep = ChangeApi.Rfc2026014("fuzz-requestor");
            deep["impact"]!["downstreamServices"] = "deep-placeholder";
            var text = new JsonObject { ["dossier"] = deep, ["submit"] = true }.ToJsonString().Replace("\"deep-placeholder\"", Deep(depth), StringComparison.Ordinal);
            yield return new Payload("deep-dossier:" + depth, Content("application/json", Encoding.UTF8.GetBytes(text)), "dossier.impact.downstreamServices");
        }

        // Oversized: above the dossier limit but within the command limit, above both, and a huge string field.
        foreach (var size in new[] { 1_050_000, 1_200_000, 5_000_000 })
        {
            var huge = ChangeApi.Rfc2026014("fuzz-requestor");
            huge["justification"] = new string('j', size);
            yield return Envelope("oversized:" + size, new JsonObject { ["dossier"] = huge, ["submit"] = true }, size < 1_100_000 ? "dossier" : null);
        }

        var many = ChangeApi.Rfc2026014("fuzz-requestor");
        var step = many["implementationPlan"]!["steps"]![2]!;
        many["implementationPlan"]!["steps"] = new JsonArray([.. Enumerable.Range(0, 1_000).Select(i => { var s = step.DeepClone(); s["id"] = $"s{i}"; return s; })]);
        yield return Envelope("too-many-steps", new JsonObject { ["dossier"] = many, ["submit"] = true }, "dossier.implementationPlan.steps");

        // Dates, zones and windows.
        foreach (var (name, start, end, zone) in new (string, JsonNode?, JsonNode?, JsonNode?)[]
        {
            ("end-before-start", "2026-05-24T05:00:00Z", "2026-05-23T21:00:00Z", "Africa/Lagos"),
            ("empty-window", "2026-05-23T21:00:00Z", "2026-05-23T21:00:00Z", "Africa/Lagos"),
            ("no-offset", "2026-05-23T22:00:00", "2026-05-24T06:00:00", "Africa/Lagos"),
            ("date-only", "2026-05-23", "2026-05-24", "Africa/Lagos"),
            ("impossible-date", "2026-02-30T22:00:00Z", "2026-02-31T06:00:00Z", "Africa/Lagos"),
            ("garbage-date", "next saturday", "sunday morning", "Africa/Lagos"),
            ("epoch-number", 1779573600, 1779602400, "Africa/Lagos"),
            ("min-max", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "Africa/Lagos"),
            ("offset-overflow", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "Africa/Lagos"),
            ("bad-offset", "2026-05-23T22:00:00+25:00", "2026-05-24T06:00:00+01:00", "Africa/Lagos"),
            ("unknown-zone", "2026-05-23T21:00:00Z", "2026-05-24T05:00:00Z", "Mars/Olympus"),
            ("abbreviated-zone", "2026-05-23T21:00:00Z", "2026-05-24T05:00:00Z", "WAT"),
            ("path-zone", "2026-05-23T21:00:00Z", "2026-05-24T05:00:00Z", "../../../etc/localtime"),
            ("empty-zone", "2026-05-23T21:00:00Z", "2026-05-24T05:00:00Z", ""),
            ("null-zone", "2026-05-23T21:00:00Z", "2026-05-24T05:00:00Z", null),
            ("numeric-zone", "2026-05-23T21:00:00Z", "2026-05-24T05:00:00Z", 1),
            ("in-the-past", "2020-05-23T21:00:00Z", "2020-05-24T05:00:00Z", "Africa/Lagos"),
            ("year-long", "2026-05-23T21:00:00Z", "2027-05-24T05:00:00Z", "Africa/Lagos"),
        })
        {
            var d = ChangeApi.Rfc2026014("fuzz-requestor");
            d["window"] = new JsonObject { ["start"] = start, ["end"] = end, ["timeZoneId"] = zone };
            yield return Envelope("window:" + name, new JsonObject { ["dossier"] = d, ["submit"] = true }, "dossier.window");
        }

        foreach (var (name, value) in new (string, JsonNode?)[] { ("before-window", "2026-05-20T00:00:00Z"), ("after-window", "2026-06-01T00:00:00Z"), ("garbage", "04:00"), ("null", null) })
        {
            var d = ChangeApi.Rfc2026014("fuzz-requestor");
            d["rollbackDecisionPoint"] = value;
            yield return Envelope("decision-point:" + name, new JsonObject { ["dossier"] = d, ["submit"] = true }, "dossier.rollbackDecisionPoint");
        }

        var dup = ChangeApi.Rfc2026014("fuzz-requestor");
        foreach (var s in dup["implementationPlan"]!["steps"]!.AsArray())
        {
            s!["id"] = "same";
        }

        yield return Envelope("duplicate-step-ids", new JsonObject { ["dossier"] = dup, ["submit"] = true }, "dossier.implementationPlan");
        var noSteps = ChangeApi.Rfc2026014("fuzz-requestor");
        noSteps["implementationPlan"]!["steps"] = new JsonArray();
        yield return Envelope("no-steps", new JsonObject { ["dossier"] = noSteps, ["submit"] = true }, "dossier.implementationPlan");

        // Every member of every object: null, the wrong type, an unknown sibling.
        var slots = new List<string>();
        CollectPaths(dossier, "dossier", slots);
        var kinds = new Func<JsonNode?, JsonNode?>[] { _ => null, v => v is JsonValue ? new JsonArray(v.DeepClone()) : JsonValue.Create(42), v => v is JsonObject ? new JsonArray() : new JsonObject() };
        for (var i = 0; i < slots.Count; i++)
        {
            var path = slots[i];
            var replace = kinds[i % kinds.Length];
            var mutated = ChangeApi.Body(ChangeApi.Rfc2026014("fuzz-requestor"), submit: true);
            var (parent, key, index) = Locate(mutated, path);
            var old = key is null ? parent[index] : parent[key];
            if (key is null)
            {
                parent[index] = replace(old);
            }
            else
            {
                parent[key] = replace(old);
            }

            yield return Envelope($"{(i % 3 == 0 ? "null" : "wrong-type")}:{path}", mutated, path);
            if (parent is JsonObject obj && i % 4 == 0)
            {
                var withUnknown = ChangeApi.Body(ChangeApi.Rfc2026014("fuzz-requestor"), submit: true);
                var (p, _, _) = Locate(withUnknown, path);
                p.AsObject()["surprise"] = "unexpected";
                yield return Envelope($"unknown-member:{path}", withUnknown, path);
            }
        }
    }

    private static IEnumerable<Payload> RandomPayloadsOf(Random random)
    {
        for (var i = 0; i < RandomPayloads; i++)
        {
            var body = ChangeApi.Body(ChangeApi.Rfc2026014("fuzz-requestor"), submit: random.Next(2) == 0);
            var slots = new List<string>();
            CollectPaths(body["dossier"]!, "dossier", slots);
            var edits = random.Next(1, 4);
            string? firstPath = null;
            for (var e = 0; e < edits; e++)
            {
                var path = slots[random.Next(slots.Count)];
                var (parent, key, index) = Locate(body, path);
                if (parent is null)
                {
                    continue;
                }

                firstPath ??= path;
                var value = HostileValues[random.Next(HostileValues.Length)](random);
                if (key is null)
                {
                    parent[index] = value;
                }
                else if (random.Next(8) == 0)
                {
                    parent.AsObject().Remove(key);
                }
                else
                {
                    parent[key] = value;
                }
            }

            var bytes = Encoding.UTF8.GetBytes(body.ToJsonString());
            switch (random.Next(10))
            {
                case 0:
                    yield return Raw("random-truncated", "application/json", bytes[..random.Next(bytes.Length)]);
                    break;
                case 1:
                    var flipped = (byte[])bytes.Clone();
                    flipped[random.Next(flipped.Length)] = (byte)random.Next(256);
                    yield return Raw("random-flipped-byte", "application/json", flipped);
                    break;
                default:
                    yield return new Payload("random-mutation", Content("application/json", bytes), firstPath);
                    break;
            }
        }
    }

    private static Payload Raw(string kind, string? contentType, byte[] bytes) => new(kind, Content(contentType, bytes), null);

    private static Payload Envelope(string kind, JsonObject body, string? dossierPath = null) =>
        new(kind, Content("application/json", Encoding.UTF8.GetBytes(body.ToJsonString())), dossierPath);

    private static ByteArrayContent Content(string? contentType, byte[] bytes)
    {
        var content = new ByteArrayContent(bytes);
        if (contentType is not null)
        {
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        return content;
    }

    private static string Deep(int depth) => string.Concat(Enumerable.Repeat("[", depth)) + string.Concat(Enumerable.Repeat("]", depth));

    private static void CollectPaths(JsonNode node, string path, List<string> paths)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, child) in obj)
                {
                    var childPath = $"{path}.{name}";
                    paths.Add(childPath);
                    if (child is not null)
                    {
                        CollectPaths(child, childPath, paths);
                    }
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    var childPath = $"{path}[{i}]";
                    paths.Add(childPath);
                    if (array[i] is { } child)
                    {
                        CollectPaths(child, childPath, paths);
                    }
                }

                break;
        }
    }

    /// <summary>The parent of the node at <paramref name="path"/> (<c>dossier.a.b[2].c</c>) and its key or index; a null parent when it no longer exists.</summary>
    private static (JsonNode Parent, string? Key, int Index) Locate(JsonNode root, string path)
    {
        var parts = System.Text.RegularExpressions.Regex.Matches(path, @"[^.\[\]]+|\[\d+\]").Select(m => m.Value).ToList();
        JsonNode? node = root;
        for (var i = 0; i < parts.Count - 1 && node is not null; i++)
        {
            node = parts[i].StartsWith('[') ? (node is JsonArray a && int.Parse(parts[i][1..^1], System.Globalization.CultureInfo.InvariantCulture) < a.Count ? a[int.Parse(parts[i][1..^1], System.Globalization.CultureInfo.InvariantCulture)] : null) : (node as JsonObject)?[parts[i]];
        }

        var last = parts[^1];
        if (node is null)
        {
            return (null!, null, -1);
        }

        if (last.StartsWith('['))
        {
            var index = int.Parse(last[1..^1], System.Globalization.CultureInfo.InvariantCulture);
            return node is JsonArray array && index < array.Count ? (node, null, index) : (null!, null, -1);
        }

        return node is JsonObject ? (node, last, -1) : (null!, null, -1);
    }

    private sealed record Payload(string Kind, HttpContent Content, string? DossierPath);
}
