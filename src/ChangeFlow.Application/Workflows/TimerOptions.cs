using System.ComponentModel.DataAnnotations;

namespace ChangeFlow.Application.Workflows;

/// <summary>Settings of how timers fire (section <c>ChangeFlow:Timers</c>).</summary>
/// <remarks>
/// With the dispatcher on, every node polls the bookmark table for due timers, claims a batch with a lease and fires
/// it (<see cref="TimerDispatcher"/>); each timer's Hangfire job is still scheduled, <see cref="BackstopDelay"/> after
/// the due instant, and finds the bookmark consumed (or was deleted when it fired). With it off, each timer is fired by
/// its own job at the due instant.
/// </remarks>
public sealed class TimerOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "ChangeFlow:Timers";

    /// <summary>Run the timer dispatcher on this node.</summary>
    /// <value>The default is true.</value>
    public bool Dispatcher { get; set; } = true;

    /// <summary>How often the dispatcher looks for due timers when the last look found fewer than a full batch.</summary>
    /// <value>The default is 250 ms.</value>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Timers claimed at once. A full batch is followed by the next claim straight away.</summary>
    /// <value>The default is 100.</value>
    [Range(1, 10_000)]
    public int BatchSize { get; set; } = 100;

    /// <summary>Timers of a batch fired at the same time on this node.</summary>
    /// <value>The default is 8.</value>
    [Range(1, 256)]
    public int Parallelism { get; set; } = 8;

    /// <summary>
    /// How long a claim holds. A timer not fired by then (its node died, or firing failed) is claimed again by any
    /// dispatcher; firing twice is harmless (a consumed bookmark does nothing), so this only needs to exceed the time a
    /// batch takes to fire.
    /// </summary>
    /// <value>The default is 15 s.</value>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// With the dispatcher on, each timer's Hangfire job is scheduled this long after the due instant, so that the
    /// dispatcher fires first and the job is the durable backstop (e.g. when every node's dispatcher is behind).
    /// </summary>
    /// <value>The default is 5 s.</value>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan BackstopDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long after its due instant a timer's job runs: the backstop delay with the dispatcher on, else zero.</summary>
    internal TimeSpan JobDelay => Dispatcher ? BackstopDelay : TimeSpan.Zero;
}
