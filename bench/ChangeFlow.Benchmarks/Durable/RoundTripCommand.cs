using System.Diagnostics;
using System.Text.Json.Nodes;
using ChangeFlow.Application.Workflows;
using ChangeFlow.Benchmarks.ChangeFlow;
using ChangeFlow.Engine.Activities;
using ChangeFlow.Engine.Execution;

namespace ChangeFlow.Benchmarks.Durable;

/// <summary>
/// <c>durable</c>: durable start → suspend → resume → finish round trips through <see cref="WorkflowRuntime"/>, as the
/// HTTP API drives them: <c>WorkflowRuntime.StartAsync</c> of the published resume workflow (start → step →
/// <c>Elsa.Event</c>, committed suspended), then <see cref="WorkflowRuntime.DeliverAsync"/> of the event addressed to
/// that instance (inbox row, bookmark lookup by hash, load, resume → step → finish, commit, inbox update). Several
/// clients run round trips in parallel for a fixed time after a warm-up; every instance is checked finished at the end.
/// </summary>
public static class RoundTripCommand
{
    public static async Task<int> RunAsync(CommandOptions options)
    {
        var provider = options.Provider();
        var clients = options.Int("clients", 4);
        var warmup = TimeSpan.FromSeconds(options.Double("warmup", 10));
        var duration = TimeSpan.FromSeconds(options.Double("seconds", 20));
        var jobs = new NoJobScheduler();

        Machine.Print($"durable round trips: provider {provider}, {clients} clients, warm-up {warmup.TotalSeconds:0} s, measured {duration.TotalSeconds:0} s");
        Machine.Print($"machine: {Machine.Describe()}");
        await using var node = await DurableNode.CreateAsync(provider, jobs);
        Machine.Print($"database: {node.Where}");

        var stimulusPayload = BenchmarkWorkflows.ResumeStimulusPayload();
        var started = 0L;
        var failures = 0L;

        async Task<double> RoundTripAsync()
        {
            var watch = Stopwatch.StartNew();
            var start = await node.Runtime.StartAsync(BenchmarkWorkflows.ResumeDefinitionId, new StartRequest(), CancellationToken.None);
            Interlocked.Increment(ref started);
            if (!start.Succeeded || start.Instance!.Status != WorkflowStatus.Suspended)
            {
                throw new InvalidOperationException($"Start: {start.Outcome} {start.Instance?.Status} {start.Message}");
            }

            var delivered = await node.Runtime.DeliverAsync(
                new StimulusRequest(Event.BookmarkName, stimulusPayload, JsonValue.Create("approved"), InstanceId: start.Instance.Id),
                CancellationToken.None);
            if (delivered.Resumed != 1)
            {
                Interlocked.Increment(ref failures);
                throw new InvalidOperationException($"The event resumed {delivered.Resumed} bookmarks of {start.Instance.Id}, not 1 ({delivered.Status}).");
            }

            return watch.Elapsed.TotalMilliseconds;
        }

        async Task<List<double>> ClientAsync(DateTime until)
        {
            var latencies = new List<double>();
            while (DateTime.UtcNow < until)
            {
                latencies.Add(await RoundTripAsync());
            }

            return latencies;
        }

        var warmupClients = Enumerable.Range(0, clients).Select(_ => Task.Run(() => ClientAsync(DateTime.UtcNow + warmup))).ToArray();
        var warmedUp = (await Task.WhenAll(warmupClients)).Sum(l => l.Count);

        var loadBefore = Machine.LoadAverage();
        var machineBefore = Machine.MachineCpu();
        var commandsBefore = node.Commands.Count;
        var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var kernelBefore = process.PrivilegedProcessorTime;
        var allocatedBefore = GC.GetTotalAllocatedBytes();
        var pauseBefore = GC.GetTotalPauseDuration();
        var gcBefore = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
        var watch = Stopwatch.StartNew();
        var until = DateTime.UtcNow + duration;
        var measured = await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(() => ClientAsync(until))));
        var elapsed = watch.Elapsed;
        process.Refresh();
        var cpu = process.TotalProcessorTime - cpuBefore;
        var kernel = process.PrivilegedProcessorTime - kernelBefore;
        var allocated = GC.GetTotalAllocatedBytes() - allocatedBefore;
        var pause = GC.GetTotalPauseDuration() - pauseBefore;
        var gcs = (GC.CollectionCount(0) - gcBefore.Item1, GC.CollectionCount(1) - gcBefore.Item2, GC.CollectionCount(2) - gcBefore.Item3);
        var commands = node.Commands.Count - commandsBefore;
        var loadAfter = Machine.LoadAverage();
        var machineBusy = Machine.BusyCores(machineBefore, Machine.MachineCpu());

        var latencies = measured.SelectMany(l => l).Order().ToList();
        var byStatus = await node.CountByStatusAsync();
        var finished = byStatus.GetValueOrDefault(nameof(WorkflowStatus.Finished));
        var total = Interlocked.Read(ref started);
        var rate = latencies.Count / elapsed.TotalSeconds;

        Machine.Print($"warm-up round trips: {warmedUp}");
        Machine.Print($"measured round trips: {latencies.Count} in {elapsed.TotalSeconds:0.0} s");
        Machine.Print($"round trips/s: {rate:0}");
        Machine.Print($"latency per round trip (ms): p50 {Machine.Percentile(latencies, 50):0.00}, p99 {Machine.Percentile(latencies, 99):0.00}, max {latencies.LastOrDefault():0.00}");
        Machine.Print($"process CPU per round trip: {cpu.TotalMilliseconds / latencies.Count:0.000} ms of which kernel {kernel.TotalMilliseconds / latencies.Count:0.000} ms ({cpu.TotalSeconds / elapsed.TotalSeconds:0.00} cores busy in this process, {machineBusy} of {Environment.ProcessorCount} in the whole machine)");
        Machine.Print($"allocated per round trip: {allocated / 1024.0 / latencies.Count:0.0} KB; GCs gen0/1/2: {gcs.Item1}/{gcs.Item2}/{gcs.Item3}; GC pauses {pause.TotalMilliseconds:0} ms ({100 * pause.TotalSeconds / elapsed.TotalSeconds:0.0} % of the time)");
        Machine.Print($"EF Core commands per round trip: {(double)commands / latencies.Count:0.0} (the stores' plain ADO.NET writes are not counted)");
        Machine.Print($"instances: {total} started, {finished} finished, statuses {string.Join(", ", byStatus.Select(s => $"{s.Key}={s.Value}"))}; jobs asked of the scheduler: {jobs.Requests}; failures: {Interlocked.Read(ref failures)}");
        Machine.Print($"load average (1/5/15 min) before: {loadBefore}, after: {loadAfter}");
        var ok = finished == total && jobs.Requests == 0 && failures == 0;
        Machine.Print(ok ? "check: every instance finished" : "check: FAILED");
        return ok ? 0 : 1;
    }
}
