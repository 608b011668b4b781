using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Diagnostics;
using SQLitePCL;

namespace ChangeFlow.Persistence.Sqlite;

/// <summary>Configures ChangeFlow's database on SQLite (the embedded default).</summary>
public static class SqliteSetup
{
    /// <summary>A connection string for a database file.</summary>
    public static string ConnectionStringFor(string file) =>
        new SqliteConnectionStringBuilder { DataSource = file, Cache = SqliteCacheMode.Private, Pooling = true, DefaultTimeout = 30 }.ToString();

    // SQLite's primary result codes that mean the file cannot take a write now (not a constraint or a bug).
    private const int SqliteReadOnly = 8;
    private const int SqliteIoError = 10;
    private const int SqliteFull = 13;
    private const int SqliteCantOpen = 14;

    /// <summary>
    /// True for SQLite's "database or disk is full", disk I/O errors, "attempt to write a readonly database" and
    /// "unable to open database file" (see <see cref="StorageFailure"/>).
    /// </summary>
    public static bool IsStorageFailure(Exception exception) =>
        exception is SqliteException { SqliteErrorCode: SqliteReadOnly or SqliteIoError or SqliteFull or SqliteCantOpen };

    /// <summary>Uses SQLite with this project's migrations.</summary>
    public static DbContextOptionsBuilder UseChangeFlowSqlite(this DbContextOptionsBuilder builder, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(builder);
        StorageFailure.AddClassifier(IsStorageFailure);
        return builder
            .UseSqlite(connectionString, o => o.MigrationsAssembly(typeof(SqliteSetup).Assembly.GetName().Name))
            .AddInterceptors(PragmaInterceptor.Instance);
    }

    /// <summary>
    /// Every connection runs in WAL mode with synchronous=NORMAL: a committed transaction survives a killed process
    /// (only a power cut could lose the last ones), and readers never block the writer.
    /// </summary>
    /// <remarks>
    /// The settings belong to the native connection, which the connection pool keeps open and hands out again: they
    /// are applied once per native connection, not on every open (every store call opens one, and the four pragmas
    /// cost as much as the query they precede).
    /// </remarks>
    private sealed class PragmaInterceptor : DbConnectionInterceptor
    {
        public static readonly PragmaInterceptor Instance = new();

        private static readonly ConditionalWeakTable<sqlite3, object> Configured = [];
        private static readonly object Done = new();

        public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

        public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            Apply(connection);
            return Task.CompletedTask;
        }

        private static void Apply(DbConnection connection)
        {
            var handle = (connection as SqliteConnection)?.Handle;
            if (handle is not null && Configured.TryGetValue(handle, out _))
            {
                return;
            }

            // Setting the journal mode writes the file header, which a read-only connection cannot do: EF Core opens one
            // to ask whether the database exists, and on a new or zero-byte file (no header yet) the pragma would fail
            // with "attempt to write a readonly database". The read-write connection that follows sets WAL.
            var readOnly = handle is not null && raw.sqlite3_db_readonly(handle, "main") == 1;
            using (var command = connection.CreateCommand())
            {
                command.CommandText = readOnly
                    ? "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=30000;"
                    : "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=30000;";
                command.ExecuteNonQuery();
            }

            if (handle is not null)
            {
                Configured.AddOrUpdate(handle, Done);
            }
        }
    }
}

/// <summary>Lets <c>dotnet ef</c> build the model for SQLite migrations.</summary>
public sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<ChangeFlowDbContext>
{
    public ChangeFlowDbContext CreateDbContext(string[] args)
    {
        var builder = new DbContextOptionsBuilder<ChangeFlowDbContext>();
        builder.UseChangeFlowSqlite("Data Source=design-time.db");
        return new ChangeFlowDbContext(builder.Options);
    }
}
