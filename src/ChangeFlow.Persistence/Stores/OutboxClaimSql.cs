using ChangeFlow.Application.Notifications;
using ChangeFlow.Persistence.Entities;
using Microsoft.EntityFrameworkCore;

namespace ChangeFlow.Persistence.Stores;

/// <summary>
/// The outbox dispatcher's two hot statements in plain SQL: the claim of a batch of due messages, as
/// <see cref="TimerClaimSql"/> claims timers (<c>UPDATE ... SET ClaimedBy, ClaimedUntil WHERE Id IN (pending, due,
/// no live claim, earliest first [FOR UPDATE SKIP LOCKED]) RETURNING Id</c>), and the Sent mark of each message.
/// </summary>
/// <remarks>
/// PostgreSQL: <c>SKIP LOCKED</c> passes over rows another dispatcher is claiming at the same moment, and a row whose
/// claim committed after this statement's snapshot is re-checked against the WHERE clause when it is locked (read
/// committed), so it drops out. SQLite: one writer at a time (<see cref="WriteGate"/> in this process, the busy handler
/// across processes), so the statement is atomic as a whole. Names and parameters come from the EF Core model.
/// </remarks>
internal static class OutboxClaimSql
{
    public static async Task<IReadOnlyList<string>> ClaimAsync(
        DbContext db, string owner, DateTime now, DateTime until, int take, CancellationToken cancellationToken)
    {
        await using var model = await ModelCommand<OutboxMessageEntity>.CreateAsync(db, cancellationToken);
        var id = model.Column(nameof(OutboxMessageEntity.Id));
        var nextAttemptAt = model.Column(nameof(OutboxMessageEntity.NextAttemptAt));
        var claimedUntil = model.Column(nameof(OutboxMessageEntity.ClaimedUntil));
        var ownerParameter = model.Parameter(nameof(OutboxMessageEntity.ClaimedBy), owner);
        var untilParameter = model.Parameter(nameof(OutboxMessageEntity.ClaimedUntil), until);
        var pending = model.Parameter(nameof(OutboxMessageEntity.Status), OutboxStatus.Pending.ToString());
        var nowDue = model.Parameter(nameof(OutboxMessageEntity.NextAttemptAt), now);
        var nowLease = model.Parameter(nameof(OutboxMessageEntity.ClaimedUntil), now);
        var limit = model.Limit(take);
        model.Command.CommandText =
            $"UPDATE {model.Table} SET {model.Column(nameof(OutboxMessageEntity.ClaimedBy))} = {ownerParameter}, {claimedUntil} = {untilParameter} "
            + $"WHERE {id} IN (SELECT {id} FROM {model.Table} "
            + $"WHERE {model.Column(nameof(OutboxMessageEntity.Status))} = {pending} AND {nextAttemptAt} <= {nowDue} "
            + $"AND ({claimedUntil} IS NULL OR {claimedUntil} <= {nowLease}) "
            + $"ORDER BY {nextAttemptAt} LIMIT {limit}"
            + (model.IsPostgreSql ? " FOR UPDATE SKIP LOCKED" : "")
            + $") RETURNING {id}";

        using var turn = await WriteGate.EnterAsync(db, cancellationToken);
        var claimed = new List<string>(take);
        await using var reader = await model.Command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            claimed.Add(reader.GetString(0));
        }

        return claimed;
    }

    /// <summary>
    /// Marks a message Sent for the claim's owner in one plain statement: it runs once per message on the delivery
    /// path, where an EF Core <c>ExecuteUpdate</c> with its seven setters cost three times as much to translate as
    /// the statement costs to run. Also when the row was cancelled during the transfer: the message did go out.
    /// </summary>
    public static async Task<bool> MarkSentAsync(
        DbContext db, string id, string owner, DateTime sentAt, string? note, CancellationToken cancellationToken)
    {
        await using var model = await ModelCommand<OutboxMessageEntity>.CreateAsync(db, cancellationToken);
        var status = model.Column(nameof(OutboxMessageEntity.Status));
        var attempts = model.Column(nameof(OutboxMessageEntity.Attempts));
        var version = model.Column(nameof(OutboxMessageEntity.Version));
        var claimedBy = model.Column(nameof(OutboxMessageEntity.ClaimedBy));
        model.Command.CommandText =
            $"UPDATE {model.Table} SET "
            + $"{status} = {model.Parameter(nameof(OutboxMessageEntity.Status), OutboxStatus.Sent.ToString())}, "
            + $"{model.Column(nameof(OutboxMessageEntity.SentAt))} = {model.Parameter(nameof(OutboxMessageEntity.SentAt), sentAt)}, "
            + $"{attempts} = {attempts} + 1, "
            + $"{model.Column(nameof(OutboxMessageEntity.LastError))} = {model.Parameter(nameof(OutboxMessageEntity.LastError), note)}, "
            + $"{claimedBy} = NULL, {model.Column(nameof(OutboxMessageEntity.ClaimedUntil))} = NULL, "
            + $"{version} = {version} + 1 "
            + $"WHERE {model.Column(nameof(OutboxMessageEntity.Id))} = {model.Parameter(nameof(OutboxMessageEntity.Id), id)} "
            + $"AND {claimedBy} = {model.Parameter(nameof(OutboxMessageEntity.ClaimedBy), owner)} "
            + $"AND {status} IN ({model.Parameter(nameof(OutboxMessageEntity.Status), OutboxStatus.Pending.ToString())}, {model.Parameter(nameof(OutboxMessageEntity.Status), OutboxStatus.Canceled.ToString())})";

        using var turn = await WriteGate.EnterAsync(db, cancellationToken);
        return await model.Command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }
}
