using System.ComponentModel.DataAnnotations;

namespace ChangeFlow.Application.Workflows;

/// <summary>Settings of the durable workflow runtime (section <c>ChangeFlow:Runtime</c>).</summary>
public sealed class RuntimeOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "ChangeFlow:Runtime";

    /// <summary>How often a run is retried when another node committed the same instance first.</summary>
    /// <value>The default is 20.</value>
    [Range(1, 1000)]
    public int MaxConcurrencyRetries { get; set; } = 20;

    /// <summary>How often a stimulus that matched no bookmark is retried before it is dead-lettered.</summary>
    /// <value>The default is 8.</value>
    [Range(1, 100)]
    public int StimulusMaxAttempts { get; set; } = 8;

    /// <summary>The first retry delay of an unmatched stimulus; it doubles with each attempt.</summary>
    /// <value>The default is 500 ms.</value>
    public TimeSpan StimulusRetryDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How far past its due time a timer bookmark must be before the sweep fires it again.</summary>
    /// <value>The default is 15 s.</value>
    public TimeSpan SweepGrace { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How often the sweep looks for overdue timers and stuck stimuli.</summary>
    /// <value>The default is 15 s.</value>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// A timer job that arrives this much before its bookmark's due instant waits for it instead of firing early
    /// (Hangfire stores due times in whole seconds). An earlier arrival is rescheduled.
    /// </summary>
    /// <value>The default is 2 s.</value>
    public TimeSpan EarlyFireTolerance { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The most activities one run may execute before the instance faults with a <c>TooManySteps</c> incident; a loop
    /// with no wait in it (A → B → A) stops here instead of holding a core.
    /// </summary>
    /// <value>The default is 10,000.</value>
    [Range(10, 1_000_000)]
    public int MaxActivitiesPerRun { get; set; } = 10_000;

    /// <summary>
    /// The most journal entries kept per instance; when a run would go past it, the oldest entries are deleted (the
    /// journal then starts at a sequence above 1).
    /// </summary>
    /// <value>The default is 2,000.</value>
    [Range(10, 1_000_000)]
    public int MaxJournalEntriesPerInstance { get; set; } = 2_000;
}
