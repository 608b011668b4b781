using System.Net;
using System.Net.Http.Json;
using ChangeFlow.Application.Security;
using ChangeFlow.Web.Tests.Support;

namespace ChangeFlow.Web.Tests.Security;

/// <summary>Browser sign-in with the HttpOnly cookie.</summary>
public sealed class CookieSignInTests(ChangeFlowServerFixture fixture) : IClassFixture<ChangeFlowServerFixture>
{
    private ChangeFlowServer Server => fixture.Server;

    [Fact]
    public async Task Login_SetsAStrictHttpOnlyCookie_ThatAuthenticatesUntilLogout()
    {
        var user = await Server.CreateUserAsync(Roles.Requestor);
        var browser = Server.CreateClient();

        var login = await browser.PostAsJsonAsync("api/auth/login", new { email = user.Email.ToUpperInvariant(), password = user.Password });

        await HttpAssert.StatusAsync(HttpStatusCode.OK, login);
        var cookie = Assert.Single(login.Headers.GetValues("Set-Cookie"));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        var me = (await HttpAssert.StatusAsync(HttpStatusCode.OK, await browser.GetAsync("api/users/me")))!;
        Assert.Equal(user.Id, me["id"]!.GetValue<string>());

        await HttpAssert.StatusAsync(HttpStatusCode.NoContent, await browser.PostAsync("api/auth/logout", null));

        var after = await browser.GetAsync("api/users/me");
        var problem = (await HttpAssert.StatusAsync(HttpStatusCode.Unauthorized, after))!;
        Assert.Equal("application/problem+json", after.Content.Headers.ContentType?.MediaType);
        Assert.Equal(401, problem["status"]!.GetValue<int>());
    }

    [Fact]
    public async Task ApiPaths_AnswerProblems_NotRedirects_WhenNotSignedInOrNotAllowed()
    {
        var user = await Server.CreateUserAsync(Roles.Implementer);
        var browser = Server.CreateClient();

        var anonymous = await browser.GetAsync("api/users");
        await HttpAssert.StatusAsync(HttpStatusCode.Unauthorized, anonymous);
        Assert.Null(anonymous.Headers.Location);

        await HttpAssert.StatusAsync(HttpStatusCode.OK, await browser.PostAsJsonAsync("api/auth/login", new { email = user.Email, password = user.Password }));
        var forbidden = await browser.GetAsync("api/users");
        var problem = (await HttpAssert.StatusAsync(HttpStatusCode.Forbidden, forbidden))!;
        Assert.Null(forbidden.Headers.Location);
        Assert.Equal("Forbidden", problem["title"]!.GetValue<string>());
    }

    [Fact]
    public async Task Login_Fails_WithAWrongPasswordOrUnknownEmail()
    {
        var user = await Server.CreateUserAsync(Roles.Requestor);
        var browser = Server.CreateClient();

        await HttpAssert.StatusAsync(HttpStatusCode.Unauthorized, await browser.PostAsJsonAsync("api/auth/login", new { email = user.Email, password = "not-the-password" }));
        await HttpAssert.StatusAsync(HttpStatusCode.Unauthorized, await browser.PostAsJsonAsync("api/auth/login", new { email = "nobody@changeflow.test", password = "whatever-password" }));
        await HttpAssert.FieldErrorAsync(await browser.PostAsJsonAsync("api/auth/login", new { email = "x@y", pasword = "typo" }), "pasword", "invalid");
        await HttpAssert.FieldErrorAsync(await browser.PostAsJsonAsync("api/auth/login", new { email = user.Email }), "password", "required");
        await HttpAssert.FieldErrorAsync(await browser.PostAsJsonAsync("api/auth/login", new { }), "email", "required");
    }

    [Fact]
    public async Task Login_IsPausedForThatAddressAndEmail_AfterTooManyFailures_UntilTheWindowEnds()
    {
        var user = await Server.CreateUserAsync(Roles.Requestor);
        var browser = Server.CreateClient();
        for (var i = 0; i < 4; i++)
        {
            await HttpAssert.StatusAsync(HttpStatusCode.Unauthorized, await browser.PostAsJsonAsync("api/auth/login", new { email = user.Email, password = "wrong-password" }));
        }

        await HttpAssert.StatusAsync(HttpStatusCode.TooManyRequests, await browser.PostAsJsonAsync("api/auth/login", new { email = user.Email, password = "wrong-password" }));
        await HttpAssert.StatusAsync(HttpStatusCode.TooManyRequests, await browser.PostAsJsonAsync("api/auth/login", new { email = user.Email, password = user.Password }));

        // Tokens keep working during a pause: it guards the password, not the account.
        await HttpAssert.StatusAsync(HttpStatusCode.OK, await user.Client.GetAsync("api/users/me"));

        Server.Clock.Advance(TimeSpan.FromMinutes(16));
        await HttpAssert.StatusAsync(HttpStatusCode.OK, await browser.PostAsJsonAsync("api/auth/login", new { email = user.Email, password = user.Password }));
    }

    [Fact]
    public async Task Cookie_IsRefused_OnceTheUserIsDeactivated_OrTheirRolesChange()
    {
        var user = await Server.CreateUserAsync(Roles.Requestor);
        var browser = Server.CreateClient();
        await HttpAssert.StatusAsync(HttpStatusCode.OK, await browser.PostAsJsonAsync("api/auth/login", new { email = user.Email, password = user.Password }));
        await HttpAssert.StatusAsync(HttpStatusCode.Forbidden, await browser.GetAsync("api/users"));

        // New roles end the session instead of being carried over into it: the user signs in again to use them.
        await HttpAssert.StatusAsync(HttpStatusCode.OK, await Server.Admin.PatchAsJsonAsync($"api/users/{user.Id}", new { roles = new[] { Roles.ChangeManager } }));
        await HttpAssert.StatusAsync(HttpStatusCode.Unauthorized, await browser.GetAsync("api/users"));
        await HttpAssert.StatusAsync(HttpStatusCode.OK, await browser.PostAsJsonAsync("api/auth/login", new { email = user.Email, password = user.Password }));
        await HttpAssert.StatusAsync(HttpStatusCode.OK, await browser.GetAsync("api/users"));

        await HttpAssert.StatusAsync(HttpStatusCode.OK, await Server.Admin.PatchAsJsonAsync($"api/users/{user.Id}", new { isActive = false }));
        await HttpAssert.StatusAsync(HttpStatusCode.Unauthorized, await browser.GetAsync("api/users/me"));
        await HttpAssert.StatusAsync(HttpStatusCode.Unauthorized, await browser.PostAsJsonAsync("api/auth/login", new { email = user.Email, password = user.Password }));
    }

    [Fact]
    public async Task ChangeOwnPassword_RequiresTheCurrentOne()
    {
        var user = await Server.CreateUserAsync(Roles.CabMember);

        await HttpAssert.FieldErrorAsync(
            await user.Client.PostAsJsonAsync("api/users/me/password", new { currentPassword = "wrong-password", newPassword = "a-brand-new-password" }),
            "currentPassword",
            "invalid");
        await HttpAssert.FieldErrorAsync(
            await user.Client.PostAsJsonAsync("api/users/me/password", new { currentPassword = user.Password, newPassword = "short" }),
            "newPassword",
            "out_of_range");
        await HttpAssert.StatusAsync(
            HttpStatusCode.NoContent,
            await user.Client.PostAsJsonAsync("api/users/me/password", new { currentPassword = user.Password, newPassword = "a-brand-new-password" }));

        var browser = Server.CreateClient();
        await HttpAssert.StatusAsync(HttpStatusCode.Unauthorized, await browser.PostAsJsonAsync("api/auth/login", new { email = user.Email, password = user.Password }));
        await HttpAssert.StatusAsync(HttpStatusCode.OK, await browser.PostAsJsonAsync("api/auth/login", new { email = user.Email, password = "a-brand-new-password" }));
    }
}
