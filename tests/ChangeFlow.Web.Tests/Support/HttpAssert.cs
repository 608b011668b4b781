using System.Net;
using System.Text.Json.Nodes;

namespace ChangeFlow.Web.Tests.Support;

/// <summary>Assertions on responses that show the body when they fail.</summary>
public static class HttpAssert
{
    /// <summary>Asserts the status and returns the JSON body (null when empty or not JSON).</summary>
    public static async Task<JsonNode?> StatusAsync(HttpStatusCode expected, HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"Expected {(int)expected} but got {(int)response.StatusCode} from {response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: {body}");
        return body.Length == 0 || response.Content.Headers.ContentType?.MediaType?.EndsWith("json", StringComparison.Ordinal) != true ? null : JsonNode.Parse(body);
    }

    /// <summary>Asserts a 400 problem whose <c>errors</c> name <paramref name="path"/> with <paramref name="code"/>.</summary>
    public static async Task<JsonNode> FieldErrorAsync(HttpResponseMessage response, string path, string code)
    {
        var body = (await StatusAsync(HttpStatusCode.BadRequest, response))!;
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(body["errors"]?[path] is not null, $"No error at '{path}': {body.ToJsonString()}");
        var codes = body["codes"]?[path]?.AsArray().Select(c => c!.GetValue<string>()).ToList() ?? [];
        Assert.True(codes.Contains(code), $"No code '{code}' at '{path}': {body.ToJsonString()}");
        return body;
    }
}
