using ChangeFlow.Application.Common;
using ChangeFlow.Application.Incidents;
using ChangeFlow.Application.Workflows;
using ChangeFlow.Domain.Incidents;
using Microsoft.EntityFrameworkCore;

namespace ChangeFlow.Persistence.Stores;

/// <summary>Incidents in <c>incidents</c>: the record as JSON plus the columns lists filter on.</summary>
public sealed class EfIncidentStore : IIncidentStore
{
    /// <summary>The sequence incident numbers are allocated from.</summary>
    public const string SequenceName = TicketNumber.IncidentPrefix;

    private readonly IDbContextFactory<ChangeFlowDbContext> _factory;
    private readonly ISequenceStore _sequences;

    public EfIncidentStore(IDbContextFactory<ChangeFlowDbContext> factory, ISequenceStore sequences)
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
            : throw new InvalidOperationException($"No incident number is left in {year}: {string.Join("; ", number.Errors)}");
    }

    /// <inheritdoc />
    public async Task AddAsync(IncidentRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        var entity = IncidentRows.ToEntity(record);
        await using var db = await _factory.CreateDbContextAsync(cancellationToken);
        using var turn = await WriteGate.EnterAsync(db, cancellationToken);
        await IncidentWriteHandler.CheckNewAsync(db, entity, cancellationToken);
        db.Add(entity);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (!StorageFailure.IsUnavailable(ex))
        {
            // Another writer inserted the same number, or opened an incident for the same alert, meanwhile.
            throw new ConcurrencyConflictException($"The incident {entity.Number} (alert key {entity.OpenAlertKey ?? "none"}) conflicts with one stored meanwhile.", ex);
        }
    }

    /// <inheritdoc />
    public async Task<IncidentRecord?> FindAsync(string number, CancellationToken cancellationToken)
    {
        await using var db = await _factory.CreateDbContextAsync(cancellationToken);
        var entity = await db.Set<IncidentTicketEntity>().AsNoTracking().FirstOrDefaultAsync(i => i.Number == number, cancellationToken);
        return entity is null ? null : IncidentRows.FromEntity(entity);
    }

    /// <inheritdoc />
    public async Task<IncidentRecord?> FindByAlertKeyAsync(string alertKey, CancellationToken cancellationToken)
    {
        await using var db = await _factory.CreateDbContextAsync(cancellationToken);
        var entity = await db.Set<IncidentTicketEntity>().AsNoTracking().FirstOrDefaultAsync(i => i.OpenAlertKey == alertKey, cancellationToken);
        return entity is null ? null : IncidentRows.FromEntity(entity);
    }

    /// <inheritdoc />
    public async Task<Page<IncidentRecord>> ListAsync(IncidentQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var db = await _factory.CreateDbContextAsync(cancellationToken);
        var rows = db.Set<IncidentTicketEntity>().AsNoTracking();
        if (query.State is { } state)
        {
            var text = state.ToString();
            rows = rows.Where(i => i.State == text);
        }

        if (query.Priority is { } priority)
        {
            var text = priority.ToString();
            rows = rows.Where(i => i.Priority == text);
        }

        if (query.ServiceId is not null)
        {
            rows = rows.Where(i => i.ServiceId == query.ServiceId);
        }

        if (query.AssignmentGroup is not null)
        {
            rows = rows.Where(i => i.AssignmentGroup == query.AssignmentGroup);
        }

        if (query.AssigneeId is not null)
        {
            rows = rows.Where(i => i.AssigneeId == query.AssigneeId);
        }

        if (query.ReporterId is not null)
        {
            rows = rows.Where(i => i.ReporterId == query.ReporterId);
        }

        if (query.VisibleTo is { } who)
        {
            rows = rows.Where(i => i.ReporterId == who || i.CreatedBy == who || i.AssigneeId == who);
        }

        if (query.ProblemNumber is not null)
        {
            rows = rows.Where(i => i.ProblemNumber == query.ProblemNumber);
        }

        if (query.CausedByChange is not null)
        {
            rows = rows.Where(i => i.CausedByChange == query.CausedByChange);
        }

        if (query.Open is { } open)
        {
            rows = rows.Where(i => i.IsOpen == open);
        }

        if (query.OpenedFrom is { } from)
        {
            var utc = Instants.ToUtc(from);
            rows = rows.Where(i => i.OpenedAt >= utc);
        }

        if (query.OpenedTo is { } to)
        {
            var utc = Instants.ToUtc(to);
            rows = rows.Where(i => i.OpenedAt < utc);
        }

        var total = await rows.CountAsync(cancellationToken);
        var items = await rows
            .OrderByDescending(i => i.Year).ThenByDescending(i => i.Sequence)
            .Skip(Math.Max(0, query.Skip))
            .Take(Math.Max(0, query.Take))
            .ToListAsync(cancellationToken);
        return new Page<IncidentRecord>([.. items.Select(IncidentRows.FromEntity)], total, query.Skip, query.Take);
    }

    /// <inheritdoc />
    public async Task UpdateAsync(IncidentRecord record, long expectedVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        await using var db = await _factory.CreateDbContextAsync(cancellationToken);
        using var turn = await WriteGate.EnterAsync(db, cancellationToken);
        IncidentWriteHandler.AttachUpdate(db, record, expectedVersion);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException ex)
        {
            throw new ConcurrencyConflictException($"The incident {record.Number} changed since version {expectedVersion}.", ex);
        }
        catch (DbUpdateException ex) when (!StorageFailure.IsUnavailable(ex))
        {
            throw new ConcurrencyConflictException($"The incident {record.Number} conflicts with another (alert key {record.Incident.Alert?.Key}).", ex);
        }
    }
}
