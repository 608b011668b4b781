namespace ChangeFlow.Benchmarks;

/// <summary>
/// The workloads every engine in this suite runs. Each engine's benchmarks take their sizes
/// from here so that their numbers compare like for like.
/// </summary>
public static class Workload
{
    /// <summary>
    /// Steps in the sequential workflow. Each step adds one to a counter in the workflow data,
    /// so a completed instance holds exactly this value.
    /// </summary>
    public const int SequentialStepCount = 10;

    /// <summary>
    /// Workflow instances per measured invocation. Engines that run workflows on background
    /// workers are measured on a batch so that the figure is throughput rather than the latency
    /// of a single hand-off to a worker; results are reported per instance.
    /// </summary>
    public const int BatchSize = 500;

    /// <summary>
    /// Event the suspend/resume workflow waits for. Its shape is: one counter step, a wait for
    /// this event keyed by the instance's own key, one counter step; a completed instance holds 2.
    /// </summary>
    public const string ResumeEventName = "approval";

    /// <summary>Counter value of a completed suspend/resume instance.</summary>
    public const int ResumeCounterOnCompletion = 2;

    /// <summary>
    /// Upper bound for one batch. An engine that loses a workflow fails the benchmark instead of
    /// hanging the run.
    /// </summary>
    public static readonly TimeSpan BatchTimeout = TimeSpan.FromSeconds(60);
}

/// <summary>
/// Category names shared by every engine's benchmarks, so one workload can be selected across
/// engines with <c>--anyCategories</c>.
/// </summary>
public static class Categories
{
    public const string Sequential10 = "Sequential10";
    public const string SuspendResume = "SuspendResume";
    public const string ResumeParked = "ResumeParked";

    /// <summary>Loading a ten-activity flowchart definition from JSON (not from a cache).</summary>
    public const string Load10 = "Load10";
}
