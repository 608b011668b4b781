using System.Net;
using System.Net.Http.Json;
using ChangeFlow.Application.Security;
using ChangeFlow.Web.Tests.Support;

namespace ChangeFlow.Web.Tests.Security;

/// <summary>Personal API tokens: issue, use, list, revoke, expiry, deactivated owners.</summary>
public sealed class ApiTokenTests(ChangeFlowServerFixture fixture) : IClassFixture<ChangeFlowServerFixture>
{
    private ChangeFlowServer Server => fixture.Server;

    [Fact]
    public async Task IssueToken_ShowsTheSecretOnce_AndListsOnlyItsPrefix()
    {
        var user = await Server.CreateUserAsync(Roles.Implementer);

        var response = await user.Client.PostAsJsonAsync("api/users/me/tokens", new { name = "gitlab-ci" });

        var issued = (await HttpAssert.StatusAsync(HttpStatusCode.Created, response))!;
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        var secret = issued["token"]!.GetValue<string>();
        Assert.StartsWith("cfp_", secret, StringComparison.Ordinal);
        Assert.Equal(47, secret.Length);
        Assert.Equal(secret[..12], issued["prefix"]!.GetValue<string>());
        Assert.EndsWith($"/api/users/{user.Id}/tokens/{issued["id"]!.GetValue<string>()}", response.Headers.Location!.ToString(), StringComparison.Ordinal);

        var listed = (await HttpAssert.StatusAsync(HttpStatusCode.OK, await user.Client.GetAsync($"api/users/{user.Id}/tokens")))!.AsArray();
        Assert.Equal(2, listed.Count);
        Assert.All(listed, t => Assert.Null(t!["token"]));
        Assert.DoesNotContain(secret, listed.ToJsonString(), StringComparison.Ordinal);

        var me = (await HttpAssert.StatusAsync(HttpStatusCode.OK, await Server.CreateClient(secret).GetAsync("api/users/me")))!;
        Assert.Equal(user.Id, me["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task RevokedToken_IsRefused_WithABearerChallenge()
    {
        var user = await Server.CreateUserAsync(Roles.Requestor);
        var issued = (await HttpAssert.StatusAsync(HttpStatusCode.Created, await user.Client.PostAsJsonAsync("api/users/me/tokens", new { name = "script" })))!;
        var client = Server.CreateClient(issued["token"]!.GetValue<string>());
        await HttpAssert.StatusAsync(HttpStatusCode.OK, await client.GetAsync("api/users/me"));

        await HttpAssert.StatusAsync(HttpStatusCode.NoContent, await user.Client.DeleteAsync($"api/users/me/tokens/{issued["id"]}"));

        var refused = await client.GetAsync("api/users/me");
        await HttpAssert.StatusAsync(HttpStatusCode.Unauthorized, refused);
        Assert.Equal("Bearer error=\"invalid_token\"", refused.Headers.WwwAuthenticate.ToString());
        var listed = (await HttpAssert.StatusAsync(HttpStatusCode.OK, await user.Client.GetAsync("api/users/me/tokens")))!.AsArray();
        Assert.Equal("revoked", listed.Single(t => t!["id"]!.GetValue<string>() == issued["id"]!.GetValue<string>())!["status"]!.GetValue<string>());
        await HttpAssert.StatusAsync(HttpStatusCode.NotFound, await user.Client.DeleteAsync("api/users/me/tokens/tok_unknown"));
    }

    [Fact]
    public async Task Token_StopsWorking_WhenItExpires()
    {
        var user = await Server.CreateUserAsync(Roles.Requestor);
        var expiresAt = Server.Clock.GetUtcNow().AddHours(1);
        var issued = (await HttpAssert.StatusAsync(HttpStatusCode.Created, await user.Client.PostAsJsonAsync("api/users/me/tokens", new { name = "one hour", expiresAt })))!;
        var client = Server.CreateClient(issued["token"]!.GetValue<string>());
        await HttpAssert.StatusAsync(HttpStatusCode.OK, await client.GetAsync("api/users/me"));

        Server.Clock.Advance(TimeSpan.FromHours(1));

        await HttpAssert.StatusAsync(HttpStatusCode.Unauthorized, await client.GetAsync("api/users/me"));
    }

    [Fact]
    public async Task IssueToken_RefusesAPastExpiryAndAMissingName()
    {
        var user = await Server.CreateUserAsync(Roles.Requestor);

        await HttpAssert.FieldErrorAsync(
            await user.Client.PostAsJsonAsync("api/users/me/tokens", new { name = "late", expiresAt = Server.Clock.GetUtcNow().AddMinutes(-1) }),
            "expiresAt",
            "out_of_range");
        await HttpAssert.FieldErrorAsync(await user.Client.PostAsJsonAsync("api/users/me/tokens", new { name = " " }), "name", "required");
        await HttpAssert.FieldErrorAsync(await user.Client.PostAsJsonAsync("api/users/me/tokens", new { name = "x", expiresAt = "tomorrow" }), "expiresAt", "invalid");
    }

    [Fact]
    public async Task Token_IsRefused_WhileItsUserIsDeactivated()
    {
        var user = await Server.CreateUserAsync(Roles.ServiceDeskAgent);

        await HttpAssert.StatusAsync(HttpStatusCode.OK, await Server.Admin.PatchAsJsonAsync($"api/users/{user.Id}", new { isActive = false }));
        await HttpAssert.StatusAsync(HttpStatusCode.Unauthorized, await user.Client.GetAsync("api/users/me"));
        var refusedIssue = await Server.Admin.PostAsJsonAsync($"api/users/{user.Id}/tokens", new { name = "for a deactivated user" });
        await HttpAssert.StatusAsync(HttpStatusCode.Conflict, refusedIssue);

        await HttpAssert.StatusAsync(HttpStatusCode.OK, await Server.Admin.PatchAsJsonAsync($"api/users/{user.Id}", new { isActive = true }));
        await HttpAssert.StatusAsync(HttpStatusCode.OK, await user.Client.GetAsync("api/users/me"));
    }

    [Fact]
    public async Task LastUsed_IsRecordedAtMostOnceAMinute()
    {
        var user = await Server.CreateUserAsync(Roles.Requestor);
        var t0 = Server.Clock.GetUtcNow();
        await HttpAssert.StatusAsync(HttpStatusCode.OK, await user.Client.GetAsync("api/users/me"));

        Server.Clock.Advance(TimeSpan.FromSeconds(30));
        await HttpAssert.StatusAsync(HttpStatusCode.OK, await user.Client.GetAsync("api/users/me"));
        Assert.Equal(t0, await LastUsedAsync(user));

        Server.Clock.Advance(TimeSpan.FromSeconds(31));
        await HttpAssert.StatusAsync(HttpStatusCode.OK, await user.Client.GetAsync("api/users/me"));
        Assert.Equal(t0.AddSeconds(61), await LastUsedAsync(user));
    }

    [Fact]
    public async Task Bearer_WithAnUnknownToken_IsRefused_EvenOnAnEndpointACookieCouldReach()
    {
        var client = Server.CreateClient("cfp_not-a-real-token-at-all-000000000000000000");

        await HttpAssert.StatusAsync(HttpStatusCode.Unauthorized, await client.GetAsync("api/workflow-definitions"));
        await HttpAssert.StatusAsync(HttpStatusCode.OK, await client.GetAsync("health/live"));
    }

    private async Task<DateTimeOffset?> LastUsedAsync(TestUser user)
    {
        var tokens = (await HttpAssert.StatusAsync(HttpStatusCode.OK, await Server.Admin.GetAsync($"api/users/{user.Id}/tokens")))!.AsArray();
        return Assert.Single(tokens)!["lastUsedAt"]?.GetValue<DateTimeOffset>();
    }
}
