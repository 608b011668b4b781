namespace ChangeFlow.Persistence.Tests.Stores;

/// <summary>The store contract on a real PostgreSQL database.</summary>
public sealed class PostgreSqlWorkflowStoreTests(PostgreSqlDatabaseFixture fixture)
    : WorkflowStoreContractTests(fixture.Database), IClassFixture<PostgreSqlDatabaseFixture>;
