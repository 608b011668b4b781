using System.Text.Json.Nodes;
using ChangeFlow.Engine.Activities;
using ChangeFlow.Engine.Execution;
using ChangeFlow.Engine.Model;
using ChangeFlow.Engine.Ports;

namespace ChangeFlow.Engine.Hosting;

/// <summary>
/// Runs instances in memory: it keeps their state, holds timers until told to fire them, and delivers published
/// events to waiting instances. The CLI's <c>run</c> command and the engine's tests use it; the service uses the
/// durable runtime instead.
/// </summary>
public sealed class InMemoryWorkflowHost : ITimerScheduler, IEventPublisher
{
    private readonly Dictionary<string, WorkflowInstanceState> _instances = new(StringComparer.Ordinal);
    private readonly Dictionary<string, WorkflowDefinition> _definitions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TimerRequest> _timers = new(StringComparer.Ordinal);
    private readonly Queue<PublishedEvent> _published = new();

    /// <summary>Creates a host.</summary>
    public InMemoryWorkflowHost(TimeProvider time, IWorkflowConsole? console = null, IEmailSender? email = null, Expressions.ScriptOptions? scripts = null, int maxActivitiesPerRun = WorkflowServices.DefaultMaxActivitiesPerRun)
    {
        Runner = new WorkflowRunner(
            new WorkflowServices
            {
                Timers = this,
                Events = this,
                Console = console ?? NullPorts.Instance,
                Email = email ?? NullPorts.Instance,
                Scripts = scripts ?? new Expressions.ScriptOptions(),
                MaxActivitiesPerRun = maxActivitiesPerRun,
            },
            time);
    }

    /// <summary>The runner this host drives.</summary>
    public WorkflowRunner Runner { get; }

    /// <summary>Instances by id.</summary>
    public IReadOnlyDictionary<string, WorkflowInstanceState> Instances => _instances;

    /// <summary>Timers waiting to fire, by bookmark id.</summary>
    public IReadOnlyCollection<TimerRequest> PendingTimers => _timers.Values;

    /// <summary>The earliest pending timer, if any.</summary>
    public TimerRequest? NextTimer => _timers.Values.OrderBy(t => t.DueAt).ThenBy(t => t.BookmarkId, StringComparer.Ordinal).FirstOrDefault();

    /// <summary>Starts an instance and delivers any events it publishes.</summary>
    public async Task<RunResult> StartAsync(WorkflowDefinition definition, StartRequest? request = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(definition);
        _definitions[definition.Id] = definition;
        var result = await Runner.StartAsync(definition, request, cancellationToken);
        if (result.Accepted)
        {
            _instances[result.State.Id] = result.State;
            await DrainPublishedAsync(cancellationToken);
        }

        return result;
    }

    /// <summary>Resumes one bookmark of one instance.</summary>
    public async Task<RunResult> ResumeAsync(string instanceId, string bookmarkId, JsonNode? input = null, CancellationToken cancellationToken = default)
    {
        var state = _instances.TryGetValue(instanceId, out var found)
            ? found
            : throw new KeyNotFoundException($"No instance '{instanceId}'.");
        var result = await Runner.ResumeAsync(_definitions[state.DefinitionVersionId], state, bookmarkId, input, cancellationToken);
        await DrainPublishedAsync(cancellationToken);
        return result;
    }

    /// <summary>Delivers a stimulus to every open bookmark whose hash matches <paramref name="name"/> and <paramref name="payload"/>.</summary>
    /// <returns>How many bookmarks were resumed.</returns>
    public async Task<int> DeliverAsync(string name, JsonNode? payload, JsonNode? input = null, string? onlyInstanceId = null, CancellationToken cancellationToken = default)
    {
        var hash = BookmarkHasher.Compute(name, payload);
        var matches = _instances.Values
            .Where(i => onlyInstanceId is null || i.Id == onlyInstanceId)
            .SelectMany(i => i.Bookmarks.Where(b => b.Hash == hash).Select(b => (Instance: i.Id, Bookmark: b.Id)))
            .ToList();
        var resumed = 0;
        foreach (var (instance, bookmark) in matches)
        {
            var result = await Runner.ResumeAsync(_definitions[_instances[instance].DefinitionVersionId], _instances[instance], bookmark, input, cancellationToken);
            if (result.Accepted)
            {
                resumed++;
            }
        }

        await DrainPublishedAsync(cancellationToken);
        return resumed;
    }

    /// <summary>Delivers a named event to waiting <c>Elsa.Event</c> bookmarks.</summary>
    public Task<int> PublishAsync(string eventName, JsonNode? payload = null, CancellationToken cancellationToken = default) =>
        DeliverAsync(Event.BookmarkName, Event.StimulusPayload(eventName), payload, null, cancellationToken);

    /// <summary>Fires the earliest timer after moving <paramref name="clock"/> to its due instant.</summary>
    /// <returns>False when no timer is pending.</returns>
    public async Task<bool> FireNextTimerAsync(SimulatedClock clock, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(clock);
        if (NextTimer is not { } timer)
        {
            return false;
        }

        clock.MoveTo(timer.DueAt);
        return await FireTimerAsync(timer, cancellationToken);
    }

    /// <summary>Fires every timer due at the clock's current time, earliest first.</summary>
    public async Task<int> FireDueTimersAsync(TimeProvider clock, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(clock);
        var fired = 0;
        while (NextTimer is { } timer && timer.DueAt <= clock.GetUtcNow())
        {
            if (await FireTimerAsync(timer, cancellationToken))
            {
                fired++;
            }
        }

        return fired;
    }

    private async Task<bool> FireTimerAsync(TimerRequest timer, CancellationToken cancellationToken)
    {
        _timers.Remove(timer.BookmarkId);
        if (!_instances.TryGetValue(timer.InstanceId, out var state))
        {
            return false;
        }

        var result = await Runner.ResumeAsync(_definitions[state.DefinitionVersionId], state, timer.BookmarkId, null, cancellationToken);
        await DrainPublishedAsync(cancellationToken);
        return result.Accepted;
    }

    private async Task DrainPublishedAsync(CancellationToken cancellationToken)
    {
        while (_published.TryDequeue(out var published))
        {
            var payload = Event.StimulusPayload(published.EventName);
            await DeliverAsync(Event.BookmarkName, payload, published.Payload, published.IsLocal ? published.SourceInstanceId : null, cancellationToken);
        }
    }

    ValueTask ITimerScheduler.ScheduleAsync(TimerRequest request, CancellationToken cancellationToken)
    {
        _timers[request.BookmarkId] = request;
        return default;
    }

    ValueTask ITimerScheduler.UnscheduleAsync(TimerRequest request, CancellationToken cancellationToken)
    {
        _timers.Remove(request.BookmarkId);
        return default;
    }

    ValueTask IEventPublisher.PublishAsync(PublishedEvent published, CancellationToken cancellationToken)
    {
        _published.Enqueue(published);
        return default;
    }
}
