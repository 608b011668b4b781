using BenchmarkDotNet.Attributes;

namespace ChangeFlow.Benchmarks.WorkflowCoreBaseline;

/// <summary>
/// WorkflowCore 3.22.0 on its in-memory providers running the workloads in <see cref="Workload"/>.
/// Every benchmark handles one batch of <see cref="Workload.BatchSize"/> instances per invocation
/// and reports per instance, so Mean is time per workflow and Op/s is workflows per second.
/// </summary>
/// <remarks>
/// Each iteration gets a fresh engine (see <see cref="WorkflowCoreEngine"/>), which makes
/// BenchmarkDotNet run one invocation per iteration. Allocations are counted for the whole
/// process, so they include WorkflowCore's worker threads and its poller.
/// </remarks>
[BenchmarkCategory("WorkflowCore")]
public class WorkflowCoreBenchmarks
{
    private WorkflowCoreEngine? _engine;
    private ParkedBatch? _parked;

    private WorkflowCoreEngine Engine =>
        _engine ?? throw new InvalidOperationException("The iteration setup did not start an engine.");

    [IterationSetup(Targets = [nameof(Sequential10_Host), nameof(SuspendResume_FullCycle)])]
    public void StartEngine() => _engine = WorkflowCoreEngine.Start(WorkflowCoreTuning.Background);

    [IterationSetup(Target = nameof(Sequential10_SyncRunner))]
    public void StartEngineForSyncRunner() => _engine = WorkflowCoreEngine.Start(WorkflowCoreTuning.SyncRunner);

    /// <summary>Starting and parking the batch is setup here, so only the resume is measured.</summary>
    [IterationSetup(Target = nameof(ResumeParked))]
    public void StartEngineAndParkBatch()
    {
        _engine = WorkflowCoreEngine.Start(WorkflowCoreTuning.Background);
        _parked = _engine.ParkResumeBatchAsync(Workload.BatchSize).GetAwaiter().GetResult();
    }

    [IterationCleanup]
    public void VerifyAndStopEngine()
    {
        var engine = _engine;
        _engine = null;
        _parked = null;
        if (engine is null)
        {
            return;
        }

        try
        {
            engine.VerifyAllCompletedAsync().GetAwaiter().GetResult();
        }
        finally
        {
            engine.Dispose();
        }
    }

    /// <summary>
    /// Start → 10 counter steps → complete, on WorkflowCore's background workers: each step is a
    /// queue hand-off, and completion is WorkflowCore's own WorkflowCompleted lifecycle event.
    /// </summary>
    [Benchmark(OperationsPerInvoke = Workload.BatchSize)]
    [BenchmarkCategory(Categories.Sequential10)]
    public Task Sequential10_Host() => Engine.RunSequentialBatchAsync(Workload.BatchSize);

    /// <summary>
    /// The same workflow through WorkflowCore's synchronous runner: executor and persistence as
    /// above but no queue, one instance at a time on the benchmark thread. WorkflowCore's fastest
    /// path for running a workflow to completion.
    /// </summary>
    [Benchmark(OperationsPerInvoke = Workload.BatchSize)]
    [BenchmarkCategory(Categories.Sequential10)]
    public Task Sequential10_SyncRunner() => Engine.RunSequentialInlineBatchAsync(Workload.BatchSize);

    /// <summary>
    /// Start → step → wait for event (until the subscription is stored) → publish the event →
    /// step → complete, all measured.
    /// </summary>
    [Benchmark(OperationsPerInvoke = Workload.BatchSize)]
    [BenchmarkCategory(Categories.SuspendResume)]
    public async Task SuspendResume_FullCycle()
    {
        var parked = await Engine.ParkResumeBatchAsync(Workload.BatchSize);
        await Engine.ResumeAsync(parked);
    }

    /// <summary>Publish the event to an already parked instance → step → complete.</summary>
    [Benchmark(OperationsPerInvoke = Workload.BatchSize)]
    [BenchmarkCategory(Categories.ResumeParked)]
    public Task ResumeParked() =>
        Engine.ResumeAsync(_parked ?? throw new InvalidOperationException("The iteration setup parked no batch."));
}
