using ChangeFlow.Testing;

namespace ChangeFlow.Persistence.Tests.Stores;

/// <summary>One real, migrated database shared by the tests of a class (each test uses ids of its own).</summary>
public abstract class DatabaseFixture(DatabaseProvider provider) : IAsyncLifetime
{
    private TestDatabase? _database;

    public TestDatabase Database => _database ?? throw new InvalidOperationException("The fixture is not initialized.");

    public async Task InitializeAsync() => _database = await TestDatabase.CreateAsync(provider);

    public async Task DisposeAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}

/// <summary>A temporary SQLite file in WAL mode.</summary>
public sealed class SqliteDatabaseFixture() : DatabaseFixture(DatabaseProvider.Sqlite);

/// <summary>A fresh database on the test PostgreSQL server.</summary>
public sealed class PostgreSqlDatabaseFixture() : DatabaseFixture(DatabaseProvider.PostgreSql);
