using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ChangeFlow.Cluster.Tests.Support;
using Npgsql;
using Xunit.Abstractions;

namespace ChangeFlow.Cluster.Tests;

/// <summary>
/// A node whose storage stops taking writes (SQLite on a full disk, a PostgreSQL database turned read-only) answers
/// writes with 503 and <c>Retry-After</c>, never 500 or a false 409, reports not ready, and recovers by itself.
/// </summary>
public sealed class StorageUnavailableTests : IAsyncLifetime
{
    private readonly ITestOutputHelper _output;
    private TestCluster _cluster = null!;
    private int _users;

    public StorageUnavailableTests(ITestOutputHelper output)
    {
        _output = output;
    }

    public async Task InitializeAsync() => _cluster = await TestCluster.CreateAsync(_output);

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [SmallFileSystemFact]
    public async Task Writes_Answer503WithRetryAfterAndReadyIsUnhealthy_WhenTheSqliteDiskIsFull()
    {
        using var disk = SmallFileSystem.Mount(32);
        var filler = Path.Combine(disk.Path, "filler");
        var node = _cluster.StartNode("node-a", new Dictionary<string, string>
        {
            ["ChangeFlow__Database__Provider"] = "Sqlite",
            ["ChangeFlow__DataDirectory"] = disk.Path,
        });
        try
        {
            await node.WaitReadyAsync(TimeSpan.FromSeconds(90));
            Assert.Equal(HttpStatusCode.Created, (await CreateUserAsync(node)).Status);

            SmallFileSystem.Fill(filler);
            await AssertUnavailableAsync(node, "storage");

            File.Delete(filler);
            await AssertRecoversAsync(node);
        }
        finally
        {
            // The node goes before the file system it writes to.
            await node.KillAsync();
        }
    }

    [Fact]
    public async Task Writes_Answer503WithRetryAfterAndReadyIsUnhealthy_WhenThePostgreSqlDatabaseIsReadOnly()
    {
        var node = _cluster.StartNode("node-a");
        await node.WaitReadyAsync(TimeSpan.FromSeconds(90));
        Assert.Equal(HttpStatusCode.Created, (await CreateUserAsync(node)).Status);

        await SetReadOnlyAsync(true);
        await AssertUnavailableAsync(node, "storage");

        await SetReadOnlyAsync(false);
        await AssertRecoversAsync(node);
    }

    private async Task AssertUnavailableAsync(NodeProcess node, string check)
    {
        // The first writes may still fit (SQLite's write-ahead log reuses its pages); none may fail any other way.
        (HttpStatusCode Status, string Body, string? RetryAfter) answer = default;
        for (var attempt = 0; attempt < 20; attempt++)
        {
            answer = await CreateUserAsync(node);
            Assert.True(answer.Status is HttpStatusCode.Created or HttpStatusCode.ServiceUnavailable, $"{(int)answer.Status}: {answer.Body}\n{node.Tail()}");
            if (answer.Status == HttpStatusCode.ServiceUnavailable)
            {
                break;
            }
        }

        Assert.Equal(HttpStatusCode.ServiceUnavailable, answer.Status);
        Assert.Equal("30", answer.RetryAfter);
        var problem = JsonNode.Parse(answer.Body ?? "")!;
        Assert.Equal(503, problem["status"]!.GetValue<int>());
        Assert.Equal("Storage unavailable", problem["title"]!.GetValue<string>());
        _output.WriteLine($"write: 503, Retry-After {answer.RetryAfter}: {problem["detail"]}");

        using var ready = await node.Http.GetAsync("health/ready");
        var readiness = JsonNode.Parse(await ready.Content.ReadAsStringAsync())!;
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal("Unhealthy", readiness["checks"]![check]!["status"]!.GetValue<string>());
        _output.WriteLine($"ready: 503, {check}: {readiness["checks"]![check]!["description"]}");
        Assert.Equal(HttpStatusCode.OK, await node.GetStatusAsync("health/live"));
    }

    private async Task AssertRecoversAsync(NodeProcess node)
    {
        await _cluster.WaitUntilAsync(
            async () => await node.GetStatusAsync("health/ready") == HttpStatusCode.OK,
            TimeSpan.FromSeconds(60),
            () => Task.FromResult("ready did not recover"));
        var answer = await CreateUserAsync(node);
        Assert.True(answer.Status == HttpStatusCode.Created, $"{(int)answer.Status}: {answer.Body}");
    }

    private async Task<(HttpStatusCode Status, string Body, string? RetryAfter)> CreateUserAsync(NodeProcess node)
    {
        var n = Interlocked.Increment(ref _users);
        using var response = await node.Http.PostAsJsonAsync("api/users", new
        {
            email = $"user{n}@example.org",
            displayName = $"User {n}",
            roles = new[] { "Requestor" },
            groups = Array.Empty<string>(),
            password = $"correct-horse-battery-{n}",
        });
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response.Headers.RetryAfter?.ToString());
    }

    // The setting applies to new sessions, so the node's open connections are ended too (its pool reconnects).
    private async Task SetReadOnlyAsync(bool readOnly)
    {
        var database = new NpgsqlConnectionStringBuilder(_cluster.ConnectionString).Database;
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(_cluster.ConnectionString) { Database = "postgres", Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using (var alter = new NpgsqlCommand($"ALTER DATABASE \"{database}\" SET default_transaction_read_only = {(readOnly ? "on" : "off")}", connection))
        {
            await alter.ExecuteNonQueryAsync();
        }

        await using var terminate = new NpgsqlCommand("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = @database", connection);
        terminate.Parameters.AddWithValue("database", database!);
        await terminate.ExecuteScalarAsync();
    }
}
