using ChangeFlow.Application.Changes;
using ChangeFlow.Application.Workflows;
using ChangeFlow.Domain.Changes;

namespace ChangeFlow.Testing.InMemory;

/// <summary>An <see cref="IChangeStore"/> in memory, with the same version rules as the real one.</summary>
public sealed class InMemoryChangeStore : IChangeStore
{
    private readonly object _gate = new();
    private readonly Dictionary<ChangeNumber, ChangeRecord> _records = [];
    private readonly Dictionary<int, int> _lastSequence = [];

    /// <summary>Every record, by number.</summary>
    public IReadOnlyList<ChangeRecord> All
    {
        get
        {
            lock (_gate)
            {
                return [.. _records.Values.OrderBy(r => r.Change.Number)];
            }
        }
    }

    public Task<ChangeNumber> AllocateNumberAsync(int year, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var next = _lastSequence.GetValueOrDefault(year) + 1;
            _lastSequence[year] = next;
            return Task.FromResult(ChangeNumber.Create(year, next).Value);
        }
    }

    /// <summary>Adds the record; there are no idempotency records in memory, so <paramref name="seal"/> has nothing to seal.</summary>
    public Task AddAsync(ChangeRecord record, Application.Security.IdempotencySealWrite? seal, CancellationToken cancellationToken) =>
        AddAsync(record, cancellationToken);

    public Task AddAsync(ChangeRecord record, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!_records.TryAdd(record.Change.Number, record))
            {
                throw new ConcurrencyConflictException($"{record.Number} exists.");
            }

            var year = record.Change.Number.Year;
            _lastSequence[year] = Math.Max(_lastSequence.GetValueOrDefault(year), record.Change.Number.Sequence);
        }

        return Task.CompletedTask;
    }

    public Task<ChangeRecord?> FindAsync(ChangeNumber number, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_records.GetValueOrDefault(number));
        }
    }

    public Task<Page<ChangeRecord>> ListAsync(ChangeQuery query, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var matches = _records.Values
                .Where(r => query.State is null || r.Change.State == query.State)
                .Where(r => query.Type is null || r.Change.Type == query.Type)
                .Where(r => query.From is null || (r.Change.Window is { } w && w.End > query.From))
                .Where(r => query.To is null || (r.Change.Window is { } w2 && w2.Start < query.To))
                .Where(r => query.CabBoardId is null || r.CabBoardId == query.CabBoardId)
                .Where(r => query.CabMeetingAt is null || r.CabMeetingAt == query.CabMeetingAt)
                .Where(r => query.RequestorId is null || r.Change.Requestor?.Id == query.RequestorId)
                .OrderByDescending(r => r.Change.Number)
                .ToList();
            return Task.FromResult(new Page<ChangeRecord>([.. matches.Skip(query.Skip).Take(query.Take)], matches.Count, query.Skip, query.Take));
        }
    }

    public Task<IReadOnlyList<ChangeRecord>> ListOverlappingAsync(DateTimeOffset start, DateTimeOffset end, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            IReadOnlyList<ChangeRecord> found = [.. _records.Values
                .Where(r => r.Change.State is not (ChangeState.Rejected or ChangeState.Canceled or ChangeState.Closed))
                .Where(r => r.Change.Window is { } w && w.Start < end && start < w.End)
                .OrderBy(r => r.Change.Number)];
            return Task.FromResult(found);
        }
    }

    public Task UpdateAsync(ChangeRecord record, long expectedVersion, CancellationToken cancellationToken)
    {
        Replace(record, expectedVersion);
        return Task.CompletedTask;
    }

    /// <summary>Applies a run's write.</summary>
    public void Apply(ChangeWrite write) => Replace(write.Record, write.ExpectedVersion);

    private void Replace(ChangeRecord record, long expectedVersion)
    {
        lock (_gate)
        {
            if (!_records.TryGetValue(record.Change.Number, out var stored) || stored.Version != expectedVersion)
            {
                throw new ConcurrencyConflictException($"{record.Number} is not at version {expectedVersion}.");
            }

            _records[record.Change.Number] = record;
        }
    }
}
