using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using ChangeFlow.Benchmarks.ChangeFlow;
using ChangeFlow.Engine.Execution;

namespace ChangeFlow.Benchmarks.Durable;

/// <summary>
/// <c>memory</c>: whether suspended instances stay in memory. Instances of the resume workflow (suspended on
/// <c>Elsa.Event</c>) are started through <see cref="Application.Workflows.WorkflowRuntime"/> in batches; at each checkpoint the process is
/// fully garbage-collected and its GC heap and working set are reported. A runtime that keeps nothing per instance
/// shows the same heap after 1,000 instances as after 100,000.
/// </summary>
public static class SuspendedMemoryCommand
{
    public static async Task<int> RunAsync(CommandOptions options)
    {
        var provider = options.Provider();
        var clients = options.Int("clients", 4);
        var checkpoints = (options.Text("checkpoints") ?? "1000,10000,50000,100000")
            .Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(c => int.Parse(c, CultureInfo.InvariantCulture))
            .Order()
            .ToArray();

        Machine.Print($"suspended-instance memory: provider {provider}, {clients} clients, checkpoints at {string.Join(", ", checkpoints)} instances");
        Machine.Print($"machine: {Machine.Describe()}");
        await using var node = await DurableNode.CreateAsync(provider, new NoJobScheduler());
        Machine.Print($"database: {node.Where}");
        Machine.Print("");
        Machine.Print("| suspended instances | in the database | GC heap after full GC (MB) | GC committed (MB) | working set (MB) | private memory (MB) | creation rate (/s) | load average |");
        Machine.Print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |");

        var created = 0;
        var watch = Stopwatch.StartNew();
        var since = 0;
        foreach (var checkpoint in checkpoints)
        {
            var next = created - 1;
            await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
            {
                while (Interlocked.Increment(ref next) < checkpoint)
                {
                    var result = await node.Runtime.StartAsync(BenchmarkWorkflows.ResumeDefinitionId, new StartRequest(), CancellationToken.None);
                    if (!result.Succeeded || result.Instance!.Status != WorkflowStatus.Suspended)
                    {
                        throw new InvalidOperationException($"Start: {result.Outcome} {result.Instance?.Status} {result.Message}");
                    }
                }
            })));
            var rate = (checkpoint - since) / watch.Elapsed.TotalSeconds;
            created = checkpoint;

            var suspended = (await node.CountByStatusAsync()).GetValueOrDefault(nameof(WorkflowStatus.Suspended));
            var (heap, committed) = CollectFully();
            var process = Process.GetCurrentProcess();
            Machine.Print($"| {checkpoint:N0} | {suspended:N0} | {Mb(heap)} | {Mb(committed)} | {Mb(process.WorkingSet64)} | {Mb(process.PrivateMemorySize64)} | {rate:0} | {Machine.LoadAverage()} |");
            if (suspended != checkpoint)
            {
                Machine.Print($"check: FAILED, {suspended} suspended instances in the database, expected {checkpoint}");
                return 1;
            }

            since = checkpoint;
            watch.Restart();
        }

        Machine.Print("");
        Machine.Print("check: every instance is suspended in the database");
        return 0;
    }

    /// <summary>Compacts every generation, the large-object heap included, and returns the live heap and committed bytes.</summary>
    private static (long Heap, long Committed) CollectFully()
    {
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        var info = GC.GetGCMemoryInfo(GCKind.FullBlocking);
        return (GC.GetTotalMemory(forceFullCollection: false), info.TotalCommittedBytes);
    }

    private static string Mb(long bytes) => (bytes / 1024.0 / 1024.0).ToString("0.0", CultureInfo.InvariantCulture);
}
