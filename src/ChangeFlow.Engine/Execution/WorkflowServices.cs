using System.Text.Json.Nodes;
using ChangeFlow.Engine.Expressions;
using ChangeFlow.Engine.Ports;

namespace ChangeFlow.Engine.Execution;

/// <summary>The ports and settings a <see cref="WorkflowRunner"/> runs with.</summary>
public sealed class WorkflowServices
{
    /// <summary>Schedules and withdraws timer bookmarks.</summary>
    public ITimerScheduler Timers { get; init; } = NullPorts.Instance;

    /// <summary>Accepts e-mails from <c>Elsa.SendEmail</c> and notification activities.</summary>
    public IEmailSender Email { get; init; } = NullPorts.Instance;

    /// <summary>Accepts events from <c>Elsa.PublishEvent</c>.</summary>
    public IEventPublisher Events { get; init; } = NullPorts.Instance;

    /// <summary>Receives <c>Elsa.WriteLine</c> text.</summary>
    public IWorkflowConsole Console { get; init; } = NullPorts.Instance;

    /// <summary>Services for activities defined outside the engine (ChangeFlow's domain activities).</summary>
    public IServiceProvider? ServiceProvider { get; init; }

    /// <summary>
    /// Extra names scripts and templates see, computed once per run (e.g. <c>change</c> for the RFC an instance is about).
    /// </summary>
    public Func<WorkflowInstanceState, IReadOnlyDictionary<string, JsonNode?>>? Globals { get; init; }

    /// <summary>Limits for scripts and templates.</summary>
    public ScriptOptions Scripts { get; init; } = new();

    /// <summary>
    /// The most activities one run may execute before the instance faults; guards against a loop with no wait in it.
    /// </summary>
    /// <value>The default is <see cref="DefaultMaxActivitiesPerRun"/>.</value>
    public int MaxActivitiesPerRun { get; init; } = DefaultMaxActivitiesPerRun;

    /// <summary>The default of <see cref="MaxActivitiesPerRun"/>: 10,000.</summary>
    public const int DefaultMaxActivitiesPerRun = 10_000;

    /// <summary>
    /// The most journal entries one run keeps in memory; older entries of the run are dropped as it goes (the store
    /// bounds what is kept across runs).
    /// </summary>
    /// <value>The default is 2,000.</value>
    public int MaxJournalEntries { get; init; } = 2_000;
}
