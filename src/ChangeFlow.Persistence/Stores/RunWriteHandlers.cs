using ChangeFlow.Application.Workflows;

namespace ChangeFlow.Persistence.Stores;

/// <summary>
/// Writes one kind of <see cref="IRunWrite"/> inside the transaction that commits a run. Implementations add or
/// update tracked entities on <c>db</c> (saved with the run) or run their own statements on its connection; a stale
/// version must throw <see cref="ConcurrencyConflictException"/> so the whole run is retried on fresh data.
/// </summary>
public interface IRunWriteHandler
{
    /// <summary>The write type handled.</summary>
    Type WriteType { get; }

    /// <summary>Applies <paramref name="write"/> within the commit's transaction.</summary>
    ValueTask ApplyAsync(ChangeFlowDbContext db, IRunWrite write, CancellationToken cancellationToken);
}

/// <summary>A typed base for <see cref="IRunWriteHandler"/>.</summary>
public abstract class RunWriteHandler<TWrite> : IRunWriteHandler
    where TWrite : IRunWrite
{
    /// <inheritdoc />
    public Type WriteType => typeof(TWrite);

    /// <inheritdoc />
    public ValueTask ApplyAsync(ChangeFlowDbContext db, IRunWrite write, CancellationToken cancellationToken) =>
        ApplyAsync(db, (TWrite)write, cancellationToken);

    /// <summary>Applies one write.</summary>
    protected abstract ValueTask ApplyAsync(ChangeFlowDbContext db, TWrite write, CancellationToken cancellationToken);
}

/// <summary>The handlers by write type.</summary>
internal sealed class RunWriteHandlers
{
    private readonly Dictionary<Type, IRunWriteHandler> _byType;

    public RunWriteHandlers(IEnumerable<IRunWriteHandler> handlers)
    {
        _byType = handlers.ToDictionary(h => h.WriteType);
    }

    public ValueTask ApplyAsync(ChangeFlowDbContext db, IRunWrite write, CancellationToken cancellationToken) =>
        _byType.TryGetValue(write.GetType(), out var handler)
            ? handler.ApplyAsync(db, write, cancellationToken)
            : throw new InvalidOperationException($"No handler is registered for the run write {write.GetType().Name}.");
}
