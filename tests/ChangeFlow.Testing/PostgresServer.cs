using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace ChangeFlow.Testing;

/// <summary>
/// A real PostgreSQL server for tests. <c>scripts/test.sh</c> starts one and sets
/// <c>CHANGEFLOW_TEST_POSTGRES</c> (a connection string without a database); without it, the first test that needs
/// PostgreSQL starts a throw-away cluster on a free loopback port with the machine's <c>initdb</c>/<c>pg_ctl</c>
/// and stops it when the test process exits. Each caller gets a fresh database.
/// </summary>
public static class PostgresServer
{
    /// <summary>The environment variable holding the server's connection string.</summary>
    public const string EnvironmentVariable = "CHANGEFLOW_TEST_POSTGRES";

    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static string? _connectionString;
    private static int _counter;

    /// <summary>The server's connection string (no database named).</summary>
    public static async Task<string> GetConnectionStringAsync()
    {
        if (_connectionString is not null)
        {
            return _connectionString;
        }

        await Gate.WaitAsync();
        try
        {
            _connectionString ??= Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } configured
                ? configured
                : await StartLocalClusterAsync();
            return _connectionString;
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public static async Task<string> CreateDatabaseAsync(string prefix = "cf")
    {
        var server = await GetConnectionStringAsync();
        var name = $"{prefix}_{Environment.ProcessId}_{Interlocked.Increment(ref _counter)}_{Guid.NewGuid().ToString("N")[..8]}".ToLowerInvariant();
        await using (var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(server) { Database = "postgres" }.ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = $"CREATE DATABASE \"{name}\"";
            await command.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(server) { Database = name, MaxPoolSize = 50 }.ConnectionString;
    }

    private static async Task<string> StartLocalClusterAsync()
    {
        var bin = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "initdb"))).OrderDescending().FirstOrDefault()
            : null;
        if (bin is null)
        {
            throw new InvalidOperationException(
                $"PostgreSQL is needed for this test: install it (apt-get install -y postgresql) or set {EnvironmentVariable}. scripts/test.sh does both.");
        }

        var dir = Directory.CreateTempSubdirectory("changeflow-pg-").FullName;
        var port = FreePort();
        var asRoot = Environment.UserName == "root";
        if (asRoot)
        {
            await RunAsync("chown", ["postgres:postgres", dir]);
        }

        // --no-sync and fsync=off: a throw-away cluster need not survive a power cut, and syncing costs seconds per test run.
        await RunPostgresAsync(asRoot, Path.Combine(bin, "initdb"), ["-D", dir, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-locale", "--no-sync"]);
        await RunPostgresAsync(asRoot, Path.Combine(bin, "pg_ctl"), ["-D", dir, "-l", Path.Combine(dir, "log"), "-w", "-o", $"-c listen_addresses=127.0.0.1 -p {port} -k {dir} -c max_connections=300 -c fsync=off", "start"]);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            // One child process stops the server and removes its files: the test host is killed soon after the run
            // ends, and a child it already started still does both (a Directory.Delete here never got to run).
            try
            {
                RunPostgresAsync(asRoot, "/bin/sh", ["-c", "\"$0\" -D \"$1\" -m immediate stop >/dev/null && rm -rf \"$1\"", Path.Combine(bin, "pg_ctl"), dir]).GetAwaiter().GetResult();
            }
            catch (InvalidOperationException)
            {
            }
        };
        return $"Host=127.0.0.1;Port={port};Username=postgres;Timeout=30;Command Timeout=60";
    }

    private static Task RunPostgresAsync(bool asRoot, string program, string[] args) =>
        asRoot ? RunAsync("runuser", ["-u", "postgres", "--", program, .. args]) : RunAsync(program, args);

    private static async Task RunAsync(string program, string[] args)
    {
        var start = new ProcessStartInfo(program, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {program}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', args)} failed ({process.ExitCode}): {await output}{await error}");
        }
    }

    /// <summary>A free TCP port on the loopback interface.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
