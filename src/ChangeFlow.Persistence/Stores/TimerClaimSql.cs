using ChangeFlow.Application.Workflows;
using ChangeFlow.Persistence.Entities;
using Microsoft.EntityFrameworkCore;

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
    public static async Task<IReadOnlyList<TimerBookmark>> ClaimAsync(
        DbContext db, string owner, DateTime now, DateTime until, int take, CancellationToken cancellationToken)
    {
        await using var model = await ModelCommand<BookmarkEntity>.CreateAsync(db, cancellationToken);
        var id = model.Column(nameof(BookmarkEntity.Id));
        var dueAt = model.Column(nameof(BookmarkEntity.DueAt));
        var claimedUntil = model.Column(nameof(BookmarkEntity.ClaimedUntil));
        var ownerParameter = model.Parameter(nameof(BookmarkEntity.ClaimedBy), owner);
        var untilParameter = model.Parameter(nameof(BookmarkEntity.ClaimedUntil), until);
        var nowDue = model.Parameter(nameof(BookmarkEntity.DueAt), now);
        var nowLease = model.Parameter(nameof(BookmarkEntity.ClaimedUntil), now);
        var limit = model.Limit(take);
        model.Command.CommandText =
            $"UPDATE {model.Table} SET {model.Column(nameof(BookmarkEntity.ClaimedBy))} = {ownerParameter}, {claimedUntil} = {untilParameter} "
            + $"WHERE {id} IN (SELECT {id} FROM {model.Table} "
            + $"WHERE {dueAt} IS NOT NULL AND {dueAt} <= {nowDue} AND ({claimedUntil} IS NULL OR {claimedUntil} <= {nowLease}) "
            + $"ORDER BY {dueAt} LIMIT {limit}"
            + (model.IsPostgreSql ? " FOR UPDATE SKIP LOCKED" : "")
            + $") RETURNING {model.Column(nameof(BookmarkEntity.InstanceId))}, {id}, {dueAt}, {model.Column(nameof(BookmarkEntity.JobId))}";

        using var turn = await WriteGate.EnterAsync(db, cancellationToken);
        var claimed = new List<TimerBookmark>();
        await using var reader = await model.Command.ExecuteReaderAsync(cancellationToken);
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
