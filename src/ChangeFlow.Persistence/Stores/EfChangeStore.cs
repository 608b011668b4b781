using ChangeFlow.Application.Changes;
using ChangeFlow.Application.Common;
using ChangeFlow.Application.Security;
using ChangeFlow.Application.Workflows;
using ChangeFlow.Domain.Changes;
using Microsoft.EntityFrameworkCore;

namespace ChangeFlow.Persistence.Stores;

/// <summary>Change records in <c>changes</c>: the record as JSON plus the columns lists filter on.</summary>
public sealed class EfChangeStore : IChangeStore
{
    /// <summary>The sequence change numbers are allocated from.</summary>
    public const string SequenceName = ChangeNumber.Prefix;

    private readonly IDbContextFactory<ChangeFlowDbContext> _factory;
    private readonly ISequenceStore _sequences;

    public EfChangeStore(IDbContextFactory<ChangeFlowDbContext> factory, ISequenceStore sequences)
    {
        _factory = factory;
        _sequences = sequences;
    }

    /// <inheritdoc />
    public async Task<ChangeNumber> AllocateNumberAsync(int year, CancellationToken cancellationToken)
    {
        var sequence = await _sequences.NextAsync(SequenceName, year, cancellationToken);
        var number = ChangeNumber.Create(year, sequence);
        return number.IsSuccess
            ? number.Value
            : throw new InvalidOperationException($"No change number is left in {year}: {string.Join("; ", number.Errors)}");
    }

    /// <inheritdoc />
    public Task AddAsync(ChangeRecord record, CancellationToken cancellationToken) => AddAsync(record, null, cancellationToken);

    /// <inheritdoc />
    public async Task AddAsync(ChangeRecord record, IdempotencySealWrite? seal, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        var entity = ChangeRows.ToEntity(record);
        await using var db = await _factory.CreateDbContextAsync(cancellationToken);
        using var turn = await WriteGate.EnterAsync(db, cancellationToken);
        if (await db.Set<ChangeEntity>().AnyAsync(c => c.Number == entity.Number, cancellationToken))
        {
            throw new ConcurrencyConflictException($"The change {entity.Number} already exists.");
        }

        db.Add(entity);
        try
        {
            // The change and the seal of the request's Idempotency-Key commit together or not at all.
            await using var transaction = seal is null ? null : await db.Database.BeginTransactionAsync(cancellationToken);
            if (seal is not null)
            {
                await Security.EfIdempotencyStore.SealAsync(db, seal, cancellationToken);
            }

            await db.SaveChangesAsync(cancellationToken);
            if (transaction is not null)
            {
                await transaction.CommitAsync(cancellationToken);
            }
        }
        catch (DbUpdateException ex) when (!StorageFailure.IsUnavailable(ex))
        {
            // Another writer inserted the same number between the check and the insert.
            throw new ConcurrencyConflictException($"The change {entity.Number} already exists.", ex);
        }
    }

    /// <inheritdoc />
    public async Task<ChangeRecord?> FindAsync(ChangeNumber number, CancellationToken cancellationToken)
    {
        var key = number.ToString();
        await using var db = await _factory.CreateDbContextAsync(cancellationToken);
        var entity = await db.Set<ChangeEntity>().AsNoTracking().FirstOrDefaultAsync(c => c.Number == key, cancellationToken);
        return entity is null ? null : ChangeRows.FromEntity(entity);
    }

    /// <inheritdoc />
    public async Task<Page<ChangeRecord>> ListAsync(ChangeQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var db = await _factory.CreateDbContextAsync(cancellationToken);
        var rows = db.Set<ChangeEntity>().AsNoTracking();
        if (query.State is { } state)
        {
            var text = state.ToString();
            rows = rows.Where(c => c.State == text);
        }

        if (query.Type is { } type)
        {
            var text = type.ToString();
            rows = rows.Where(c => c.Type == text);
        }

        if (query.From is { } from)
        {
            var utc = Instants.ToUtc(from);
            rows = rows.Where(c => c.WindowEnd > utc);
        }

        if (query.To is { } to)
        {
            var utc = Instants.ToUtc(to);
            rows = rows.Where(c => c.WindowStart < utc);
        }

        if (query.CabBoardId is not null)
        {
            rows = rows.Where(c => c.CabBoardId == query.CabBoardId);
        }

        if (query.CabMeetingAt is { } meeting)
        {
            var utc = Instants.ToUtc(meeting);
            rows = rows.Where(c => c.CabMeetingAt == utc);
        }

        if (query.RequestorId is not null)
        {
            rows = rows.Where(c => c.RequestorId == query.RequestorId);
        }

        var total = await rows.CountAsync(cancellationToken);
        var items = await rows
            .OrderByDescending(c => c.Year).ThenByDescending(c => c.Sequence)
            .Skip(Math.Max(0, query.Skip))
            .Take(Math.Max(0, query.Take))
            .ToListAsync(cancellationToken);
        return new Page<ChangeRecord>([.. items.Select(ChangeRows.FromEntity)], total, query.Skip, query.Take);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ChangeRecord>> ListOverlappingAsync(DateTimeOffset start, DateTimeOffset end, CancellationToken cancellationToken)
    {
        var from = Instants.ToUtc(start);
        var to = Instants.ToUtc(end);
        await using var db = await _factory.CreateDbContextAsync(cancellationToken);
        var items = await db.Set<ChangeEntity>().AsNoTracking()
            .Where(c => c.WindowStart < to && c.WindowEnd > from && !ChangeRows.Finished.Contains(c.State))
            .OrderBy(c => c.WindowStart).ThenBy(c => c.Number)
            .ToListAsync(cancellationToken);
        return [.. items.Select(ChangeRows.FromEntity)];
    }

    /// <inheritdoc />
    public async Task UpdateAsync(ChangeRecord record, long expectedVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        await using var db = await _factory.CreateDbContextAsync(cancellationToken);
        using var turn = await WriteGate.EnterAsync(db, cancellationToken);
        ChangeWriteHandler.AttachUpdate(db, record, expectedVersion);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException ex)
        {
            throw new ConcurrencyConflictException($"The change {record.Number} changed since version {expectedVersion}.", ex);
        }
    }
}
