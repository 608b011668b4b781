using ChangeFlow.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace ChangeFlow.Web.Hosting;

/// <summary>Checks, before migrating, that a SQLite database file can be used at all.</summary>
internal static class SqliteDatabaseFile
{
    /// <summary>
    /// Opens the database and reads its schema version. A new or zero-byte file passes (SQLite treats it as an empty
    /// database, which the migrations then fill); a file that is not a database, is damaged or cannot be opened stops
    /// the start with one line naming it. Does nothing on other providers.
    /// </summary>
    /// <exception cref="StartupException">The file cannot be used.</exception>
    public static async Task EnsureUsableAsync(ChangeFlowDbContext db, CancellationToken cancellationToken)
    {
        if (db.Database.GetDbConnection() is not SqliteConnection connection)
        {
            return;
        }

        try
        {
            await db.Database.OpenConnectionAsync(cancellationToken);
            try
            {
                await using var command = connection.CreateCommand();
                command.CommandText = "PRAGMA schema_version;";
                await command.ExecuteScalarAsync(cancellationToken);
            }
            finally
            {
                await db.Database.CloseConnectionAsync();
            }
        }
        catch (SqliteException ex)
        {
            var file = string.IsNullOrEmpty(connection.DataSource) ? "(in memory)" : Path.GetFullPath(connection.DataSource);
            throw new StartupException(
                $"The SQLite database '{file}' cannot be used: {ex.Message} Move it aside to start with a new database, or restore it from a backup.", ex);
        }
    }
}
