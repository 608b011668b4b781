using System.Text.Json.Nodes;
using ChangeFlow.Application.Workflows;
using ChangeFlow.Engine.Activities;
using ChangeFlow.Engine.Execution;
using ChangeFlow.Engine.Loading;
using ChangeFlow.Persistence;
using ChangeFlow.Persistence.Stores;
using ChangeFlow.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace ChangeFlow.Application.Tests.Support;

/// <summary>One node of the service: a runtime and the stores it uses, over its own context pool.</summary>
public sealed record RuntimeNode(
    WorkflowRuntime Runtime,
    WorkflowDefinitionService Definitions,
    IWorkflowDefinitionStore DefinitionStore,
    IWorkflowInstanceStore Instances,
    IStimulusStore Stimuli);

/// <summary>
/// The durable runtime over a real database, the one fake clock and a <see cref="RecordingJobScheduler"/> that runs
/// nothing by itself: a test runs the jobs it wants, when it wants, by calling the runtime as the job would.
/// </summary>
public sealed class RuntimeHarness : IAsyncDisposable
{
    private RuntimeHarness(TestDatabase database, RuntimeOptions options, TimerOptions? timers)
    {
        Database = database;
        Options = options;
        Timers = timers;
        Node = CreateNode();
    }

    public TestDatabase Database { get; }

    public RuntimeOptions Options { get; }

    /// <summary>The timer settings every node's runtime gets (null: none, as a runtime without a dispatcher).</summary>
    public TimerOptions? Timers { get; }

    public FakeTimeProvider Clock { get; } = new(EngineFixture.StartInstant);

    public RecordingJobScheduler Jobs { get; } = new();

    public WorkflowLoader Loader { get; } = new(ActivityRegistry.CreateDefault());

    /// <summary>The first node.</summary>
    public RuntimeNode Node { get; }

    public WorkflowRuntime Runtime => Node.Runtime;

    public WorkflowDefinitionService Definitions => Node.Definitions;

    public IWorkflowInstanceStore Instances => Node.Instances;

    public IStimulusStore Stimuli => Node.Stimuli;

    private static CancellationToken Ct => CancellationToken.None;

    /// <summary>Creates and migrates a database for a runtime with <paramref name="configure"/>d options.</summary>
    public static async Task<RuntimeHarness> CreateAsync(DatabaseProvider provider, Action<RuntimeOptions>? configure = null, TimerOptions? timers = null)
    {
        var options = new RuntimeOptions();
        configure?.Invoke(options);
        return new RuntimeHarness(await TestDatabase.CreateAsync(provider), options, timers);
    }

    /// <summary>The text of a workflow file kept next to the tests.</summary>
    public static string ReadWorkflow(string name) =>
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Workflows", "Definitions", name + ".json"));

    /// <summary>A stimulus for <c>Elsa.Event</c> bookmarks waiting on <paramref name="eventName"/>.</summary>
    public static StimulusRequest EventStimulus(string eventName, JsonNode? input = null, string? correlationId = null) =>
        new(Event.BookmarkName, Event.StimulusPayload(eventName), input, CorrelationId: correlationId);

    /// <summary>
    /// Another node over the same database: its own runtime (and so its own in-process instance locks), stores and
    /// context pool; it shares the clock and the job scheduler, as nodes share Hangfire's storage.
    /// </summary>
    public RuntimeNode CreateNode(Func<IWorkflowInstanceStore, IWorkflowInstanceStore>? decorate = null)
    {
        var factory = Database.CreateFactory();
        var definitionStore = new EfWorkflowDefinitionStore(factory);
        // The instance store applies the change stores' run writes, as the host's does.
        var store = new EfWorkflowInstanceStore(factory, ChangeStoresServiceCollectionExtensions.RunWriteHandlers());
        var instances = decorate is null ? store : decorate(store);
        var stimuli = new EfStimulusStore(factory);
        var definitions = new WorkflowDefinitionService(definitionStore, Loader, Clock, NullLogger<WorkflowDefinitionService>.Instance);
        var runtime = new WorkflowRuntime(
            definitions,
            instances,
            stimuli,
            Jobs,
            Clock,
            Microsoft.Extensions.Options.Options.Create(Options),
            NullLogger<WorkflowRuntime>.Instance,
            timers: Timers is null ? null : Microsoft.Extensions.Options.Options.Create(Timers));
        return new RuntimeNode(runtime, definitions, definitionStore, instances, stimuli);
    }

    /// <summary>Imports and publishes a workflow file kept next to the tests.</summary>
    public async Task<ImportOutcome> PublishAsync(string name)
    {
        var outcome = await Definitions.ImportAsync(ReadWorkflow(name), "test:" + name, publish: true, Ct);
        Assert.True(outcome.Result == "added", $"{name}: {outcome.Result} {string.Join("; ", outcome.Problems)}");
        return outcome;
    }

    /// <summary>Starts an instance of the published version and asserts that it started.</summary>
    public async Task<InstanceSummary> StartAsync(string definitionId, string? correlationId = null)
    {
        var result = await Runtime.StartAsync(definitionId, new StartRequest { CorrelationId = correlationId }, Ct);
        Assert.True(result.Succeeded, result.Message);
        return result.Instance!;
    }

    /// <summary>The stored state of an instance.</summary>
    public async Task<WorkflowInstanceState> StateAsync(string instanceId)
    {
        var snapshot = await Instances.LoadAsync(instanceId, Ct);
        Assert.NotNull(snapshot);
        return snapshot.State;
    }

    /// <summary>The stored row version of an instance.</summary>
    public async Task<long> VersionAsync(string instanceId) => (await Instances.LoadAsync(instanceId, Ct))?.Version ?? 0;

    /// <summary>The instance's <c>Outcome</c> variable, which the test workflows set on each path.</summary>
    public async Task<string?> OutcomeAsync(string instanceId) => (await StateAsync(instanceId)).Variables["Outcome"]?.GetValue<string>();

    public async Task<WorkflowStatus?> StatusAsync(string instanceId) => (await Runtime.GetAsync(instanceId, Ct))?.Status;

    public Task<IReadOnlyList<JournalEntry>> JournalAsync(string instanceId) => Instances.GetJournalAsync(instanceId, Ct);

    /// <summary>Every timer bookmark stored, due or not.</summary>
    public Task<IReadOnlyList<TimerBookmark>> TimersAsync() => Instances.ListDueTimersAsync(new DateTimeOffset(3000, 1, 1, 0, 0, 0, TimeSpan.Zero), 1000, Ct);

    /// <summary>A timer dispatcher for <paramref name="node"/> (the first node when null), with <see cref="Timers"/> or the defaults.</summary>
    public TimerDispatcher CreateDispatcher(RuntimeNode? node = null, string? name = null)
    {
        node ??= Node;
        return new TimerDispatcher(
            node.Runtime,
            node.Instances,
            Jobs,
            Clock,
            Microsoft.Extensions.Options.Options.Create(Timers ?? new TimerOptions()),
            NullLogger<TimerDispatcher>.Instance,
            name);
    }

    public ValueTask DisposeAsync() => Database.DisposeAsync();
}
