using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ChangeFlow.Cluster.Tests.Support;
using Xunit.Abstractions;

namespace ChangeFlow.Cluster.Tests;

/// <summary>
/// The Data Protection key ring lives in the database: a sign-in cookie issued by one node is read by another node and
/// by a restarted node. Each node here runs with a home directory of its own, so the key ring Data Protection would
/// otherwise keep in <c>~/.aspnet</c> cannot be shared behind the test's back.
/// </summary>
public sealed class DataProtectionKeyTests : IAsyncLifetime
{
    private const string Password = "cluster-admin-password-1";
    private readonly ITestOutputHelper _output;
    private TestCluster _cluster = null!;

    public DataProtectionKeyTests(ITestOutputHelper output)
    {
        _output = output;
    }

    public async Task InitializeAsync() => _cluster = await TestCluster.CreateAsync(_output);

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task CookieIssuedByOneNode_IsAcceptedByTheOther_WhenTheyShareOnlyTheDatabase()
    {
        var a = _cluster.StartNode("node-a", SettingsFor("node-a"));
        await a.WaitReadyAsync(TimeSpan.FromSeconds(90));
        var b = _cluster.StartNode("node-b", SettingsFor("node-b"));
        await b.WaitReadyAsync(TimeSpan.FromSeconds(90));

        var fromA = await SignInAsync(a);
        Assert.Equal(HttpStatusCode.OK, await MeAsync(b, fromA));
        var fromB = await SignInAsync(b);
        Assert.Equal(HttpStatusCode.OK, await MeAsync(a, fromB));

        // One key ring for both: the nodes did not each make a key of their own.
        Assert.Equal(1L, await _cluster.ScalarAsync<long>("SELECT count(*) FROM data_protection_keys"));
    }

    [Fact]
    public async Task CookieOfASingleSqliteNode_SurvivesARestartWithAFreshHomeDirectory()
    {
        var settings = SettingsFor("first-home");
        settings["ChangeFlow__Database__Provider"] = "Sqlite";
        var node = _cluster.StartNode("node-a", settings);
        await node.WaitReadyAsync(TimeSpan.FromSeconds(90));
        var cookie = await SignInAsync(node);
        Assert.Equal(HttpStatusCode.OK, await MeAsync(node, cookie));
        await node.KillAsync();

        // A redeployed container has a new home directory; only the database (the data directory) is kept.
        settings["HOME"] = Home("second-home");
        var restarted = _cluster.StartNode("node-a-restarted", settings);
        await restarted.WaitReadyAsync(TimeSpan.FromSeconds(90));
        Assert.Equal(HttpStatusCode.OK, await MeAsync(restarted, cookie));
    }

    private Dictionary<string, string> SettingsFor(string home) => new(StringComparer.OrdinalIgnoreCase)
    {
        ["HOME"] = Home(home),
        ["ChangeFlow__Bootstrap__AdminPassword"] = Password,
    };

    private string Home(string name)
    {
        var path = Path.Combine(_cluster.Directory, name + "-home");
        Directory.CreateDirectory(path);
        return path;
    }

    private static async Task<string> SignInAsync(NodeProcess node)
    {
        using var client = new HttpClient { BaseAddress = node.BaseAddress };
        using var response = await client.PostAsJsonAsync("api/auth/login", new { email = "admin@localhost", password = Password });
        Assert.True(response.IsSuccessStatusCode, $"{node.Name} answered {(int)response.StatusCode} to the sign-in: {await response.Content.ReadAsStringAsync()}");
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("changeflow.auth=", StringComparison.Ordinal));
        return cookie.Split(';', 2)[0];
    }

    private static async Task<HttpStatusCode> MeAsync(NodeProcess node, string cookie)
    {
        using var client = new HttpClient { BaseAddress = node.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/users/me");
        request.Headers.Add("Cookie", cookie);
        using var response = await client.SendAsync(request);
        if (response.StatusCode == HttpStatusCode.OK)
        {
            var me = await response.Content.ReadFromJsonAsync<JsonObject>();
            Assert.Equal("admin@localhost", me!["email"]!.GetValue<string>());
        }

        return response.StatusCode;
    }
}
