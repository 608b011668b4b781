using ChangeFlow.Testing;
using Microsoft.Data.Sqlite;

namespace ChangeFlow.Persistence.Tests.Stores;

/// <summary>The store contract on a real SQLite file.</summary>
public sealed class SqliteWorkflowStoreTests(SqliteDatabaseFixture fixture)
    : WorkflowStoreContractTests(fixture.Database), IClassFixture<SqliteDatabaseFixture>
{
    [Fact]
    public async Task Database_IsAFileInWalMode_WhenCreatedWithTheSqliteSetup()
    {
        Assert.Equal(DatabaseProvider.Sqlite, Database.Provider);
        Assert.True(File.Exists(Database.FilePath), $"{Database.FilePath} does not exist.");

        // A plain connection, without ChangeFlow's interceptor: WAL is a property of the file once set.
        await using var connection = new SqliteConnection($"Data Source={Database.FilePath};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", (string?)await command.ExecuteScalarAsync());
    }
}
