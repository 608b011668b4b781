using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace ChangeFlow.Persistence.PostgreSql;

/// <summary>Configures ChangeFlow's database on PostgreSQL (production, several nodes).</summary>
public static class PostgreSqlSetup
{
    /// <summary>Uses PostgreSQL with this project's migrations.</summary>
    public static DbContextOptionsBuilder UseChangeFlowPostgreSql(this DbContextOptionsBuilder builder, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(builder);
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
