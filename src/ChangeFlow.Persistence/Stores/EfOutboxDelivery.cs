using ChangeFlow.Application.Notifications;
using ChangeFlow.Persistence.Entities;
using Microsoft.EntityFrameworkCore;

namespace ChangeFlow.Persistence.Stores;

/// <summary>
/// The dispatcher's side of <c>outbox_messages</c>: claims (<see cref="OutboxClaimSql"/>), the re-check before a send
/// and the state changes after it, each one statement whose WHERE clause names the state and claim it expects.
/// </summary>
public sealed class EfOutboxDelivery : IOutboxDeliveryStore
{
    private static readonly string Pending = OutboxStatus.Pending.ToString();
    private static readonly string Sent = OutboxStatus.Sent.ToString();
    private static readonly string Failed = OutboxStatus.Failed.ToString();
    private static readonly string Canceled = OutboxStatus.Canceled.ToString();

    private readonly IDbContextFactory<ChangeFlowDbContext> _factory;

    /// <param name="factory">The database.</param>
    public EfOutboxDelivery(IDbContextFactory<ChangeFlowDbContext> factory)
    {
        _factory = factory;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<OutboxEntry>> ClaimDueAsync(string owner, DateTimeOffset now, DateTimeOffset claimedUntil, int take, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        await using var db = await _factory.CreateDbContextAsync(cancellationToken);
        var ids = await OutboxClaimSql.ClaimAsync(db, owner, Instants.ToUtc(now), Instants.ToUtc(claimedUntil), take, cancellationToken);
        if (ids.Count == 0)
        {
            return [];
        }

        var rows = await db.Outbox.AsNoTracking().Include(m => m.Attachments)
            .Where(m => ids.Contains(m.Id)).AsSplitQuery().ToListAsync(cancellationToken);
        return [.. rows.OrderBy(r => r.NextAttemptAt).ThenBy(r => r.Id, StringComparer.Ordinal).Select(EfOutbox.FromEntity)];
    }

    /// <inheritdoc />
    public async Task<bool> HasDueAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var at = Instants.ToUtc(now);
        await using var db = await _factory.CreateDbContextAsync(cancellationToken);
        return await db.Outbox.AnyAsync(
            m => m.Status == Pending && m.NextAttemptAt <= at && (m.ClaimedUntil == null || m.ClaimedUntil <= at),
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> RenewClaimAsync(string id, string owner, DateTimeOffset claimedUntil, CancellationToken cancellationToken)
    {
        var until = Instants.ToUtc(claimedUntil);
        return UpdateAsync(
            rows => rows.Where(m => m.Id == id && m.ClaimedBy == owner && m.Status == Pending),
            rows => rows.ExecuteUpdateAsync(s => s.SetProperty(m => m.ClaimedUntil, until), cancellationToken),
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> MarkSentAsync(string id, string owner, DateTimeOffset sentAt, string? note, CancellationToken cancellationToken)
    {
        var at = Instants.ToUtc(sentAt);
        return UpdateAsync(
            rows => rows.Where(m => m.Id == id && m.ClaimedBy == owner && (m.Status == Pending || m.Status == Canceled)),
            rows => rows.ExecuteUpdateAsync(
                s => s.SetProperty(m => m.Status, Sent)
                    .SetProperty(m => m.SentAt, at)
                    .SetProperty(m => m.Attempts, m => m.Attempts + 1)
                    .SetProperty(m => m.LastError, note)
                    .SetProperty(m => m.ClaimedBy, (string?)null)
                    .SetProperty(m => m.ClaimedUntil, (DateTime?)null)
                    .SetProperty(m => m.Version, m => m.Version + 1),
                cancellationToken),
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> MarkRetryAsync(string id, string owner, DateTimeOffset nextAttemptAt, string error, CancellationToken cancellationToken)
    {
        var next = Instants.ToUtc(nextAttemptAt);
        var text = Shorten(error);
        return UpdateAsync(
            rows => rows.Where(m => m.Id == id && m.ClaimedBy == owner && m.Status == Pending),
            rows => rows.ExecuteUpdateAsync(
                s => s.SetProperty(m => m.Attempts, m => m.Attempts + 1)
                    .SetProperty(m => m.NextAttemptAt, next)
                    .SetProperty(m => m.LastError, text)
                    .SetProperty(m => m.ClaimedBy, (string?)null)
                    .SetProperty(m => m.ClaimedUntil, (DateTime?)null)
                    .SetProperty(m => m.Version, m => m.Version + 1),
                cancellationToken),
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> MarkFailedAsync(string id, string owner, string error, CancellationToken cancellationToken)
    {
        var text = Shorten(error);
        return UpdateAsync(
            rows => rows.Where(m => m.Id == id && m.ClaimedBy == owner && m.Status == Pending),
            rows => rows.ExecuteUpdateAsync(
                s => s.SetProperty(m => m.Status, Failed)
                    .SetProperty(m => m.Attempts, m => m.Attempts + 1)
                    .SetProperty(m => m.LastError, text)
                    .SetProperty(m => m.ClaimedBy, (string?)null)
                    .SetProperty(m => m.ClaimedUntil, (DateTime?)null)
                    .SetProperty(m => m.Version, m => m.Version + 1),
                cancellationToken),
            cancellationToken);
    }

    /// <inheritdoc />
    public Task ReleaseAsync(string id, string owner, CancellationToken cancellationToken) =>
        UpdateAsync(
            rows => rows.Where(m => m.Id == id && m.ClaimedBy == owner),
            rows => rows.ExecuteUpdateAsync(
                s => s.SetProperty(m => m.ClaimedBy, (string?)null).SetProperty(m => m.ClaimedUntil, (DateTime?)null),
                cancellationToken),
            cancellationToken);

    /// <inheritdoc />
    public async Task<OutboxChange> RetryFailedAsync(string id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var at = Instants.ToUtc(now);
        var changed = await UpdateAsync(
            rows => rows.Where(m => m.Id == id && m.Status == Failed),
            rows => rows.ExecuteUpdateAsync(
                s => s.SetProperty(m => m.Status, Pending)
                    .SetProperty(m => m.Attempts, 0)
                    .SetProperty(m => m.NextAttemptAt, at)
                    .SetProperty(m => m.ClaimedBy, (string?)null)
                    .SetProperty(m => m.ClaimedUntil, (DateTime?)null)
                    .SetProperty(m => m.Version, m => m.Version + 1),
                cancellationToken),
            cancellationToken);
        return changed ? new OutboxChange(OutboxChangeResult.Changed, OutboxStatus.Pending) : await UnchangedAsync(id, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<OutboxChange> CancelPendingAsync(string id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var at = Instants.ToUtc(now);
        var changed = await UpdateAsync(
            rows => rows.Where(m => m.Id == id && m.Status == Pending && (m.ClaimedUntil == null || m.ClaimedUntil <= at)),
            rows => rows.ExecuteUpdateAsync(
                s => s.SetProperty(m => m.Status, Canceled).SetProperty(m => m.Version, m => m.Version + 1),
                cancellationToken),
            cancellationToken);
        return changed ? new OutboxChange(OutboxChangeResult.Changed, OutboxStatus.Canceled) : await UnchangedAsync(id, cancellationToken);
    }

    private async Task<OutboxChange> UnchangedAsync(string id, CancellationToken cancellationToken)
    {
        await using var db = await _factory.CreateDbContextAsync(cancellationToken);
        var status = await db.Outbox.Where(m => m.Id == id).Select(m => m.Status).FirstOrDefaultAsync(cancellationToken);
        return status is null
            ? new OutboxChange(OutboxChangeResult.NotFound, null)
            : new OutboxChange(OutboxChangeResult.Conflict, Enum.Parse<OutboxStatus>(status));
    }

    private async Task<bool> UpdateAsync(
        Func<IQueryable<OutboxMessageEntity>, IQueryable<OutboxMessageEntity>> where,
        Func<IQueryable<OutboxMessageEntity>, Task<int>> update,
        CancellationToken cancellationToken)
    {
        await using var db = await _factory.CreateDbContextAsync(cancellationToken);
        using var turn = await WriteGate.EnterAsync(db, cancellationToken);
        return await update(where(db.Outbox)) == 1;
    }

    // Server replies can be long (a multi-line 5xx with a help URL); the column is text, but the admin list stays readable.
    private static string Shorten(string text) => text.Length <= 2000 ? text : text[..2000] + "…";
}
