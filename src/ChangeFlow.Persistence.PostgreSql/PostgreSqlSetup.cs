using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Npgsql;

namespace ChangeFlow.Persistence.PostgreSql;

/// <summary>Configures ChangeFlow's database on PostgreSQL (production, several nodes).</summary>
public static class PostgreSqlSetup
{
    /// <summary>
    /// True for PostgreSQL's insufficient resources (class 53: <c>53100</c> disk_full, out of memory, too many
    /// connections), <c>58030</c> io_error, <c>25006</c> read_only_sql_transaction (a standby, or a database set
    /// read-only), a lost connection (class 08, <c>57P01</c>-<c>57P03</c>: the server shut down or is starting), and
    /// for a server that cannot be reached at all (see <see cref="StorageFailure"/>).
    /// </summary>
    public static bool IsStorageFailure(Exception exception) => exception switch
    {
        PostgresException postgres => postgres.SqlState.StartsWith("53", StringComparison.Ordinal)
            || postgres.SqlState.StartsWith("08", StringComparison.Ordinal)
            || postgres.SqlState is "58030" or "25006" or "57P01" or "57P02" or "57P03",
        NpgsqlException npgsql => npgsql.IsTransient,
        _ => false,
    };

    /// <summary>Uses PostgreSQL with this project's migrations.</summary>
    public static DbContextOptionsBuilder UseChangeFlowPostgreSql(this DbContextOptionsBuilder builder, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(builder);
        StorageFailure.AddClassifier(IsStorageFailure);
        return builder.UseNpgsql(connectionString, o => o.MigrationsAssembly(typeof(PostgreSqlSetup).Assembly.GetName().Name));
    }
}

/// <summary>Lets <c>dotnet ef</c> build the model for PostgreSQL migrations (no server is contacted).</summary>
public sealed class PostgreSqlDesignTimeFactory : IDesignTimeDbContextFactory<ChangeFlowDbContext>
{
    public ChangeFlowDbContext CreateDbContext(string[] args)
    {
        var builder = new DbContextOptionsBuilder<ChangeFlowDbContext>();
        builder.UseChangeFlowPostgreSql("Host=127.0.0.1;Database=changeflow;Username=changeflow");
        return new ChangeFlowDbContext(builder.Options);
    }
}
