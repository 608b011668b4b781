using System.Data;
using ChangeFlow.Application.Notifications;
using ChangeFlow.Persistence.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace ChangeFlow.Persistence.Stores;

/// <summary>
/// Claims a batch of due outbox messages for one dispatcher in one statement, as <see cref="TimerClaimSql"/> claims
/// timers: <c>UPDATE ... SET ClaimedBy, ClaimedUntil WHERE Id IN (pending, due, no live claim, earliest first
/// [FOR UPDATE SKIP LOCKED]) RETURNING Id</c>.
/// </summary>
/// <remarks>
/// PostgreSQL: <c>SKIP LOCKED</c> passes over rows another dispatcher is claiming at the same moment, and a row whose
/// claim committed after this statement's snapshot is re-checked against the WHERE clause when it is locked (read
/// committed), so it drops out. SQLite: one writer at a time (<see cref="WriteGate"/> in this process, the busy handler
/// across processes), so the statement is atomic as a whole. Names and parameters come from the EF Core model.
/// </remarks>
internal static class OutboxClaimSql
{
    private const string PostgreSqlProvider = "Npgsql.EntityFrameworkCore.PostgreSQL";

    public static async Task<IReadOnlyList<string>> ClaimAsync(
        DbContext db, string owner, DateTime now, DateTime until, int take, CancellationToken cancellationToken)
    {
        var sql = db.GetService<ISqlGenerationHelper>();
        var entity = db.Model.FindEntityType(typeof(OutboxMessageEntity)) ?? throw new InvalidOperationException("OutboxMessageEntity is not in the model.");
        var table = sql.DelimitIdentifier(entity.GetTableName()!, entity.GetSchema());
        string Column(string name) => sql.DelimitIdentifier(Property(name).GetColumnName());
        IProperty Property(string name) => entity.FindProperty(name) ?? throw new InvalidOperationException($"OutboxMessageEntity has no property {name}.");

        var connection = db.Database.GetDbConnection();
        if (connection.State != ConnectionState.Open)
        {
            await db.Database.OpenConnectionAsync(cancellationToken);
        }

        await using var command = connection.CreateCommand();
        string Parameter(string property, object? value)
        {
            var name = "p" + command.Parameters.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var mapped = Property(property);
            command.Parameters.Add(mapped.GetRelationalTypeMapping().CreateParameter(command, name, value, mapped.IsNullable));
            return sql.GenerateParameterNamePlaceholder(name);
        }

        var id = Column(nameof(OutboxMessageEntity.Id));
        var nextAttemptAt = Column(nameof(OutboxMessageEntity.NextAttemptAt));
        var claimedUntil = Column(nameof(OutboxMessageEntity.ClaimedUntil));
        var postgres = string.Equals(db.Database.ProviderName, PostgreSqlProvider, StringComparison.Ordinal);
        var ownerParameter = Parameter(nameof(OutboxMessageEntity.ClaimedBy), owner);
        var untilParameter = Parameter(nameof(OutboxMessageEntity.ClaimedUntil), until);
        var pending = Parameter(nameof(OutboxMessageEntity.Status), OutboxStatus.Pending.ToString());
        var nowDue = Parameter(nameof(OutboxMessageEntity.NextAttemptAt), now);
        var nowLease = Parameter(nameof(OutboxMessageEntity.ClaimedUntil), now);
        var limit = command.CreateParameter();
        limit.ParameterName = "plimit";
        limit.DbType = DbType.Int32;
        limit.Value = take;
        command.Parameters.Add(limit);
        command.CommandText =
            $"UPDATE {table} SET {Column(nameof(OutboxMessageEntity.ClaimedBy))} = {ownerParameter}, {claimedUntil} = {untilParameter} "
            + $"WHERE {id} IN (SELECT {id} FROM {table} "
            + $"WHERE {Column(nameof(OutboxMessageEntity.Status))} = {pending} AND {nextAttemptAt} <= {nowDue} "
            + $"AND ({claimedUntil} IS NULL OR {claimedUntil} <= {nowLease}) "
            + $"ORDER BY {nextAttemptAt} LIMIT {sql.GenerateParameterNamePlaceholder("plimit")}"
            + (postgres ? " FOR UPDATE SKIP LOCKED" : "")
            + $") RETURNING {id}";
        if (db.Database.GetCommandTimeout() is { } timeout)
        {
            command.CommandTimeout = timeout;
        }

        using var turn = await WriteGate.EnterAsync(db, cancellationToken);
        var claimed = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            claimed.Add(reader.GetString(0));
        }

        return claimed;
    }
}
