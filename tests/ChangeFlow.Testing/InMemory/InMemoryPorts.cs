using ChangeFlow.Application.Changes;
using ChangeFlow.Application.Common;
using ChangeFlow.Application.Improvement;
using ChangeFlow.Application.Tasks;
using ChangeFlow.Application.Workflows;
using ChangeFlow.Persistence;
using ChangeFlow.Persistence.Stores;

namespace ChangeFlow.Testing.InMemory;

/// <summary>
/// The change enablement ports in memory, and the run-write handlers that apply a run's writes to them when the real
/// instance store commits the run (the handlers ignore the DbContext they are given).
/// </summary>
public sealed class InMemoryPorts
{
    public InMemoryChangeStore Changes { get; } = new();

    public InMemoryHumanTaskStore Tasks { get; } = new();

    public InMemoryTimelineStore Timeline { get; } = new();

    public InMemoryReferenceStore References { get; } = new();

    public InMemorySequenceStore Sequences { get; } = new();

    public InMemoryImprovementStore Improvements { get; } = new();

    public InMemoryUserDirectory Users { get; } = new();

    /// <summary>One handler per run-write type.</summary>
    public IReadOnlyList<IRunWriteHandler> WriteHandlers =>
    [
        new Handler<ChangeWrite>(Changes.Apply),
        new Handler<TaskCreateWrite>(Tasks.Apply),
        new Handler<TaskCloseWrite>(Tasks.Apply),
        new Handler<TimelineWrite>(Timeline.Apply),
        new Handler<ImprovementWrite>(Improvements.Apply),
    ];

    private sealed class Handler<TWrite>(Action<TWrite> apply) : RunWriteHandler<TWrite>
        where TWrite : IRunWrite
    {
        protected override ValueTask ApplyAsync(ChangeFlowDbContext db, TWrite write, CancellationToken cancellationToken)
        {
            apply(write);
            return default;
        }
    }
}
