using ChangeFlow.Application.Improvement;
using ChangeFlow.Application.Workflows;
using ChangeFlow.Domain.Changes;
using ChangeFlow.Domain.Improvement;
using Microsoft.EntityFrameworkCore;

namespace ChangeFlow.Persistence.Stores;

/// <summary>The Continual Improvement Register in <c>improvement_items</c>.</summary>
public sealed class EfImprovementStore : IImprovementStore
{
    private readonly IDbContextFactory<ChangeFlowDbContext> _factory;

    public EfImprovementStore(IDbContextFactory<ChangeFlowDbContext> factory)
    {
        _factory = factory;
    }

    /// <inheritdoc />
    public async Task<ImprovementRecord?> FindAsync(string number, CancellationToken cancellationToken)
    {
        await using var db = await _factory.CreateDbContextAsync(cancellationToken);
        var row = await db.Set<ImprovementEntity>().AsNoTracking().FirstOrDefaultAsync(i => i.Number == number, cancellationToken);
        return row is null ? null : FromEntity(row);
    }

    /// <inheritdoc />
    public async Task<Page<ImprovementRecord>> ListAsync(string? sourceChange, int skip, int take, CancellationToken cancellationToken)
    {
        await using var db = await _factory.CreateDbContextAsync(cancellationToken);
        var rows = db.Set<ImprovementEntity>().AsNoTracking();
        if (sourceChange is not null)
        {
            rows = rows.Where(i => i.SourceChange == sourceChange);
        }

        var total = await rows.CountAsync(cancellationToken);
        var items = await rows.OrderByDescending(i => i.Year).ThenByDescending(i => i.Sequence)
            .Skip(Math.Max(0, skip)).Take(Math.Max(0, take)).ToListAsync(cancellationToken);
        return new Page<ImprovementRecord>([.. items.Select(FromEntity)], total, skip, take);
    }

    /// <inheritdoc />
    public async Task UpdateAsync(ImprovementRecord record, long expectedVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        var entity = ToEntity(record);
        entity.Version = expectedVersion + 1;
        await VersionedUpdate.SaveAsync(_factory, entity, x => x.Version, expectedVersion, $"The improvement item {record.Number}", cancellationToken);
    }

    internal static ImprovementEntity ToEntity(ImprovementRecord record)
    {
        if (!ImprovementNumbers.TryParse(record.Number, out var year, out var sequence))
        {
            throw new ArgumentException($"'{record.Number}' is not a register number of the form {ImprovementNumbers.Prefix}-YYYY-NNN.", nameof(record));
        }

        return new ImprovementEntity
        {
            Number = record.Number,
            Year = year,
            Sequence = sequence,
            Title = record.Item.Title,
            Description = record.Item.Description,
            SourceChange = record.Item.SourceChange?.ToString(),
            Status = record.Item.Status.ToString(),
            Priority = record.Item.Priority.ToString(),
            Owner = record.Owner,
            CreatedBy = record.CreatedBy,
            CreatedAt = Instants.ToUtc(record.CreatedAt),
            UpdatedAt = Instants.ToUtc(record.UpdatedAt),
            Version = record.Version,
        };
    }

    private static ImprovementRecord FromEntity(ImprovementEntity e) => new(
        e.Number,
        new ImprovementItem
        {
            Title = e.Title,
            Description = e.Description,
            SourceChange = ChangeNumber.TryParse(e.SourceChange, out var source) ? source : null,
            Status = Enum.Parse<ImprovementStatus>(e.Status),
            Priority = Enum.Parse<ImprovementPriority>(e.Priority),
        },
        e.Owner,
        e.CreatedBy,
        Instants.FromUtc(e.CreatedAt),
        Instants.FromUtc(e.UpdatedAt),
        e.Version);
}
