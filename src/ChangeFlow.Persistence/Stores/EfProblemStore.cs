using ChangeFlow.Application.Common;
using ChangeFlow.Application.Incidents;
using ChangeFlow.Application.Workflows;
using ChangeFlow.Domain.Incidents;
using Microsoft.EntityFrameworkCore;

namespace ChangeFlow.Persistence.Stores;

/// <summary>Problems in <c>problems</c>.</summary>
public sealed class EfProblemStore : IProblemStore
{
    /// <summary>The sequence problem numbers are allocated from.</summary>
    public const string SequenceName = TicketNumber.ProblemPrefix;

    private readonly IDbContextFactory<ChangeFlowDbContext> _factory;
    private readonly ISequenceStore _sequences;

    public EfProblemStore(IDbContextFactory<ChangeFlowDbContext> factory, ISequenceStore sequences)
    {
        _factory = factory;
        _sequences = sequences;
    }

    /// <inheritdoc />
    public async Task<string> AllocateNumberAsync(int year, CancellationToken cancellationToken)
    {
        var sequence = await _sequences.NextAsync(SequenceName, year, cancellationToken);
        var number = TicketNumber.Create(SequenceName, year, sequence);
        return number.IsSuccess
            ? number.Value.ToString()
            : throw new InvalidOperationException($"No problem number is left in {year}: {string.Join("; ", number.Errors)}");
    }

    /// <inheritdoc />
    public async Task AddAsync(ProblemRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        var entity = IncidentRows.ToEntity(record);
        await using var db = await _factory.CreateDbContextAsync(cancellationToken);
        using var turn = await WriteGate.EnterAsync(db, cancellationToken);
        if (await db.Set<ProblemEntity>().AnyAsync(p => p.Number == entity.Number, cancellationToken))
        {
            throw new ConcurrencyConflictException($"The problem {entity.Number} already exists.");
        }

        db.Add(entity);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (!StorageFailure.IsUnavailable(ex))
        {
            throw new ConcurrencyConflictException($"The problem {entity.Number} already exists.", ex);
        }
    }

    /// <inheritdoc />
    public async Task<ProblemRecord?> FindAsync(string number, CancellationToken cancellationToken)
    {
        await using var db = await _factory.CreateDbContextAsync(cancellationToken);
        var entity = await db.Set<ProblemEntity>().AsNoTracking().FirstOrDefaultAsync(p => p.Number == number, cancellationToken);
        return entity is null ? null : IncidentRows.FromEntity(entity);
    }

    /// <inheritdoc />
    public async Task<Page<ProblemRecord>> ListAsync(ProblemQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var db = await _factory.CreateDbContextAsync(cancellationToken);
        var rows = db.Set<ProblemEntity>().AsNoTracking();
        if (query.State is { } state)
        {
            var text = state.ToString();
            rows = rows.Where(p => p.State == text);
        }

        if (query.ServiceId is not null)
        {
            rows = rows.Where(p => p.ServiceId == query.ServiceId);
        }

        var total = await rows.CountAsync(cancellationToken);
        var items = await rows.OrderByDescending(p => p.Year).ThenByDescending(p => p.Sequence)
            .Skip(Math.Max(0, query.Skip)).Take(Math.Max(0, query.Take)).ToListAsync(cancellationToken);
        return new Page<ProblemRecord>([.. items.Select(IncidentRows.FromEntity)], total, query.Skip, query.Take);
    }

    /// <inheritdoc />
    public async Task UpdateAsync(ProblemRecord record, long expectedVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        await VersionedUpdate.SaveAsync(_factory, IncidentRows.ToEntity(record with { Version = expectedVersion + 1 }), p => p.Version, expectedVersion, $"The problem {record.Number}", cancellationToken);
    }
}
