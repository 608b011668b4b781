using System.Data;
using System.Data.Common;
using ChangeFlow.Application.Common;
using Microsoft.EntityFrameworkCore;

namespace ChangeFlow.Persistence.Stores;

/// <summary>
/// Per-year counters in <c>sequences</c>. One upsert with <c>RETURNING</c> (SQLite 3.35+, PostgreSQL) creates the
/// year's row or increments it and returns the value in a single atomic statement, so concurrent allocations on any
/// number of nodes get distinct values and none is handed out twice, even when the caller's later insert fails.
/// </summary>
public sealed class EfSequenceStore : ISequenceStore
{
    private const string Sql =
        """
        INSERT INTO "sequences" ("name", "year", "next") VALUES (@name, @year, 2)
        ON CONFLICT ("name", "year") DO UPDATE SET "next" = "sequences"."next" + 1
        RETURNING "next" - 1
        """;

    private readonly IDbContextFactory<ChangeFlowDbContext> _factory;

    public EfSequenceStore(IDbContextFactory<ChangeFlowDbContext> factory)
    {
        _factory = factory;
    }

    /// <inheritdoc />
    public async Task<int> NextAsync(string name, int year, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        await using var db = await _factory.CreateDbContextAsync(cancellationToken);
        using var turn = await WriteGate.EnterAsync(db, cancellationToken);
        var connection = db.Database.GetDbConnection();
        if (connection.State != ConnectionState.Open)
        {
            await db.Database.OpenConnectionAsync(cancellationToken);
        }

        await using var command = connection.CreateCommand();
        command.CommandText = Sql;
        command.Parameters.Add(Parameter(command, "@name", name));
        command.Parameters.Add(Parameter(command, "@year", year));
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture);
    }

    private static DbParameter Parameter(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        return parameter;
    }
}
