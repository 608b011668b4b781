using System.Net;
using System.Net.Http.Json;
using System.Text;
using ChangeFlow.Application.Security;
using ChangeFlow.Web.Tests.Support;

namespace ChangeFlow.Web.Tests.Security;

/// <summary>Creating, listing and changing users; every bad input is a 400 naming its field.</summary>
public sealed class UsersApiTests(ChangeFlowServerFixture fixture) : IClassFixture<ChangeFlowServerFixture>
{
    private ChangeFlowServer Server => fixture.Server;

    [Fact]
    public async Task CreateUser_StoresRolesAndGroupsInCanonicalForm()
    {
        var response = await Server.Admin.PostAsJsonAsync("api/users", new
        {
            email = "Ada.Lovelace@Example.org",
            displayName = "Ada Lovelace",
            roles = new[] { "cabmember", "Requestor" },
            groups = new[] { "lims-team", "cab-lims" },
        });

        var user = (await HttpAssert.StatusAsync(HttpStatusCode.Created, response))!;
        Assert.Equal($"/api/users/{user["id"]}", response.Headers.Location!.ToString());
        Assert.Equal("Ada.Lovelace@Example.org", user["email"]!.GetValue<string>());
        Assert.Equal([Roles.Requestor, Roles.CabMember], user["roles"]!.AsArray().Select(r => r!.GetValue<string>()));
        Assert.Equal(["cab-lims", "lims-team"], user["groups"]!.AsArray().Select(r => r!.GetValue<string>()));
        Assert.False(user["hasPassword"]!.GetValue<bool>());
        Assert.Null(user["passwordHash"]);

        var byGroup = (await HttpAssert.StatusAsync(HttpStatusCode.OK, await Server.Admin.GetAsync("api/users?group=cab-lims")))!.AsArray();
        Assert.Equal(user["id"]!.GetValue<string>(), Assert.Single(byGroup)!["id"]!.GetValue<string>());
        var bySearch = (await HttpAssert.StatusAsync(HttpStatusCode.OK, await Server.Admin.GetAsync("api/users?search=lovelace")))!.AsArray();
        Assert.Single(bySearch);
    }

    [Fact]
    public async Task UserRoutes_TakeAnEMail_AsWellAsAnId()
    {
        var user = await Server.CreateUserAsync(Roles.Requestor);

        var found = (await HttpAssert.StatusAsync(HttpStatusCode.OK, await Server.Admin.GetAsync($"api/users/{Uri.EscapeDataString(user.Email.ToUpperInvariant())}")))!;
        Assert.Equal(user.Id, found["id"]!.GetValue<string>());
        using var patch = JsonContent.Create(new { displayName = "Renamed by e-mail" });
        var patched = (await HttpAssert.StatusAsync(HttpStatusCode.OK, await Server.Admin.PatchAsync($"api/users/{Uri.EscapeDataString(user.Email)}", patch)))!;
        Assert.Equal("Renamed by e-mail", patched["displayName"]!.GetValue<string>());
        var tokens = (await HttpAssert.StatusAsync(HttpStatusCode.OK, await Server.Admin.GetAsync($"api/users/{Uri.EscapeDataString(user.Email)}/tokens")))!;
        Assert.NotEmpty(tokens.AsArray());
        await HttpAssert.StatusAsync(HttpStatusCode.NotFound, await Server.Admin.GetAsync("api/users/nobody%40example.org"));

        // Someone else's e-mail is no more open to a plain user than their id, known or not.
        var other = await Server.CreateUserAsync(Roles.Requestor);
        Assert.Equal(HttpStatusCode.Forbidden, (await user.Client.GetAsync($"api/users/{Uri.EscapeDataString(other.Email)}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await user.Client.GetAsync("api/users/nobody%40example.org")).StatusCode);
        Assert.Equal(user.Id, (await HttpAssert.StatusAsync(HttpStatusCode.OK, await user.Client.GetAsync($"api/users/{Uri.EscapeDataString(user.Email)}")))!["id"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("""{"email":"not-an-email"}""", "email", "invalid")]
    [InlineData("""{"email":"Someone <a@b.org>"}""", "email", "invalid")]
    [InlineData("""{"displayName":"No e-mail"}""", "email", "required")]
    [InlineData("""{"email":"a@b.org","roles":["Requestor","Wizard"]}""", "roles[1]", "invalid")]
    [InlineData("""{"email":"a@b.org","roles":["Requestor","requestor"]}""", "roles[1]", "duplicate")]
    [InlineData("""{"email":"a@b.org","groups":["Lims Team"]}""", "groups[0]", "invalid")]
    [InlineData("""{"email":"a@b.org","password":"short"}""", "password", "out_of_range")]
    [InlineData("""{"email":"a@b.org","displayName":"   "}""", "displayName", "required")]
    [InlineData("""{"email":"a@b.org","roles":"Admin"}""", "roles", "invalid")]
    [InlineData("""{"email":"a@b.org","role":["Admin"]}""", "role", "invalid")]
    [InlineData("""{"email":"a@b.org","isActive":"yes"}""", "isActive", "invalid")]
    [InlineData("""{"email":""", "email", "invalid")]
    [InlineData("""[1,2]""", "", "invalid")]
    [InlineData("""null""", "", "invalid")]
    public async Task CreateUser_AnswersAFieldError_ForBadInput(string json, string path, string code)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");

        await HttpAssert.FieldErrorAsync(await Server.Admin.PostAsync("api/users", content), path, code);
    }

    [Fact]
    public async Task CreateUser_RefusesAnEmailThatDiffersOnlyInCase()
    {
        await HttpAssert.StatusAsync(HttpStatusCode.Created, await Server.Admin.PostAsJsonAsync("api/users", new { email = "grace@example.org" }));

        await HttpAssert.FieldErrorAsync(await Server.Admin.PostAsJsonAsync("api/users", new { email = "GRACE@example.org" }), "email", "duplicate");
    }

    [Fact]
    public async Task UpdateUser_RefusesAStaleVersion_AndUnknownUsers()
    {
        var user = await Server.CreateUserAsync(Roles.Requestor);
        var current = (await HttpAssert.StatusAsync(HttpStatusCode.OK, await Server.Admin.GetAsync($"api/users/{user.Id}")))!;
        var version = current["version"]!.GetValue<long>();

        var updated = (await HttpAssert.StatusAsync(HttpStatusCode.OK, await Server.Admin.PatchAsJsonAsync($"api/users/{user.Id}", new { displayName = "Renamed", version })))!;
        Assert.Equal(version + 1, updated["version"]!.GetValue<long>());

        var stale = (await HttpAssert.StatusAsync(HttpStatusCode.Conflict, await Server.Admin.PatchAsJsonAsync($"api/users/{user.Id}", new { displayName = "Again", version })))!;
        Assert.Equal("version", stale["path"]!.GetValue<string>());
        await HttpAssert.StatusAsync(HttpStatusCode.NotFound, await Server.Admin.PatchAsJsonAsync("api/users/usr_unknown", new { displayName = "X" }));
        await HttpAssert.StatusAsync(HttpStatusCode.NotFound, await Server.Admin.GetAsync("api/users/usr_unknown"));
        await HttpAssert.FieldErrorAsync(await Server.Admin.PatchAsJsonAsync($"api/users/{user.Id}", new { groups = new[] { "ok", "NOT OK" } }), "groups[1]", "invalid");
    }

    [Fact]
    public async Task UpdateUser_KeepsTheLastActiveAdministrator()
    {
        var me = (await HttpAssert.StatusAsync(HttpStatusCode.OK, await Server.Admin.GetAsync("api/users/me")))!;
        var adminId = me["id"]!.GetValue<string>();

        var demote = (await HttpAssert.StatusAsync(HttpStatusCode.Conflict, await Server.Admin.PatchAsJsonAsync($"api/users/{adminId}", new { roles = new[] { Roles.ChangeManager } })))!;
        Assert.Equal("not_allowed", demote["code"]!.GetValue<string>());
        await HttpAssert.StatusAsync(HttpStatusCode.Conflict, await Server.Admin.PatchAsJsonAsync($"api/users/{adminId}", new { isActive = false }));

        var second = await Server.CreateUserAsync(Roles.Admin);
        await HttpAssert.StatusAsync(HttpStatusCode.OK, await second.Client.PatchAsJsonAsync($"api/users/{second.Id}", new { roles = new[] { Roles.Admin, Roles.ChangeManager } }));
        await HttpAssert.StatusAsync(HttpStatusCode.OK, await Server.Admin.PatchAsJsonAsync($"api/users/{second.Id}", new { isActive = false }));
    }

    [Fact]
    public async Task PasswordReset_ByAnAdministrator_LetsTheUserSignIn()
    {
        var user = await Server.CreateUserAsync(Roles.Implementer);

        await HttpAssert.StatusAsync(HttpStatusCode.OK, await Server.Admin.PatchAsJsonAsync($"api/users/{user.Id}", new { password = "reset-by-the-admin" }));

        var browser = Server.CreateClient();
        await HttpAssert.StatusAsync(HttpStatusCode.OK, await browser.PostAsJsonAsync("api/auth/login", new { email = user.Email, password = "reset-by-the-admin" }));
    }

    [Fact]
    public async Task ListUsers_ValidatesItsQuery()
    {
        var problem = await Server.Admin.GetAsync("api/users?role=Wizard&take=0");

        var body = (await HttpAssert.StatusAsync(HttpStatusCode.BadRequest, problem))!;
        Assert.NotNull(body["errors"]!["role"]);
        Assert.NotNull(body["errors"]!["take"]);
    }
}
