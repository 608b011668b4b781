using System.Net;
using System.Text;
using ChangeFlow.Web.Tests.Support;

namespace ChangeFlow.Web.Tests.Security;

/// <summary>Requests the server refuses while reading them answer with its status and a problem, never a 500 with a stack trace.</summary>
public sealed class ErrorResponsesTests(ChangeFlowServerFixture fixture) : IClassFixture<ChangeFlowServerFixture>
{
    // Kestrel's default MaxRequestBodySize is 30,000,000 bytes.
    private const int OverLimit = 31_000_000;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Login_Answers413Problem_WhenTheBodyIsOver30MB(bool lengthKnown)
    {
        var anonymous = fixture.Server.CreateClient();
        var body = OversizeLogin();
        using HttpContent content = lengthKnown ? new ByteArrayContent(body) : new StreamContent(new UnknownLengthStream(body));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/auth/login") { Content = content };

        // As curl does for large bodies: a server that refuses the announced length answers before the body is sent,
        // instead of closing the connection under a client still writing it.
        request.Headers.ExpectContinue = lengthKnown;

        using var response = await anonymous.SendAsync(request);

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.RequestEntityTooLarge, $"{(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = System.Text.Json.Nodes.JsonNode.Parse(text)!;
        Assert.Equal(413, problem["status"]!.GetValue<int>());
        Assert.Contains("30,000,000 bytes", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", text, StringComparison.Ordinal);
        Assert.DoesNotContain(fixture.Server.Logs.Lines, l => l.Contains("BadHttpRequestException", StringComparison.Ordinal) && l.Contains(" at ", StringComparison.Ordinal));
    }

    private static byte[] OversizeLogin()
    {
        var head = Encoding.UTF8.GetBytes("{\"email\":\"someone@changeflow.test\",\"password\":\"");
        var tail = Encoding.UTF8.GetBytes("\"}");
        var body = new byte[OverLimit];
        Array.Fill(body, (byte)'a');
        head.CopyTo(body, 0);
        tail.CopyTo(body, body.Length - tail.Length);
        return body;
    }

    /// <summary>A body sent chunked (no Content-Length), so the server only finds it too large while reading it.</summary>
    private sealed class UnknownLengthStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
