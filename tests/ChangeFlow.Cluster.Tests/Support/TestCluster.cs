using System.Diagnostics;
using ChangeFlow.Testing;
using Npgsql;
using Xunit.Abstractions;

namespace ChangeFlow.Cluster.Tests.Support;

/// <summary>A journal row as stored: which activity of which instance did what.</summary>
public sealed record JournalRow(string InstanceId, string ActivityId, string Kind);

/// <summary>
/// The world of one test: a fresh PostgreSQL database (so no Hangfire lock or job of another test is in it), a temporary
/// directory whose <c>workflows/</c> holds only the test's workflow files, and the nodes the test starts on them.
/// Disposing stops every node by its PID, reports their output to the test log and drops the database.
/// </summary>
public sealed class TestCluster : IAsyncDisposable
{
    private readonly ITestOutputHelper _output;
    private readonly List<NodeProcess> _nodes = [];

    private TestCluster(ITestOutputHelper output, string connectionString, string directory)
    {
        _output = output;
        ConnectionString = connectionString;
        Directory = directory;
    }

    /// <summary>The database's connection string.</summary>
    public string ConnectionString { get; }

    /// <summary>The test's temporary directory.</summary>
    public string Directory { get; }

    public string WorkflowsDirectory => Path.Combine(Directory, "workflows");

    /// <summary>Creates the database and the directory with the given files of this project's <c>Workflows/</c>.</summary>
    public static async Task<TestCluster> CreateAsync(ITestOutputHelper output, params string[] workflowFiles)
    {
        var connectionString = new NpgsqlConnectionStringBuilder(await PostgresServer.CreateDatabaseAsync("cfcluster"))
        {
            // Two nodes, each with an EF Core pool and a Hangfire pool, share one server with other test projects.
            MaxPoolSize = 30,
        }.ConnectionString;
        var directory = System.IO.Directory.CreateTempSubdirectory("changeflow-cluster-").FullName;
        var cluster = new TestCluster(output, connectionString, directory);
        System.IO.Directory.CreateDirectory(cluster.WorkflowsDirectory);
        foreach (var file in workflowFiles)
        {
            File.Copy(Path.Combine(AppContext.BaseDirectory, "Workflows", file), Path.Combine(cluster.WorkflowsDirectory, file));
        }

        return cluster;
    }

    /// <summary>
    /// Starts a node on this test's PostgreSQL database and workflows; <paramref name="settings"/> adds or overrides
    /// environment variables. With <c>ChangeFlow__Database__Provider=Sqlite</c> the node keeps its state in the test's
    /// data directory instead, which a restarted node finds again.
    /// </summary>
    public NodeProcess StartNode(string name, IReadOnlyDictionary<string, string>? settings = null, int? port = null)
    {
        var nodeDirectory = Path.Combine(Directory, name);
        System.IO.Directory.CreateDirectory(nodeDirectory);
        var all = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["ChangeFlow__Database__Provider"] = "PostgreSql",
            ["ConnectionStrings__ChangeFlow"] = ConnectionString,
            ["ChangeFlow__DataDirectory"] = Path.Combine(Directory, "data"),
            ["ChangeFlow__WorkflowsDirectory"] = WorkflowsDirectory,
            ["ChangeFlow__Hangfire__Dashboard"] = "false",

            // The API needs a signed-in caller: the first node registers this token for the administrator it creates.
            ["ChangeFlow__Bootstrap__AdminApiToken"] = NodeProcess.AdminApiToken,
            ["ChangeFlow__Security__PasswordIterations"] = "1000",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            all[key] = value;
        }

        if (string.Equals(all["ChangeFlow__Database__Provider"], "Sqlite", StringComparison.OrdinalIgnoreCase))
        {
            all.Remove("ConnectionStrings__ChangeFlow");
        }

        var node = NodeProcess.Start(name, nodeDirectory, all, port);
        _nodes.Add(node);
        return node;
    }

    /// <summary>Starts nodes at once (as a rollout would) and waits until every one is ready.</summary>
    public async Task<NodeProcess[]> StartReadyNodesAsync(IReadOnlyDictionary<string, string>? settings, params string[] names)
    {
        var nodes = names.Select(n => StartNode(n, settings)).ToArray();
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(nodes.Select(n => n.WaitReadyAsync(TimeSpan.FromSeconds(90))));
        _output.WriteLine($"{string.Join(", ", names)} ready after {watch.Elapsed.TotalSeconds:0.0} s");
        return nodes;
    }

    /// <summary>Every journal row of the database.</summary>
    public async Task<IReadOnlyList<JournalRow>> ReadJournalAsync()
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""SELECT "InstanceId", "ActivityId", "Kind" FROM workflow_journal""", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<JournalRow>();
        while (await reader.ReadAsync())
        {
            rows.Add(new JournalRow(reader.GetString(0), reader.GetString(1), reader.GetString(2)));
        }

        return rows;
    }

    /// <summary>The number of instances in each status.</summary>
    public async Task<IReadOnlyDictionary<string, int>> CountStatusesAsync()
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""SELECT "Status", count(*)::int FROM workflow_instances GROUP BY "Status" """, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        while (await reader.ReadAsync())
        {
            counts[reader.GetString(0)] = reader.GetInt32(1);
        }

        return counts;
    }

    /// <summary>A single value from the database.</summary>
    public async Task<T?> ScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        var value = await command.ExecuteScalarAsync();
        return value is null or DBNull ? default : (T)value;
    }

    /// <summary>Polls <paramref name="condition"/> until it holds; fails with <paramref name="describe"/> and the nodes' output after <paramref name="timeout"/>.</summary>
    public async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<Task<string>> describe)
    {
        var watch = Stopwatch.StartNew();
        while (!await condition())
        {
            if (watch.Elapsed > timeout)
            {
                Assert.Fail($"Not done after {timeout.TotalSeconds:0} s: {await describe()}\n{string.Join('\n', _nodes.Select(n => n.Tail(30)))}");
            }

            await Task.Delay(250);
        }
    }

    /// <summary>Stops every node by PID, logs their output's end, drops the database and deletes the directory.</summary>
    public async ValueTask DisposeAsync()
    {
        // Every node is stopped even if stopping another failed; the database and directory go last.
        foreach (var node in _nodes)
        {
            try
            {
                await node.DisposeAsync();
            }
            catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                _output.WriteLine($"Could not stop {node.Name} (PID {node.Pid}): {ex.Message}");
            }

            _output.WriteLine(node.Tail(40));
        }

        await DropDatabaseAndDirectoryAsync();
    }

    private async Task DropDatabaseAndDirectoryAsync()
    {
        try
        {
            var database = new NpgsqlConnectionStringBuilder(ConnectionString).Database;
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ConnectionString) { Database = "postgres", Pooling = false }.ConnectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", connection);
            await command.ExecuteNonQueryAsync();
        }
        catch (NpgsqlException ex)
        {
            _output.WriteLine($"Could not drop the test database: {ex.Message}");
        }

        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
