using System.Text;
using BenchmarkDotNet.Attributes;
using ChangeFlow.Engine.Activities;
using ChangeFlow.Engine.Loading;
using ChangeFlow.Engine.Model;

namespace ChangeFlow.Benchmarks.ChangeFlow;

/// <summary>
/// Cold loads of large flowcharts, to show that loading (parse, validate, compile inputs, analyse the graph) grows
/// with the definition's size: a chain of <see cref="Activities"/> <c>Elsa.WriteLine</c> steps, optionally with a
/// loop closed every ten steps. The limits are raised above the service's defaults (2,000 activities) to show the
/// growth; each load uses a new <see cref="WorkflowLoader"/>, so the content cache never answers.
/// </summary>
[BenchmarkCategory("LoaderScaling")]
public class LoaderScalingBenchmarks
{
    private static readonly WorkflowLoaderOptions Limits = new() { MaxActivities = 1_000_000, MaxConnections = 4_000_000, MaxDefinitionBytes = 256 * 1024 * 1024 };

    private ActivityRegistry _registry = null!;
    private string _json = null!;

    /// <summary>Steps in the chain (plus Elsa.Start).</summary>
    [Params(1_000, 10_000, 50_000)]
    public int Activities { get; set; }

    /// <summary>Whether every tenth step leads back ten steps (Activities / 10 loops).</summary>
    [Params(false, true)]
    public bool Loops { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _registry = BenchmarkWorkflows.CreateRegistry();
        _json = Chain(Activities, Loops);
        var definition = Load();
        if (definition.Activities.Length != Activities + 1)
        {
            throw new InvalidOperationException("The chain did not load as built.");
        }
    }

    /// <summary>One cold load.</summary>
    [Benchmark]
    public WorkflowDefinition Load() => new WorkflowLoader(_registry, Limits).Load(_json).GetDefinitionOrThrow();

    private static string Chain(int count, bool loops)
    {
        var activities = new StringBuilder("""{"id":"start","type":"Elsa.Start"}""");
        var connections = new StringBuilder(Connect("start", "s0"));
        for (var i = 0; i < count; i++)
        {
            activities.Append(",{\"id\":\"s").Append(i).Append("\",\"type\":\"Elsa.WriteLine\",\"text\":\"step ").Append(i).Append("\"}");
            if (i > 0)
            {
                connections.Append(',').Append(Connect($"s{i - 1}", $"s{i}"));
            }

            if (loops && i % 10 == 9)
            {
                connections.Append(',').Append(Connect($"s{i}", $"s{i - 9}"));
            }
        }

        return $$$"""{"definitionId":"chain","root":{"type":"Elsa.Flowchart","activities":[{{{activities}}}],"connections":[{{{connections}}}]}}""";
    }

    private static string Connect(string source, string target) =>
        $$$"""{"source":{"activity":"{{{source}}}","port":"Done"},"target":{"activity":"{{{target}}}","port":"In"}}""";
}
