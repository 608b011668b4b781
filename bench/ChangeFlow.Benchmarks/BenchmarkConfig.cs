using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;

namespace ChangeFlow.Benchmarks;

/// <summary>Run configuration shared by all benchmarks in this project.</summary>
public static class BenchmarkConfig
{
    /// <summary>
    /// One launch with few iterations: enough to compare engines by order of magnitude in a
    /// couple of minutes on two cores, not enough for fine-grained regressions.
    /// </summary>
    public static Job QuickJob { get; } = Job.Default
        .WithId("Quick")
        .WithLaunchCount(1)
        .WithWarmupCount(15)
        .WithIterationCount(20);

    /// <summary>
    /// Applied to every job, the quick one, the default one and any given with <c>--job</c>.
    /// With the runtime's default call-counting delay of 100 ms, tier-1 compilation waits until
    /// no new methods have been jitted for that long. Benchmarks that start an engine in every
    /// iteration keep jitting, so WorkflowCore was seen running at tier 0 for its first ~15,000
    /// workflows (about 240 µs per sequential workflow against about 90 µs once promoted), far
    /// past any warmup. A delay of 0 promotes hot methods within the warmup; the code measured
    /// afterwards is the same tier-1 code a long-running service ends up with.
    /// </summary>
    private static readonly Job RuntimeSettings = Job.Default
        .WithEnvironmentVariable("DOTNET_TC_CallCountingDelayMs", "0")
        .AsMutator();

    public static IConfig Create(bool quick, string? artifactsPath)
    {
        var config = DefaultConfig.Instance
            .AddJob(RuntimeSettings)
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddColumn(StatisticColumn.OperationsPerSecond);

        if (quick)
        {
            config = config.AddJob(QuickJob);
        }

        if (artifactsPath is not null)
        {
            config = config.WithArtifactsPath(artifactsPath);
        }

        return config;
    }
}
