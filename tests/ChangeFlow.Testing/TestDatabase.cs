using ChangeFlow.Persistence;
using ChangeFlow.Persistence.PostgreSql;
using ChangeFlow.Persistence.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Npgsql;

namespace ChangeFlow.Testing;

/// <summary>The database providers ChangeFlow ships.</summary>
public enum DatabaseProvider
{
    /// <summary>An SQLite file in WAL mode.</summary>
    Sqlite,
    /// <summary>A PostgreSQL database (see <see cref="PostgresServer"/>).</summary>
    PostgreSql,
}

/// <summary>
/// A real, migrated ChangeFlow database: a fresh SQLite file in a temporary directory, or a fresh database on the
/// test PostgreSQL server. Disposing deletes it.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private static readonly Lazy<Task<string>> SqliteTemplate = new(CreateSqliteTemplateAsync);

    private readonly string? _directory;
    private readonly string? _databaseName;

    private TestDatabase(DatabaseProvider provider, string connectionString, string? directory, string? file)
    {
        Provider = provider;
        ConnectionString = connectionString;
        _directory = directory;
        FilePath = file;
        var builder = new DbContextOptionsBuilder<ChangeFlowDbContext>();
        if (provider == DatabaseProvider.Sqlite)
        {
            builder.UseChangeFlowSqlite(connectionString);
        }
        else
        {
            builder.UseChangeFlowPostgreSql(connectionString);
            _databaseName = new NpgsqlConnectionStringBuilder(connectionString).Database;
        }

        Options = builder.Options;
    }

    /// <summary>The provider.</summary>
    public DatabaseProvider Provider { get; }

    /// <summary>The connection string.</summary>
    public string ConnectionString { get; }

    /// <summary>The SQLite file, or null on PostgreSQL.</summary>
    public string? FilePath { get; }

    /// <summary>The options the stores' contexts are built with (the provider's own set-up, as the host uses it).</summary>
    public DbContextOptions<ChangeFlowDbContext> Options { get; }

    /// <summary>Creates a migrated database.</summary>
    public static async Task<TestDatabase> CreateAsync(DatabaseProvider provider)
    {
        if (provider == DatabaseProvider.Sqlite)
        {
            // A copy of a file migrated once per test run: migrating every test's file costs far more than copying it.
            var template = await SqliteTemplate.Value;
            var directory = Directory.CreateTempSubdirectory("changeflow-sqlite-").FullName;
            var file = Path.Combine(directory, "changeflow.db");
            File.Copy(template, file);
            return new TestDatabase(provider, SqliteSetup.ConnectionStringFor(file), directory, file);
        }

        var database = new TestDatabase(provider, await PostgresServer.CreateDatabaseAsync(), null, null);
        await using var db = database.CreateContext();
        await db.Database.MigrateAsync();
        return database;
    }

    /// <summary>A context factory of its own, as one node of the service would have (pooled, like the host's).</summary>
    public IDbContextFactory<ChangeFlowDbContext> CreateFactory() => new PooledDbContextFactory<ChangeFlowDbContext>(Options);

    /// <summary>A context for looking at rows directly.</summary>
    public ChangeFlowDbContext CreateContext() => new(Options);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_directory is not null)
        {
            SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(_directory, recursive: true);
            }
            catch (IOException)
            {
                // A connection still open elsewhere keeps the file; the temporary directory is left behind.
            }

            return;
        }

        // FORCE ends the pooled connections the test left open.
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(await PostgresServer.GetConnectionStringAsync()) { Database = "postgres" }.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"DROP DATABASE IF EXISTS \"{_databaseName}\" WITH (FORCE)";
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<string> CreateSqliteTemplateAsync()
    {
        var directory = Directory.CreateTempSubdirectory("changeflow-sqlite-template-").FullName;
        var file = Path.Combine(directory, "changeflow.db");
        var connectionString = SqliteSetup.ConnectionStringFor(file);
        var builder = new DbContextOptionsBuilder<ChangeFlowDbContext>();
        builder.UseChangeFlowSqlite(connectionString);
        await using (var db = new ChangeFlowDbContext(builder.Options))
        {
            await db.Database.MigrateAsync();
            await db.Database.ExecuteSqlRawAsync("PRAGMA wal_checkpoint(TRUNCATE);");
        }

        // Closing the last connection folds the WAL into the file, so the file alone is the whole database (still in WAL mode).
        await using (var connection = new SqliteConnection(connectionString))
        {
            SqliteConnection.ClearPool(connection);
        }

        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
            }
        };
        return file;
    }
}
