using ChangeFlow.Application.Common;
using ChangeFlow.Application.Improvement;
using ChangeFlow.Application.Security;
using ChangeFlow.Application.Workflows;

namespace ChangeFlow.Testing.InMemory;

/// <summary>An <see cref="ITimelineStore"/> in memory.</summary>
public sealed class InMemoryTimelineStore : ITimelineStore
{
    private readonly object _gate = new();
    private readonly List<TimelineEntry> _entries = [];

    public Task AddAsync(TimelineEntry entry, CancellationToken cancellationToken)
    {
        Apply(new TimelineWrite(entry));
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<TimelineEntry>> ListAsync(string subjectId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            IReadOnlyList<TimelineEntry> found = [.. _entries.Where(e => e.SubjectId == subjectId).OrderBy(e => e.At).ThenBy(e => e.Id, StringComparer.Ordinal)];
            return Task.FromResult(found);
        }
    }

    /// <summary>Applies a run's timeline entry.</summary>
    public void Apply(TimelineWrite write)
    {
        lock (_gate)
        {
            _entries.Add(write.Entry);
        }
    }
}

/// <summary>An <see cref="IReferenceStore"/> in memory.</summary>
public sealed class InMemoryReferenceStore : IReferenceStore
{
    private readonly object _gate = new();
    private readonly Dictionary<(string Kind, string Id), ReferenceDocument> _documents = [];

    public Task<ReferenceDocument?> FindAsync(string kind, string id, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_documents.GetValueOrDefault((kind, id)));
        }
    }

    public Task<IReadOnlyList<ReferenceDocument>> ListAsync(string kind, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            IReadOnlyList<ReferenceDocument> found = [.. _documents.Values.Where(d => d.Kind == kind).OrderBy(d => d.Id, StringComparer.Ordinal)];
            return Task.FromResult(found);
        }
    }

    public Task<long> PutAsync(string kind, string id, string json, long? expectedVersion, DateTimeOffset at, string? by, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var exists = _documents.TryGetValue((kind, id), out var stored);
            if (expectedVersion is null ? exists : !exists || stored!.Version != expectedVersion)
            {
                throw new ConcurrencyConflictException($"{kind} '{id}' is not at the expected version.");
            }

            var version = (stored?.Version ?? 0) + 1;
            _documents[(kind, id)] = new ReferenceDocument(kind, id, json, version, at, by);
            return Task.FromResult(version);
        }
    }

    public Task<bool> DeleteAsync(string kind, string id, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_documents.Remove((kind, id)));
        }
    }
}

/// <summary>An <see cref="ISequenceStore"/> in memory.</summary>
public sealed class InMemorySequenceStore : ISequenceStore
{
    private readonly object _gate = new();
    private readonly Dictionary<(string, int), int> _values = [];

    public Task<int> NextAsync(string name, int year, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var next = _values.GetValueOrDefault((name, year)) + 1;
            _values[(name, year)] = next;
            return Task.FromResult(next);
        }
    }
}

/// <summary>An <see cref="IImprovementStore"/> in memory.</summary>
public sealed class InMemoryImprovementStore : IImprovementStore
{
    private readonly object _gate = new();
    private readonly Dictionary<string, ImprovementRecord> _items = new(StringComparer.Ordinal);

    /// <summary>Every item, by number.</summary>
    public IReadOnlyList<ImprovementRecord> All
    {
        get
        {
            lock (_gate)
            {
                return [.. _items.Values.OrderBy(i => i.Number, StringComparer.Ordinal)];
            }
        }
    }

    public Task<ImprovementRecord?> FindAsync(string number, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_items.GetValueOrDefault(number));
        }
    }

    public Task<Page<ImprovementRecord>> ListAsync(string? sourceChange, int skip, int take, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var matches = _items.Values
                .Where(i => sourceChange is null || i.Item.SourceChange?.ToString() == sourceChange)
                .OrderByDescending(i => i.Number, StringComparer.Ordinal)
                .ToList();
            return Task.FromResult(new Page<ImprovementRecord>([.. matches.Skip(skip).Take(take)], matches.Count, skip, take));
        }
    }

    public Task UpdateAsync(ImprovementRecord record, long expectedVersion, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!_items.TryGetValue(record.Number, out var stored) || stored.Version != expectedVersion)
            {
                throw new ConcurrencyConflictException($"{record.Number} is not at version {expectedVersion}.");
            }

            _items[record.Number] = record;
        }

        return Task.CompletedTask;
    }

    /// <summary>Applies a run's new item.</summary>
    public void Apply(ImprovementWrite write)
    {
        lock (_gate)
        {
            if (!_items.TryAdd(write.Record.Number, write.Record))
            {
                throw new ConcurrencyConflictException($"{write.Record.Number} exists.");
            }
        }
    }
}

/// <summary>An <see cref="IUserDirectory"/> in memory; add users with <c>Add</c>.</summary>
public sealed class InMemoryUserDirectory : IUserDirectory
{
    private readonly object _gate = new();
    private readonly Dictionary<string, UserInfo> _users = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Adds or replaces a user.</summary>
    public InMemoryUserDirectory Add(UserInfo user)
    {
        lock (_gate)
        {
            _users[user.Id] = user;
        }

        return this;
    }

    /// <summary>Adds an active user with an e-mail made from the id.</summary>
    public InMemoryUserDirectory Add(string id, params string[] roles) =>
        Add(new UserInfo(id, $"{id}@example.org", id, roles, [], IsActive: true));

    public Task<UserInfo?> FindAsync(string idOrEmail, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_users.GetValueOrDefault(idOrEmail)
                ?? _users.Values.FirstOrDefault(u => string.Equals(u.Email, idOrEmail, StringComparison.OrdinalIgnoreCase)));
        }
    }

    public Task<IReadOnlyList<UserInfo>> ListByRoleAsync(string role, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            IReadOnlyList<UserInfo> found = [.. _users.Values.Where(u => u.IsActive && u.Roles.Contains(role, StringComparer.Ordinal)).OrderBy(u => u.Email, StringComparer.OrdinalIgnoreCase)];
            return Task.FromResult(found);
        }
    }

    public Task<IReadOnlyList<UserInfo>> ListByGroupAsync(string group, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            IReadOnlyList<UserInfo> found = [.. _users.Values.Where(u => u.IsActive && u.Groups.Contains(group, StringComparer.OrdinalIgnoreCase)).OrderBy(u => u.Email, StringComparer.OrdinalIgnoreCase)];
            return Task.FromResult(found);
        }
    }
}
