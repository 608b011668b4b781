using System.Net;
using System.Net.Http.Json;
using ChangeFlow.Application.Security;
using ChangeFlow.Testing;
using ChangeFlow.Web.Tests.Support;

namespace ChangeFlow.Web.Tests.Security;

/// <summary>The same service on PostgreSQL: bootstrap, users, tokens and an idempotent replay.</summary>
public sealed class PostgreSqlServerTests
{
    [Fact]
    public async Task Service_SignsInAndReplays_OnPostgreSql()
    {
        await using var server = await ChangeFlowServer.StartAsync(new ChangeFlowServerOptions { Provider = DatabaseProvider.PostgreSql });
        var manager = await server.CreateUserAsync(Roles.ChangeManager);

        await HttpAssert.StatusAsync(HttpStatusCode.OK, await manager.Client.GetAsync("api/users?role=ChangeManager"));
        await HttpAssert.StatusAsync(HttpStatusCode.Forbidden, await manager.Client.PostAsJsonAsync("api/users", new { email = "no@example.org" }));

        using var first = new HttpRequestMessage(HttpMethod.Post, "api/users") { Content = JsonContent.Create(new { email = "pg@example.org" }) };
        first.Headers.Add("Idempotency-Key", "pg-key");
        using var second = new HttpRequestMessage(HttpMethod.Post, "api/users") { Content = JsonContent.Create(new { email = "pg@example.org" }) };
        second.Headers.Add("Idempotency-Key", "pg-key");
        await HttpAssert.StatusAsync(HttpStatusCode.Created, await server.Admin.SendAsync(first));
        var replay = await server.Admin.SendAsync(second);
        await HttpAssert.StatusAsync(HttpStatusCode.Created, replay);
        Assert.True(replay.Headers.Contains("Idempotent-Replayed"));

        var browser = server.CreateClient();
        await HttpAssert.StatusAsync(HttpStatusCode.OK, await browser.PostAsJsonAsync("api/auth/login", new { email = manager.Email, password = manager.Password }));
        await HttpAssert.StatusAsync(HttpStatusCode.OK, await browser.GetAsync("api/workflow-instances"));
    }
}
