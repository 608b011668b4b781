using System.Data;
using ChangeFlow.Application.Workflows;
using ChangeFlow.Persistence.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace ChangeFlow.Persistence.Stores;

/// <summary>
/// Claims a batch of due timer bookmarks for one dispatcher in one statement, so that two dispatchers (nodes) never
/// hold the same timer: an <c>UPDATE ... WHERE id IN (due, unclaimed or lease expired, earliest first) RETURNING</c>.
/// </summary>
/// <remarks>
/// PostgreSQL: the inner <c>SELECT ... FOR UPDATE SKIP LOCKED</c> passes over rows another dispatcher is claiming at
/// the same moment, and a row whose claim committed after this statement's snapshot is re-checked against the WHERE
/// clause when it is locked (read committed), so it drops out. SQLite: one writer at a time (this process's writers
/// queue on <see cref="WriteGate"/>, other processes wait in the busy handler), so the statement is atomic as a whole.
/// EF Core cannot express <c>RETURNING</c> or <c>SKIP LOCKED</c>; names and parameters come from the model, as in
/// <see cref="ModelSql"/>.
/// </remarks>
internal static class TimerClaimSql
{
    private const string PostgreSqlProvider = "Npgsql.EntityFrameworkCore.PostgreSQL";

    public static async Task<IReadOnlyList<TimerBookmark>> ClaimAsync(
        DbContext db, string owner, DateTime now, DateTime until, int take, CancellationToken cancellationToken)
    {
        var sql = db.GetService<ISqlGenerationHelper>();
        var entity = db.Model.FindEntityType(typeof(BookmarkEntity)) ?? throw new InvalidOperationException("BookmarkEntity is not in the model.");
        var table = sql.DelimitIdentifier(entity.GetTableName()!, entity.GetSchema());
        string Column(string name) => sql.DelimitIdentifier(Property(name).GetColumnName());
        IProperty Property(string name) => entity.FindProperty(name) ?? throw new InvalidOperationException($"BookmarkEntity has no property {name}.");

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

        var id = Column(nameof(BookmarkEntity.Id));
        var dueAt = Column(nameof(BookmarkEntity.DueAt));
        var claimedUntil = Column(nameof(BookmarkEntity.ClaimedUntil));
        var postgres = string.Equals(db.Database.ProviderName, PostgreSqlProvider, StringComparison.Ordinal);
        var ownerParameter = Parameter(nameof(BookmarkEntity.ClaimedBy), owner);
        var untilParameter = Parameter(nameof(BookmarkEntity.ClaimedUntil), until);
        var nowDue = Parameter(nameof(BookmarkEntity.DueAt), now);
        var nowLease = Parameter(nameof(BookmarkEntity.ClaimedUntil), now);
        var limit = command.CreateParameter();
        limit.ParameterName = "plimit";
        limit.DbType = DbType.Int32;
        limit.Value = take;
        command.Parameters.Add(limit);
        command.CommandText =
            $"UPDATE {table} SET {Column(nameof(BookmarkEntity.ClaimedBy))} = {ownerParameter}, {claimedUntil} = {untilParameter} "
            + $"WHERE {id} IN (SELECT {id} FROM {table} "
            + $"WHERE {dueAt} IS NOT NULL AND {dueAt} <= {nowDue} AND ({claimedUntil} IS NULL OR {claimedUntil} <= {nowLease}) "
            + $"ORDER BY {dueAt} LIMIT {sql.GenerateParameterNamePlaceholder("plimit")}"
            + (postgres ? " FOR UPDATE SKIP LOCKED" : "")
            + $") RETURNING {Column(nameof(BookmarkEntity.InstanceId))}, {id}, {dueAt}, {Column(nameof(BookmarkEntity.JobId))}";
        if (db.Database.GetCommandTimeout() is { } timeout)
        {
            command.CommandTimeout = timeout;
        }

        using var turn = await WriteGate.EnterAsync(db, cancellationToken);
        var claimed = new List<TimerBookmark>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            claimed.Add(new TimerBookmark(
                reader.GetString(0),
                reader.GetString(1),
                Instants.FromUtc(reader.GetDateTime(2)),
                await reader.IsDBNullAsync(3, cancellationToken) ? null : reader.GetString(3)));
        }

        // RETURNING gives rows in no particular order; the earliest due fire first.
        claimed.Sort((a, b) => a.DueAt.CompareTo(b.DueAt));
        return claimed;
    }
}
