using ChangeFlow.Persistence.PostgreSql;
using ChangeFlow.Persistence.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace ChangeFlow.Persistence.Tests.Migrations;

/// <summary>
/// Each provider's migrations describe the model as it is: a change to an entity without its migration fails here,
/// not on the first database that starts with the new code.
/// </summary>
public sealed class PendingModelChangesTests
{
    public static TheoryData<string> Providers => ["Sqlite", "PostgreSql"];

    [Theory]
    [MemberData(nameof(Providers))]
    public void Model_HasNoChangesMissingFromTheMigrations_OnEachProvider(string provider)
    {
        var builder = new DbContextOptionsBuilder<ChangeFlowDbContext>();
        _ = provider == "Sqlite"
            ? builder.UseChangeFlowSqlite("Data Source=:memory:")
            // No connection is opened: the comparison is between the model and the provider's migration snapshot.
            : builder.UseChangeFlowPostgreSql("Host=127.0.0.1;Database=changeflow_model_check");
        using var context = new ChangeFlowDbContext(builder.Options);

        Assert.False(context.Database.HasPendingModelChanges(), $"The {provider} migrations are behind the model: add a migration.");
    }
}
