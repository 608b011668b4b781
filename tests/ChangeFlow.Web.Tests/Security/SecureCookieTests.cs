using System.Net;
using System.Net.Http.Json;
using ChangeFlow.Application.Security;
using ChangeFlow.Web.Security;
using ChangeFlow.Web.Tests.Support;

namespace ChangeFlow.Web.Tests.Security;

/// <summary>
/// The sign-in cookie is <c>Secure</c> whenever users reach the service over HTTPS: the request says so (directly, or
/// through a trusted proxy's <c>X-Forwarded-Proto</c>) or <c>ChangeFlow:PublicBaseUrl</c> is an https address.
/// </summary>
public sealed class SecureCookieTests(ChangeFlowServerFixture fixture) : IClassFixture<ChangeFlowServerFixture>
{
    private ChangeFlowServer Server => fixture.Server;

    [Fact]
    public async Task Login_SetsACookieWithoutSecure_OnPlainHttpFromLoopback()
    {
        var cookie = await SignInCookieAsync(Server, forwardedProto: null);

        Assert.DoesNotContain("secure", cookie, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Login_SetsASecureCookie_WhenATrustedProxySaysTheClientUsedHttps()
    {
        var cookie = await SignInCookieAsync(Server, forwardedProto: "https");

        Assert.Contains("secure", cookie, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Login_SetsASecureCookie_WhenPublicBaseUrlIsHttps()
    {
        await using var server = await ChangeFlowServer.StartAsync(new ChangeFlowServerOptions { Settings = { ["ChangeFlow:PublicBaseUrl"] = "https://changes.example.org" } });

        var cookie = await SignInCookieAsync(server, forwardedProto: null);

        Assert.Contains("secure", cookie, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task ForwardedHeaders_AreIgnored_WhenTheSenderIsNotATrustedProxy()
    {
        await using var server = await ChangeFlowServer.StartAsync(new ChangeFlowServerOptions
        {
            Settings = { ["ChangeFlow:Proxy:TrustLoopback"] = "false", ["ChangeFlow:Proxy:TrustedProxies:0"] = "192.0.2.10" },
        });

        var cookie = await SignInCookieAsync(server, forwardedProto: "https");
        Assert.DoesNotContain("secure", cookie, StringComparison.OrdinalIgnoreCase);

        // A made-up X-Forwarded-For per attempt does not spread the guesses over many addresses: they all count for loopback.
        var user = await server.CreateUserAsync(Roles.Requestor);
        var browser = server.CreateClient();
        for (var i = 0; i < 5; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "api/auth/login") { Content = JsonContent.Create(new { email = user.Email, password = "wrong-password" }) };
            request.Headers.Add("X-Forwarded-For", $"203.0.113.{i + 1}");
            await HttpAssert.StatusAsync(i < 4 ? HttpStatusCode.Unauthorized : HttpStatusCode.TooManyRequests, await browser.SendAsync(request));
        }
    }

    private static async Task<string> SignInCookieAsync(ChangeFlowServer server, string? forwardedProto)
    {
        var user = await server.CreateUserAsync(Roles.Requestor);
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/auth/login") { Content = JsonContent.Create(new { email = user.Email, password = user.Password }) };
        if (forwardedProto is not null)
        {
            request.Headers.Add("X-Forwarded-Proto", forwardedProto);
        }

        var login = await server.CreateClient().SendAsync(request);
        await HttpAssert.StatusAsync(HttpStatusCode.OK, login);
        return Assert.Single(login.Headers.GetValues("Set-Cookie"), c => c.StartsWith(ChangeFlowAuthentication.CookieName + "=", StringComparison.Ordinal));
    }
}
