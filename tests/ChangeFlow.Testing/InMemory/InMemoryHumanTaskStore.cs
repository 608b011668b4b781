using ChangeFlow.Application.Tasks;
using ChangeFlow.Application.Workflows;

namespace ChangeFlow.Testing.InMemory;

/// <summary>An <see cref="IHumanTaskStore"/> in memory.</summary>
public sealed class InMemoryHumanTaskStore : IHumanTaskStore
{
    private readonly object _gate = new();
    private readonly Dictionary<string, HumanTask> _tasks = new(StringComparer.Ordinal);

    /// <summary>Every task, oldest first.</summary>
    public IReadOnlyList<HumanTask> All
    {
        get
        {
            lock (_gate)
            {
                return [.. _tasks.Values.OrderBy(t => t.CreatedAt).ThenBy(t => t.Id, StringComparer.Ordinal)];
            }
        }
    }

    public Task<HumanTask?> FindAsync(string id, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_tasks.GetValueOrDefault(id));
        }
    }

    public Task<Page<HumanTask>> ListAsync(HumanTaskQuery query, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var matches = _tasks.Values
                .Where(t => query.AssigneeUserId is null || t.AssigneeUserId == query.AssigneeUserId)
                .Where(t => query.Status is null || t.Status == query.Status)
                .Where(t => query.SubjectId is null || t.SubjectId == query.SubjectId)
                .Where(t => query.GroupId is null || t.GroupId == query.GroupId)
                .OrderBy(t => t.Status == HumanTaskStatus.Open ? 0 : 1)
                .ThenBy(t => t.Status == HumanTaskStatus.Open ? t.DueAt ?? DateTimeOffset.MaxValue : DateTimeOffset.MaxValue)
                .ThenByDescending(t => t.CreatedAt)
                .ThenBy(t => t.Id, StringComparer.Ordinal)
                .ToList();
            return Task.FromResult(new Page<HumanTask>([.. matches.Skip(query.Skip).Take(query.Take)], matches.Count, query.Skip, query.Take));
        }
    }

    public Task UpdateAsync(HumanTask task, long expectedVersion, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!_tasks.TryGetValue(task.Id, out var stored) || stored.Version != expectedVersion)
            {
                throw new ConcurrencyConflictException($"Task {task.Id} is not at version {expectedVersion}.");
            }

            _tasks[task.Id] = task;
        }

        return Task.CompletedTask;
    }

    /// <summary>Applies a run's task creation.</summary>
    public void Apply(TaskCreateWrite write)
    {
        lock (_gate)
        {
            if (!_tasks.TryAdd(write.Task.Id, write.Task))
            {
                throw new ConcurrencyConflictException($"Task {write.Task.Id} exists.");
            }
        }
    }

    /// <summary>Applies a run's task closing: only an open task is closed.</summary>
    public void Apply(TaskCloseWrite write)
    {
        lock (_gate)
        {
            if (_tasks.TryGetValue(write.TaskId, out var task) && task.Status == HumanTaskStatus.Open)
            {
                _tasks[write.TaskId] = task with
                {
                    Status = write.Status,
                    Outcome = write.Outcome,
                    Comment = write.Comment,
                    CompletedBy = write.By,
                    CompletedAt = write.At,
                    Data = write.Data ?? task.Data,
                    Version = task.Version + 1,
                };
            }
        }
    }
}
