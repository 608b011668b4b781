using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using ChangeFlow.Application.Security;
using ChangeFlow.Web.Tests.Support;

namespace ChangeFlow.Web.Tests.Security;

/// <summary>First start creates the administrator from ChangeFlow:Bootstrap, or with a password shown once.</summary>
public sealed partial class BootstrapTests
{
    [Fact]
    public async Task Bootstrap_RegistersTheConfiguredToken_WhenAdminApiTokenIsSet()
    {
        await using var server = await ChangeFlowServer.StartAsync();

        var me = (await HttpAssert.StatusAsync(HttpStatusCode.OK, await server.Admin.GetAsync("api/users/me")))!;

        Assert.Equal(ChangeFlowServerOptions.DefaultAdminEmail, me["email"]!.GetValue<string>());
        Assert.Equal([Roles.Admin], me["roles"]!.AsArray().Select(r => r!.GetValue<string>()));
        var tokens = (await HttpAssert.StatusAsync(HttpStatusCode.OK, await server.Admin.GetAsync("api/users/me/tokens")))!.AsArray();
        Assert.Equal("active", Assert.Single(tokens)!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Bootstrap_NeverLogsConfiguredSecrets()
    {
        await using var server = await ChangeFlowServer.StartAsync();

        var log = string.Join('\n', server.Logs.Lines);
        Assert.Contains("created the administrator admin@changeflow.test with the configured password", log, StringComparison.Ordinal);
        Assert.DoesNotContain(ChangeFlowServerOptions.DefaultAdminPassword, log, StringComparison.Ordinal);
        Assert.DoesNotContain(ChangeFlowServerOptions.DefaultAdminApiToken, log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bootstrap_LogsAGeneratedPasswordOnce_WhenNoPasswordIsConfigured()
    {
        await using var server = await ChangeFlowServer.StartAsync(new ChangeFlowServerOptions { AdminPassword = null, AdminApiToken = null });

        var lines = server.Logs.Lines.Where(l => l.Contains("generated password", StringComparison.Ordinal)).ToList();
        var password = GeneratedPassword().Match(Assert.Single(lines)).Groups[1].Value;
        using var browser = server.CreateClient();
        await HttpAssert.StatusAsync(HttpStatusCode.OK, await browser.PostAsJsonAsync("api/auth/login", new { email = server.AdminEmail, password }));
        await HttpAssert.StatusAsync(HttpStatusCode.OK, await browser.GetAsync("api/users/me"));

        await server.RestartAsync();

        Assert.DoesNotContain(server.Logs.Lines, l => l.Contains("generated password", StringComparison.Ordinal) || l.Contains(password, StringComparison.Ordinal));
        Assert.Contains(server.Logs.Lines, l => l.Contains("Workflow import", StringComparison.Ordinal));
        using var again = server.CreateClient();
        await HttpAssert.StatusAsync(HttpStatusCode.OK, await again.PostAsJsonAsync("api/auth/login", new { email = server.AdminEmail, password }));
    }

    [Fact]
    public async Task Bootstrap_UsesTheDefaultEmail_WhenNoneIsConfigured()
    {
        await using var server = await ChangeFlowServer.StartAsync(new ChangeFlowServerOptions { AdminEmail = "" });

        var me = (await HttpAssert.StatusAsync(HttpStatusCode.OK, await server.Admin.GetAsync("api/users/me")))!;

        Assert.Equal(UserService.DefaultAdminEmail, me["email"]!.GetValue<string>());
    }

    [Fact]
    public async Task Start_Fails_WhenTheConfiguredPasswordIsTooShort()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            ChangeFlowServer.StartAsync(new ChangeFlowServerOptions { AdminPassword = "short" }));

        Assert.Contains("ChangeFlow:Bootstrap:AdminPassword", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("short", error.Message, StringComparison.Ordinal);
    }

    [GeneratedRegex("generated password (\\S+) ")]
    private static partial Regex GeneratedPassword();
}
