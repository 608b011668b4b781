using ChangeFlow.Persistence.PostgreSql;
using ChangeFlow.Persistence.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace ChangeFlow.Persistence.Tests;

/// <summary>Which exceptions are storage failures (503, not ready) rather than conflicts or bugs, on both providers.</summary>
public sealed class StorageFailureTests
{
    static StorageFailureTests()
    {
        StorageFailure.AddClassifier(SqliteSetup.IsStorageFailure);
        StorageFailure.AddClassifier(PostgreSqlSetup.IsStorageFailure);
    }

    [Theory]
    [InlineData(13, true)] // SQLITE_FULL
    [InlineData(10, true)] // SQLITE_IOERR
    [InlineData(8, true)] // SQLITE_READONLY
    [InlineData(14, true)] // SQLITE_CANTOPEN
    [InlineData(19, false)] // SQLITE_CONSTRAINT: a unique index, a conflict
    [InlineData(1, false)] // SQLITE_ERROR: a bad statement, a bug
    public void IsUnavailable_ClassifiesSqliteResultCodes_WhenWrappedByEfCore(int code, bool expected)
    {
        var exception = new DbUpdateException("save failed", new SqliteException($"SQLite Error {code}", code));

        Assert.Equal(expected, StorageFailure.IsUnavailable(exception));
    }

    [Theory]
    [InlineData("53100", true)] // disk_full
    [InlineData("53200", true)] // out_of_memory
    [InlineData("58030", true)] // io_error
    [InlineData("25006", true)] // read_only_sql_transaction
    [InlineData("57P01", true)] // admin_shutdown
    [InlineData("08006", true)] // connection_failure
    [InlineData("23505", false)] // unique_violation: a conflict
    [InlineData("40001", false)] // serialization_failure: handled as a conflict where it matters
    [InlineData("42P01", false)] // undefined_table: a bug
    public void IsUnavailable_ClassifiesPostgreSqlStates_WhenWrappedByEfCore(string sqlState, bool expected)
    {
        var exception = new DbUpdateException("save failed", new PostgresException("message", "ERROR", "ERROR", sqlState));

        Assert.Equal(expected, StorageFailure.IsUnavailable(exception));
    }

    [Theory]
    [InlineData(28, true)] // ENOSPC
    [InlineData(30, true)] // EROFS
    [InlineData(2, false)] // ENOENT
    public void IsUnavailable_ClassifiesFileSystemErrors(int errno, bool expected)
    {
        Assert.Equal(expected, StorageFailure.IsUnavailable(new IOException("file", errno)));
    }
}
