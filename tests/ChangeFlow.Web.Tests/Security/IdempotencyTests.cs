using System.Net;
using System.Net.Http.Json;
using ChangeFlow.Application.Security;
using ChangeFlow.Web.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace ChangeFlow.Web.Tests.Security;

/// <summary>Idempotency-Key on POST /api/users: replay, mismatch, per-user scope, expiry and purge.</summary>
public sealed class IdempotencyTests(ChangeFlowServerFixture fixture) : IClassFixture<ChangeFlowServerFixture>
{
    private ChangeFlowServer Server => fixture.Server;

    [Fact]
    public async Task SameKeyAndRequest_ReplaysTheFirstAnswer_WithoutRunningAgain()
    {
        var key = Guid.NewGuid().ToString();
        var first = await PostUserAsync(Server.Admin, key, new { email = "once@example.org", roles = new[] { Roles.Requestor } });
        var firstBody = await first.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.False(first.Headers.Contains("Idempotent-Replayed"));

        var second = await PostUserAsync(Server.Admin, key, new { email = "once@example.org", roles = new[] { Roles.Requestor } });

        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        Assert.Equal("true", Assert.Single(second.Headers.GetValues("Idempotent-Replayed")));
        Assert.Equal(first.Headers.Location, second.Headers.Location);
        Assert.Equal(first.Content.Headers.ContentType, second.Content.Headers.ContentType);
        Assert.Equal(firstBody, await second.Content.ReadAsStringAsync());
        var users = (await HttpAssert.StatusAsync(HttpStatusCode.OK, await Server.Admin.GetAsync("api/users?search=once@example.org")))!.AsArray();
        Assert.Single(users);
    }

    [Fact]
    public async Task SameKey_WithADifferentBody_Is422()
    {
        var key = Guid.NewGuid().ToString();
        await HttpAssert.StatusAsync(HttpStatusCode.Created, await PostUserAsync(Server.Admin, key, new { email = "first-body@example.org" }));

        var reused = await PostUserAsync(Server.Admin, key, new { email = "second-body@example.org" });

        var problem = (await HttpAssert.StatusAsync(HttpStatusCode.UnprocessableEntity, reused))!;
        Assert.Equal("application/problem+json", reused.Content.Headers.ContentType?.MediaType);
        Assert.Equal(422, problem["status"]!.GetValue<int>());
    }

    [Fact]
    public async Task Keys_AreScopedPerUser()
    {
        var otherAdmin = await Server.CreateUserAsync(Roles.Admin);
        var key = "shared-key-" + Guid.NewGuid();

        var mine = await PostUserAsync(Server.Admin, key, new { email = "scoped-a@example.org" });
        var theirs = await PostUserAsync(otherAdmin.Client, key, new { email = "scoped-b@example.org" });

        await HttpAssert.StatusAsync(HttpStatusCode.Created, mine);
        await HttpAssert.StatusAsync(HttpStatusCode.Created, theirs);
        Assert.False(theirs.Headers.Contains("Idempotent-Replayed"));
    }

    [Fact]
    public async Task ClientErrors_AreKeptAndReplayed()
    {
        var key = Guid.NewGuid().ToString();
        await HttpAssert.FieldErrorAsync(await PostUserAsync(Server.Admin, key, new { email = "bad" }), "email", "invalid");

        var again = await PostUserAsync(Server.Admin, key, new { email = "bad" });

        await HttpAssert.FieldErrorAsync(again, "email", "invalid");
        Assert.True(again.Headers.Contains("Idempotent-Replayed"));
    }

    [Fact]
    public async Task InvalidKeys_AreRefused()
    {
        await HttpAssert.StatusAsync(HttpStatusCode.BadRequest, await PostUserAsync(Server.Admin, new string('k', 201), new { email = "long-key@example.org" }));
        await HttpAssert.StatusAsync(HttpStatusCode.BadRequest, await PostUserAsync(Server.Admin, "has space", new { email = "space-key@example.org" }));
    }

    [Fact]
    public async Task ExpiredRecords_FreeTheKey_AndArePurged()
    {
        var key = Guid.NewGuid().ToString();
        await HttpAssert.StatusAsync(HttpStatusCode.Created, await PostUserAsync(Server.Admin, key, new { email = "before-expiry@example.org" }));

        Server.Clock.Advance(TimeSpan.FromHours(24));

        await HttpAssert.StatusAsync(HttpStatusCode.Created, await PostUserAsync(Server.Admin, key, new { email = "after-expiry@example.org" }));
        Server.Clock.Advance(TimeSpan.FromHours(24));

        // The hourly purge may have run as the clock moved; either way the record is gone after this one.
        await Server.Services.GetRequiredService<IdempotencyService>().PurgeExpiredAsync(CancellationToken.None);
        await using var db = Server.Database.CreateContext();
        Assert.DoesNotContain(db.Set<Persistence.Security.IdempotencyRecordEntity>().ToList(), r => r.Key == key);
    }

    [Fact]
    public async Task Begin_ReportsInFlight_UntilTheFirstRequestIsLost()
    {
        var service = Server.Services.GetRequiredService<IdempotencyService>();
        var me = (await HttpAssert.StatusAsync(HttpStatusCode.OK, await Server.Admin.GetAsync("api/users/me")))!["id"]!.GetValue<string>();
        var key = Guid.NewGuid().ToString();

        Assert.Equal(IdempotencyDecision.Proceed, (await service.BeginAsync(me, key, "POST", "/api/x", "hash", CancellationToken.None)).Decision);
        Assert.Equal(IdempotencyDecision.InFlight, (await service.BeginAsync(me, key, "POST", "/api/x", "hash", CancellationToken.None)).Decision);

        var conflict = await PostUserAsync(Server.Admin, key, new { email = "in-flight@example.org" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, conflict.StatusCode);

        Server.Clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(IdempotencyDecision.Proceed, (await service.BeginAsync(me, key, "POST", "/api/x", "hash", CancellationToken.None)).Decision);
    }

    [Fact]
    public async Task InFlightKey_OnTheSameRequest_Is409()
    {
        var service = Server.Services.GetRequiredService<IdempotencyService>();
        var me = (await HttpAssert.StatusAsync(HttpStatusCode.OK, await Server.Admin.GetAsync("api/users/me")))!["id"]!.GetValue<string>();
        var key = Guid.NewGuid().ToString();
        var body = JsonContent.Create(new { email = "racing@example.org" });
        var bytes = await body.ReadAsByteArrayAsync();
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));
        await service.BeginAsync(me, key, "POST", "/api/users", hash, CancellationToken.None);

        using var request = new HttpRequestMessage(HttpMethod.Post, "api/users") { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        request.Headers.Add("Idempotency-Key", key);
        await HttpAssert.StatusAsync(HttpStatusCode.Conflict, await Server.Admin.SendAsync(request));
    }

    private static async Task<HttpResponseMessage> PostUserAsync(HttpClient client, string key, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/users") { Content = JsonContent.Create(body) };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        return await client.SendAsync(request);
    }
}
