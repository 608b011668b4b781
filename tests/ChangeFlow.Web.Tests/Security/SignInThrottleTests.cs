using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ChangeFlow.Application.Security;
using ChangeFlow.Web.Tests.Support;

namespace ChangeFlow.Web.Tests.Security;

/// <summary>A server that allows 8 failures per address (instead of 50), so a test reaches the address limit quickly.</summary>
public sealed class SignInThrottleFixture : ChangeFlowServerFixture
{
    protected override ChangeFlowServerOptions Options => new() { Settings = { ["ChangeFlow:Security:MaxFailedSignInsPerAddress"] = "8" } };
}

/// <summary>
/// Wrong passwords pause sign-in for the address that sent them (per e-mail, and overall), never for the account:
/// the user signs in from elsewhere. Known and unknown e-mails get the same answers. The test client talks to the
/// service from loopback, a trusted proxy by default, so <c>X-Forwarded-For</c> plays the client's address.
/// </summary>
public sealed class SignInThrottleTests(SignInThrottleFixture fixture) : IClassFixture<SignInThrottleFixture>
{
    private ChangeFlowServer Server => fixture.Server;

    [Fact]
    public async Task Login_PausesOnlyTheGuessingAddress_WhenAStrangerGuessesTheAdminsPassword()
    {
        const string stranger = "203.0.113.7";
        for (var i = 0; i < 4; i++)
        {
            await HttpAssert.StatusAsync(HttpStatusCode.Unauthorized, await LoginAsync(Server.AdminEmail, "wrong-password", stranger));
        }

        await HttpAssert.StatusAsync(HttpStatusCode.TooManyRequests, await LoginAsync(Server.AdminEmail, "wrong-password", stranger));
        await HttpAssert.StatusAsync(HttpStatusCode.TooManyRequests, await LoginAsync(Server.AdminEmail, ChangeFlowServerOptions.DefaultAdminPassword, stranger));

        await HttpAssert.StatusAsync(HttpStatusCode.OK, await LoginAsync(Server.AdminEmail, ChangeFlowServerOptions.DefaultAdminPassword, "198.51.100.20"));
        await HttpAssert.StatusAsync(HttpStatusCode.OK, await LoginAsync(Server.AdminEmail, ChangeFlowServerOptions.DefaultAdminPassword, null));
    }

    [Fact]
    public async Task Login_AnswersKnownAndUnknownEmailsAlike_BeforeAndAfterThePause()
    {
        var user = await Server.CreateUserAsync(Roles.Requestor);
        const string unknown = "nobody-here@changeflow.test";

        for (var i = 0; i < 5; i++)
        {
            var known = await LoginAsync(user.Email, "wrong-password", "203.0.113.21");
            var stranger = await LoginAsync(unknown, "wrong-password", "203.0.113.22");

            Assert.Equal(known.StatusCode, stranger.StatusCode);
            Assert.Equal(i < 4 ? HttpStatusCode.Unauthorized : HttpStatusCode.TooManyRequests, known.StatusCode);
            Assert.Equal(await BodyAsync(known), await BodyAsync(stranger));
        }
    }

    [Fact]
    public async Task Login_PausesAnAddress_ThatTriesManyEmails()
    {
        const string sprayer = "203.0.113.40";
        var users = new List<TestUser>();
        for (var i = 0; i < 4; i++)
        {
            users.Add(await Server.CreateUserAsync(Roles.Requestor));
        }

        // Two wrong passwords for each of four e-mails: under the e-mail limit every time, but 8 for the address.
        for (var i = 0; i < 7; i++)
        {
            await HttpAssert.StatusAsync(HttpStatusCode.Unauthorized, await LoginAsync(users[i % 4].Email, "wrong-password", sprayer));
        }

        await HttpAssert.StatusAsync(HttpStatusCode.TooManyRequests, await LoginAsync(users[3].Email, "wrong-password", sprayer));
        await HttpAssert.StatusAsync(HttpStatusCode.TooManyRequests, await LoginAsync(users[0].Email, users[0].Password, sprayer));
        await HttpAssert.StatusAsync(HttpStatusCode.OK, await LoginAsync(users[0].Email, users[0].Password, "198.51.100.41"));

        Server.Clock.Advance(new SecurityOptions().LockoutDuration);
        await HttpAssert.StatusAsync(HttpStatusCode.OK, await LoginAsync(users[0].Email, users[0].Password, sprayer));
    }

    [Fact]
    public async Task Login_LetsNoMoreThanTheAllowedGuessesThrough_WhenTheyArriveInParallel()
    {
        var user = await Server.CreateUserAsync(Roles.Requestor);

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => LoginAsync(user.Email, "wrong-password", "203.0.113.60")));

        // Five attempts get their password checked; when each answers depends on the others, but none answers 401
        // once five have failed, and every other attempt is refused unchecked.
        Assert.InRange(answers.Count(a => a.StatusCode == HttpStatusCode.Unauthorized), 0, 4);
        Assert.All(answers, a => Assert.True(a.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.TooManyRequests, a.StatusCode.ToString()));
        await HttpAssert.StatusAsync(HttpStatusCode.TooManyRequests, await LoginAsync(user.Email, user.Password, "203.0.113.60"));
    }

    private async Task<HttpResponseMessage> LoginAsync(string email, string password, string? clientAddress)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/auth/login") { Content = JsonContent.Create(new { email, password }) };
        if (clientAddress is not null)
        {
            request.Headers.Add("X-Forwarded-For", clientAddress);
        }

        var response = await Server.CreateClient().SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    // The problem without its traceId, which differs per request by design.
    private static async Task<string> BodyAsync(HttpResponseMessage response)
    {
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        body.Remove("traceId");
        return body.ToJsonString();
    }
}
