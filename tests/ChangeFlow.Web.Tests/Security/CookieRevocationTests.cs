using System.Net;
using System.Net.Http.Json;
using ChangeFlow.Application.Security;
using ChangeFlow.Testing;
using ChangeFlow.Web.Security;
using ChangeFlow.Web.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace ChangeFlow.Web.Tests.Security;

/// <summary>
/// A sign-in cookie copied to another client (as a thief would) stops working when the user's sessions end: sign-out,
/// a password change or reset, a role change, deactivation. The copy is a raw <c>Cookie</c> header, never renewed.
/// </summary>
public sealed class CookieRevocationTests(ChangeFlowServerFixture fixture) : IClassFixture<ChangeFlowServerFixture>
{
    private ChangeFlowServer Server => fixture.Server;

    [Fact]
    public async Task CopiedCookie_IsRefused_AfterLogout()
    {
        var user = await Server.CreateUserAsync(Roles.Requestor);
        var (browser, cookie) = await SignInAsync(Server, user);
        using var copy = CopyOf(Server, cookie);
        await HttpAssert.StatusAsync(HttpStatusCode.OK, await copy.GetAsync("api/users/me"));

        await HttpAssert.StatusAsync(HttpStatusCode.NoContent, await browser.PostAsync("api/auth/logout", null));

        await AssertRefusedAsync(copy);
        await HttpAssert.StatusAsync(HttpStatusCode.OK, await user.Client.GetAsync("api/users/me"));
    }

    [Fact]
    public async Task CopiedCookie_IsRefused_AfterTheUsersOwnPasswordChange_WhileTheChangingSessionGoesOn()
    {
        var user = await Server.CreateUserAsync(Roles.Requestor);
        var (browser, cookie) = await SignInAsync(Server, user);
        using var copy = CopyOf(Server, cookie);

        var changed = await browser.PostAsJsonAsync("api/users/me/password", new { currentPassword = user.Password, newPassword = "a-brand-new-password" });

        await HttpAssert.StatusAsync(HttpStatusCode.NoContent, changed);
        Assert.NotEqual(cookie, CookieOf(changed));
        await HttpAssert.StatusAsync(HttpStatusCode.OK, await browser.GetAsync("api/users/me"));
        await AssertRefusedAsync(copy);
    }

    [Fact]
    public async Task CopiedCookie_IsRefused_AfterAnAdminReset()
    {
        var user = await Server.CreateUserAsync(Roles.Requestor);
        var (_, cookie) = await SignInAsync(Server, user);
        using var copy = CopyOf(Server, cookie);

        await HttpAssert.StatusAsync(HttpStatusCode.OK, await Server.Admin.PatchAsJsonAsync($"api/users/{user.Id}", new { password = "reset-by-the-admin" }));

        await AssertRefusedAsync(copy);
    }

    [Fact]
    public async Task CopiedCookie_IsRefused_AfterDeactivationAndReactivation()
    {
        var user = await Server.CreateUserAsync(Roles.Requestor);
        var (_, cookie) = await SignInAsync(Server, user);
        using var copy = CopyOf(Server, cookie);

        await HttpAssert.StatusAsync(HttpStatusCode.OK, await Server.Admin.PatchAsJsonAsync($"api/users/{user.Id}", new { isActive = false }));
        await HttpAssert.StatusAsync(HttpStatusCode.OK, await Server.Admin.PatchAsJsonAsync($"api/users/{user.Id}", new { isActive = true }));

        await AssertRefusedAsync(copy);
        await SignInAsync(Server, user);
    }

    [Fact]
    public async Task CopiedCookie_IsRefused_AfterARoleChange()
    {
        var user = await Server.CreateUserAsync(Roles.Requestor);
        var (_, cookie) = await SignInAsync(Server, user);
        using var copy = CopyOf(Server, cookie);

        await HttpAssert.StatusAsync(HttpStatusCode.OK, await Server.Admin.PatchAsJsonAsync($"api/users/{user.Id}", new { roles = new[] { Roles.ChangeManager } }));

        await AssertRefusedAsync(copy);
    }

    [Fact]
    public async Task Cookie_KeepsWorkingAndFollowsTheUser_WhenOnlyTheDisplayNameOrGroupsChange()
    {
        var user = await Server.CreateUserAsync(Roles.Requestor);
        var (_, cookie) = await SignInAsync(Server, user);
        using var copy = CopyOf(Server, cookie);

        await HttpAssert.StatusAsync(HttpStatusCode.OK, await Server.Admin.PatchAsJsonAsync($"api/users/{user.Id}", new { displayName = "Renamed", groups = new[] { "lims-team" } }));

        var me = (await HttpAssert.StatusAsync(HttpStatusCode.OK, await copy.GetAsync("api/users/me")))!;
        Assert.Equal("Renamed", me["displayName"]!.GetValue<string>());
    }

    [Fact]
    public async Task Cookie_IsRefused_OnceTheSessionCheckIntervalHasPassed_WhenAnotherNodeEndedTheSessions()
    {
        var user = await Server.CreateUserAsync(Roles.Requestor);
        var (_, cookie) = await SignInAsync(Server, user);
        using var copy = CopyOf(Server, cookie);
        await HttpAssert.StatusAsync(HttpStatusCode.OK, await copy.GetAsync("api/users/me"));

        // Another node writes the new stamp to the shared database; this node's cached read of the user is still fresh.
        await Server.Services.GetRequiredService<IUserStore>().RotateSecurityStampAsync(user.Id, Secrets.NewStamp(), CancellationToken.None);
        await HttpAssert.StatusAsync(HttpStatusCode.OK, await copy.GetAsync("api/users/me"));

        Server.Clock.Advance(new SecurityOptions().SessionCheckInterval);
        await AssertRefusedAsync(copy);
    }

    /// <summary>Signs <paramref name="user"/> in with a cookie-keeping client; returns it and the cookie as a <c>Cookie</c> header value.</summary>
    internal static async Task<(HttpClient Browser, string Cookie)> SignInAsync(ChangeFlowServer server, TestUser user)
    {
        var browser = server.CreateClient();
        var login = await browser.PostAsJsonAsync("api/auth/login", new { email = user.Email, password = user.Password });
        await HttpAssert.StatusAsync(HttpStatusCode.OK, login);
        return (browser, CookieOf(login) ?? throw new InvalidOperationException("The sign-in set no cookie."));
    }

    /// <summary>A client that sends <paramref name="cookie"/> as it is and keeps nothing it is sent back.</summary>
    internal static HttpClient CopyOf(ChangeFlowServer server, string cookie)
    {
        var client = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = server.BaseAddress };
        client.DefaultRequestHeaders.Add("Cookie", cookie);
        return client;
    }

    /// <summary>The copy is answered 401 and not given a working cookie in exchange.</summary>
    internal static async Task AssertRefusedAsync(HttpClient copy)
    {
        var refused = await copy.GetAsync("api/users/me");
        await HttpAssert.StatusAsync(HttpStatusCode.Unauthorized, refused);
        Assert.Null(CookieOf(refused));
    }

    // The sign-in cookie a response sets, as "name=value"; null when it sets none or only clears it.
    private static string? CookieOf(HttpResponseMessage response)
    {
        var prefix = ChangeFlowAuthentication.CookieName + "=";
        var set = response.Headers.TryGetValues("Set-Cookie", out var values)
            ? values.FirstOrDefault(v => v.StartsWith(prefix, StringComparison.Ordinal))
            : null;
        var pair = set?.Split(';')[0];
        return pair is null || pair.Length == prefix.Length ? null : pair;
    }
}

/// <summary>The stamp is stored: the same revocations on PostgreSQL.</summary>
public sealed class PostgreSqlCookieRevocationTests
{
    [Fact]
    public async Task CopiedCookie_IsRefused_AfterLogoutAndAfterARoleChange_OnPostgreSql()
    {
        await using var server = await ChangeFlowServer.StartAsync(new ChangeFlowServerOptions { Provider = DatabaseProvider.PostgreSql });
        var user = await server.CreateUserAsync(Roles.Requestor);

        var (browser, cookie) = await CookieRevocationTests.SignInAsync(server, user);
        using (var copy = CookieRevocationTests.CopyOf(server, cookie))
        {
            await HttpAssert.StatusAsync(HttpStatusCode.NoContent, await browser.PostAsync("api/auth/logout", null));
            await CookieRevocationTests.AssertRefusedAsync(copy);
        }

        (_, cookie) = await CookieRevocationTests.SignInAsync(server, user);
        using (var copy = CookieRevocationTests.CopyOf(server, cookie))
        {
            await HttpAssert.StatusAsync(HttpStatusCode.OK, await copy.GetAsync("api/users/me"));
            await HttpAssert.StatusAsync(HttpStatusCode.OK, await server.Admin.PatchAsJsonAsync($"api/users/{user.Id}", new { roles = new[] { Roles.CabMember } }));
            await CookieRevocationTests.AssertRefusedAsync(copy);
        }
    }
}
