namespace ChangeFlow.Application.Workflows;

/// <summary>
/// A change to ChangeFlow's own records (a change request, a task, a timeline entry) that an activity makes while it
/// runs. It is written in the same transaction as the instance state, so a run's effects on the domain and on the
/// workflow are committed together or not at all, and a run retried after a concurrency conflict starts clean.
/// </summary>
public interface IRunWrite
{
}

/// <summary>
/// What one run of one instance shares between its activities: the writes to commit with it and a cache of records
/// it has read (so two activities of one run see each other's changes). Activities get it with
/// <c>context.GetRequiredService&lt;RunSession&gt;()</c>; each run, and each retry of a run, has a fresh one.
/// </summary>
public sealed class RunSession
{
    private readonly List<IRunWrite> _writes = [];

    internal RunSession(string? actor)
    {
        Actor = actor;
    }

    /// <summary>Who caused the run (the user who completed a task, reported a step...), or null for the system.</summary>
    public string? Actor { get; }

    /// <summary>The writes collected so far, in order.</summary>
    public IReadOnlyList<IRunWrite> Writes => _writes;

    /// <summary>Records read during the run, by key (e.g. <c>change:RFC-2026-014</c>).</summary>
    public Dictionary<string, object> Items { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Why an activity refused the stimulus that resumed it, or null. A refused run is thrown away whole: nothing it
    /// collected is committed, and the caller is told <see cref="RuntimeOutcome.Refused"/> with this reason.
    /// </summary>
    public string? Refusal { get; private set; }

    /// <summary>
    /// Refuses the stimulus that resumed the run (e.g. a task completion that expected an open task which another
    /// completion closed first): a result for the caller to answer, not a fault of the instance.
    /// </summary>
    public void Refuse(string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        Refusal ??= reason;
    }

    /// <summary>Adds a write to commit with the run.</summary>
    public void Add(IRunWrite write)
    {
        ArgumentNullException.ThrowIfNull(write);
        _writes.Add(write);
    }

    /// <summary>Replaces an earlier write with the same key (e.g. the latest version of a change), or adds it.</summary>
    public void Upsert<T>(T write, Func<T, bool> sameAs)
        where T : IRunWrite
    {
        ArgumentNullException.ThrowIfNull(sameAs);
        var index = _writes.FindIndex(w => w is T existing && sameAs(existing));
        if (index >= 0)
        {
            _writes[index] = write;
        }
        else
        {
            _writes.Add(write);
        }
    }
}

/// <summary>The services a run's activities see: the run's <see cref="RunSession"/>, then the host's services.</summary>
internal sealed class RunServiceProvider : IServiceProvider
{
    private readonly IServiceProvider? _root;
    private readonly RunSession _session;

    public RunServiceProvider(IServiceProvider? root, RunSession session)
    {
        _root = root;
        _session = session;
    }

    public object? GetService(Type serviceType) =>
        serviceType == typeof(RunSession) ? _session : _root?.GetService(serviceType);
}
