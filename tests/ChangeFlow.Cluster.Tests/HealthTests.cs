using System.Net;
using ChangeFlow.Cluster.Tests.Support;
using ChangeFlow.Testing;
using Npgsql;
using Xunit.Abstractions;

namespace ChangeFlow.Cluster.Tests;

/// <summary><c>/health/live</c> says the process runs; <c>/health/ready</c> says it can reach its database.</summary>
public sealed class HealthTests : IAsyncLifetime
{
    private readonly ITestOutputHelper _output;
    private TestCluster _cluster = null!;

    public HealthTests(ITestOutputHelper output)
    {
        _output = output;
    }

    public async Task InitializeAsync() => _cluster = await TestCluster.CreateAsync(_output);

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task Ready_Is503WhileLiveStays200_WhenTheDatabaseStopsAcceptingConnections()
    {
        var node = _cluster.StartNode("node-a");
        await node.WaitReadyAsync(TimeSpan.FromSeconds(90));
        Assert.Equal(HttpStatusCode.OK, await node.GetStatusAsync("health/live"));
        Assert.Equal(HttpStatusCode.OK, await node.GetStatusAsync("health/ready"));

        await SetDatabaseReachableAsync(false);
        await _cluster.WaitUntilAsync(
            async () => await node.GetStatusAsync("health/ready") == HttpStatusCode.ServiceUnavailable,
            TimeSpan.FromSeconds(30),
            () => Task.FromResult("ready did not turn 503"));
        Assert.Equal(HttpStatusCode.OK, await node.GetStatusAsync("health/live"));

        await SetDatabaseReachableAsync(true);
        await _cluster.WaitUntilAsync(
            async () => await node.GetStatusAsync("health/ready") == HttpStatusCode.OK,
            TimeSpan.FromSeconds(30),
            () => Task.FromResult("ready did not recover"));
    }

    [Fact]
    public async Task Node_ExitsNonZeroNamingTheDatabase_WhenNoDatabaseListens()
    {
        var port = PostgresServer.FreePort();
        var node = _cluster.StartNode("node-a", new Dictionary<string, string>
        {
            ["ConnectionStrings__ChangeFlow"] = $"Host=127.0.0.1;Port={port};Username=postgres;Database=changeflow;Timeout=5",
        });

        Assert.True(await node.WaitForExitAsync(TimeSpan.FromSeconds(60)), "The node kept running without a database.\n" + node.Tail());
        Assert.NotEqual(0, node.ExitCode);
        Assert.Contains($"Failed to connect to 127.0.0.1:{port}", node.Output, StringComparison.Ordinal);
        _output.WriteLine($"exit code {node.ExitCode}: {node.Output.Split('\n').First(l => l.Contains("Failed to connect", StringComparison.Ordinal))}");
    }

    // Refusing new connections and ending the open ones makes the database unreachable for the node, as an outage would,
    // without stopping the server that other tests share.
    private async Task SetDatabaseReachableAsync(bool reachable)
    {
        var database = new NpgsqlConnectionStringBuilder(_cluster.ConnectionString).Database;
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(_cluster.ConnectionString) { Database = "postgres", Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using (var alter = new NpgsqlCommand($"ALTER DATABASE \"{database}\" WITH ALLOW_CONNECTIONS {(reachable ? "true" : "false")}", connection))
        {
            await alter.ExecuteNonQueryAsync();
        }

        if (!reachable)
        {
            await using var terminate = new NpgsqlCommand("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = @database", connection);
            terminate.Parameters.AddWithValue("database", database!);
            await terminate.ExecuteScalarAsync();
        }
    }
}
