using System.Text;
using ChangeFlow.Engine.Activities;
using ChangeFlow.Engine.Loading;
using static ChangeFlow.Engine.Tests.Loading.LoaderDocuments;

namespace ChangeFlow.Engine.Tests.Loading;

/// <summary>
/// Definitions over the size limits are refused with one problem naming the limit, and large graphs within them load
/// in time that grows with their size, not its square (the figures are in docs/benchmarks.md, not asserted here).
/// </summary>
public sealed class WorkflowLoaderLimitsTests
{
    private static readonly WorkflowLoaderOptions Generous = new() { MaxActivities = 100_000, MaxConnections = 100_000, MaxDefinitionBytes = 64 * 1024 * 1024 };

    [Fact]
    public void Load_RefusesTheFlowchart_WhenItHasMoreActivitiesThanTheLimit()
    {
        var loader = new WorkflowLoader(ActivityRegistry.CreateDefault(), new WorkflowLoaderOptions { MaxActivities = 3 });

        var result = loader.Load(Chain(3));

        Assert.True(result.ExceedsLimits);
        var error = AssertSingleError(result, "$.root.activities", "The flowchart has 4 activities; at most 3 are allowed (ChangeFlow:WorkflowDefinitions:MaxActivities).");
        Assert.Equal(ProblemSeverity.Error, error.Severity);
    }

    [Fact]
    public void Load_RefusesTheFlowchart_WhenItHasMoreConnectionsThanTheLimit()
    {
        var loader = new WorkflowLoader(ActivityRegistry.CreateDefault(), new WorkflowLoaderOptions { MaxConnections = 2 });

        var result = loader.Load(Chain(3));

        Assert.True(result.ExceedsLimits);
        AssertSingleError(result, "$.root.connections", "The flowchart has 3 connections; at most 2 are allowed (ChangeFlow:WorkflowDefinitions:MaxConnections).");
    }

    [Fact]
    public void Load_RefusesTheText_WhenItIsLargerThanTheLimit()
    {
        var loader = new WorkflowLoader(ActivityRegistry.CreateDefault(), new WorkflowLoaderOptions { MaxDefinitionBytes = 1_024 });
        var json = Chain(40);

        var result = loader.Load(json);

        Assert.True(result.ExceedsLimits);
        AssertSingleError(result, "$", $"The definition is {Encoding.UTF8.GetByteCount(json):N0} bytes; at most 1,024 bytes are allowed (ChangeFlow:WorkflowDefinitions:MaxDefinitionBytes).");
    }

    [Fact]
    public void Load_LoadsTheShippedSizes_WithTheDefaultLimits()
    {
        var result = NewLoader().Load(Chain(1_999));

        Assert.True(result.Succeeded, string.Join("; ", result.Problems.Take(3)));
        Assert.False(result.ExceedsLimits);
    }

    [Fact]
    public void Load_AnalysesAChainOf20000ActivitiesWithLoops_WhenTheLimitsAllowIt()
    {
        // Every ten activities a connection leads back ten places: 2,000 loops of ten. Loading used to compare every
        // activity with every connection (and walk the rest of the graph for each loop); that took minutes at this size.
        const int count = 20_000;
        var loops = Enumerable.Range(0, count / 10).Select(k => Connect($"s{(k * 10) + 9}", $"s{k * 10}"));
        var loader = new WorkflowLoader(ActivityRegistry.CreateDefault(), Generous);

        var result = loader.Load(Chain(count, loops));

        Assert.True(result.Succeeded, string.Join("; ", result.Problems.Take(3)));
        var definition = result.Definition!;
        Assert.Equal(count + 1, definition.Activities.Length);
        var loop = Assert.Single(definition.GetActivity("s15").EnclosingLoops);
        Assert.Equal(("s19", "s10"), (loop.Source, loop.Target));
        Assert.Equal(Enumerable.Range(10, 10).Select(i => $"s{i}").Order(StringComparer.Ordinal), loop.LoopBody!.Order(StringComparer.Ordinal));
        Assert.Empty(definition.GetActivity("start").EnclosingLoops);
        Assert.Equal(count / 10, definition.Connections.Count(c => c.IsBackEdge));
    }

    [Fact]
    public void Load_ReportsEveryMissingInput_WhenTwentyThousandActivitiesLackOne()
    {
        // Each missing required input used to search every problem reported so far.
        const int count = 20_000;
        var activities = string.Join(",", Enumerable.Range(0, count).Select(i => Activity($"w{i}", "Elsa.WriteLine")));
        var loader = new WorkflowLoader(ActivityRegistry.CreateDefault(), Generous);

        var result = loader.Load(Flowchart(Start() + "," + activities));

        Assert.Equal(count, result.Errors.Count());
        Assert.Equal("$.root.activities[20000].text", result.Errors.Last().Path);
    }

    /// <summary>Start → s0 → s1 → … → s(n-1), then <paramref name="extra"/> connections.</summary>
    private static string Chain(int count, IEnumerable<string>? extra = null)
    {
        var activities = new StringBuilder(Start());
        var connections = new StringBuilder(Connect("start", "s0"));
        for (var i = 0; i < count; i++)
        {
            activities.Append(',').Append(WriteLine($"s{i}", "x"));
            if (i > 0)
            {
                connections.Append(',').Append(Connect($"s{i - 1}", $"s{i}"));
            }
        }

        foreach (var connection in extra ?? [])
        {
            connections.Append(',').Append(connection);
        }

        return Flowchart(activities.ToString(), connections.ToString());
    }
}
