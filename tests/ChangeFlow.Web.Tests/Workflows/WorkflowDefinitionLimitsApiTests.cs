using System.Net;
using System.Text;
using ChangeFlow.Application.Security;
using ChangeFlow.Web.Tests.Support;

namespace ChangeFlow.Web.Tests.Workflows;

/// <summary>
/// Validating and saving definitions is work for the people who edit workflows, and bounded: a body over
/// <c>MaxDefinitionBytes</c> is 413, a flowchart over <c>MaxActivities</c> 400, each a problem that names the limit.
/// </summary>
public sealed class WorkflowDefinitionLimitsApiTests(ChangeFlowServerFixture fixture) : IClassFixture<ChangeFlowServerFixture>
{
    private ChangeFlowServer Server => fixture.Server;

    [Fact]
    public async Task Validate_IsForbidden_WhenTheCallerIsARequestor()
    {
        var requestor = await Server.CreateClientAsync(Roles.Requestor);

        using var response = await requestor.PostAsync("api/workflow-definitions/validate", Json(Chain(3)));

        await HttpAssert.StatusAsync(HttpStatusCode.Forbidden, response);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Validate_AnswersValid_WhenAChangeManagerSendsADefinitionWithinTheLimits()
    {
        var manager = await Server.CreateClientAsync(Roles.ChangeManager);

        using var response = await manager.PostAsync("api/workflow-definitions/validate", Json(Chain(1_999)));

        var body = (await HttpAssert.StatusAsync(HttpStatusCode.OK, response))!;
        Assert.True(body["valid"]!.GetValue<bool>(), body.ToJsonString());
    }

    [Theory]
    [InlineData("api/workflow-definitions/validate")]
    [InlineData("api/workflow-definitions")]
    public async Task Post_Answers413_WhenTheBodyIsLargerThanTheLimit(string path)
    {
        // 2 MiB + 1 byte of valid JSON: the size alone decides.
        var json = "{\"definitionId\":\"big\",\"description\":\"" + new string('x', (2 * 1024 * 1024) - 38) + "\"}";
        Assert.Equal((2 * 1024 * 1024) + 1, Encoding.UTF8.GetByteCount(json));

        using var response = await Server.Admin.PostAsync(path, Json(json));

        var body = (await HttpAssert.StatusAsync(HttpStatusCode.RequestEntityTooLarge, response))!;
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(413, body["status"]!.GetValue<int>());
        Assert.Equal("The definition is 2,097,153 bytes; at most 2,097,152 bytes are allowed (ChangeFlow:WorkflowDefinitions:MaxDefinitionBytes).", body["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task Post_Answers413_WhenAChunkedBodyRunsPastTheLimit()
    {
        var bytes = Encoding.UTF8.GetBytes("{\"description\":\"" + new string('x', 3 * 1024 * 1024) + "\"}");
        using var content = new StreamContent(new UnseekableStream(bytes));
        content.Headers.ContentType = new("application/json");

        using var response = await Server.Admin.PostAsync("api/workflow-definitions/validate", content);

        var body = (await HttpAssert.StatusAsync(HttpStatusCode.RequestEntityTooLarge, response))!;
        Assert.Contains("at most 2,097,152 bytes are allowed", body["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("api/workflow-definitions/validate")]
    [InlineData("api/workflow-definitions")]
    public async Task Post_Answers400NamingTheLimit_WhenTheFlowchartHasTooManyActivities(string path)
    {
        using var response = await Server.Admin.PostAsync(path, Json(Chain(2_000)));

        var body = (await HttpAssert.StatusAsync(HttpStatusCode.BadRequest, response))!;
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var message = Assert.Single(body["errors"]!["$.root.activities"]!.AsArray())!.GetValue<string>();
        Assert.Equal("The flowchart has 2,001 activities; at most 2,000 are allowed (ChangeFlow:WorkflowDefinitions:MaxActivities).", message);
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    /// <summary>Start → s0 → … → s(n-1), every step an <c>Elsa.WriteLine</c>.</summary>
    private static string Chain(int count)
    {
        var activities = new StringBuilder("""{"id":"start","type":"Elsa.Start"}""");
        var connections = new StringBuilder("""{"source":{"activity":"start","port":"Done"},"target":{"activity":"s0","port":"In"}}""");
        for (var i = 0; i < count; i++)
        {
            activities.Append($$$""",{"id":"s{{{i}}}","type":"Elsa.WriteLine","text":"step {{{i}}}"}""");
            if (i > 0)
            {
                connections.Append($$$""",{"source":{"activity":"s{{{i - 1}}}","port":"Done"},"target":{"activity":"s{{{i}}}","port":"In"}}""");
            }
        }

        return $$$"""{"definitionId":"limits","root":{"type":"Elsa.Flowchart","activities":[{{{activities}}}],"connections":[{{{connections}}}]}}""";
    }

    /// <summary>A body of unknown length, so the client sends it chunked.</summary>
    private sealed class UnseekableStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
