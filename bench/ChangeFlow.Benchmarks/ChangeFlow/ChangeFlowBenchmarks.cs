using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using ChangeFlow.Engine.Activities;
using ChangeFlow.Engine.Execution;
using ChangeFlow.Engine.Loading;
using ChangeFlow.Engine.Model;

namespace ChangeFlow.Benchmarks.ChangeFlow;

/// <summary>
/// ChangeFlow's engine running the workloads in <see cref="Workload"/> in memory: a <see cref="WorkflowRunner"/>
/// with the default (null) ports, no logger, <see cref="TimeProvider.System"/>. Every run benchmark handles one batch of
/// <see cref="Workload.BatchSize"/> instances per invocation, one after another on the benchmark thread, and reports
/// per instance, so Mean is time per workflow and Op/s is workflows per second.
/// </summary>
/// <remarks>
/// The runner keeps nothing between calls (the caller holds each instance's state), so one runner serves every
/// iteration and BenchmarkDotNet chooses the invocation count itself, except for <see cref="ResumeParked"/>, whose
/// batch is parked in the iteration setup. Each instance is checked as it completes (status and counter).
/// </remarks>
[BenchmarkCategory("ChangeFlow")]
public class ChangeFlowBenchmarks
{
    /// <summary>
    /// Instances parked for <see cref="ResumeParked"/>. Resuming 500 takes about 2 ms here, too short to time with one
    /// invocation per iteration, so twenty batches are parked; nothing in the runner grows with their number, and
    /// Mean and Op/s stay per workflow.
    /// </summary>
    private const int ParkedCount = Workload.BatchSize * 20;

    private static readonly JsonNode ResumePayload = JsonValue.Create("approved");

    private readonly JsonObject _stimulus = BenchmarkWorkflows.ResumeStimulusPayload();
    private readonly WorkflowRunner _runner = new(new WorkflowServices(), TimeProvider.System);
    private ActivityRegistry _registry = null!;
    private WorkflowDefinition _sequentialLiteral = null!;
    private WorkflowDefinition _sequentialJavaScript = null!;
    private WorkflowDefinition _sequentialCSharp = null!;
    private WorkflowDefinition _resume = null!;
    private string _loadLiteralJson = null!;
    private string _loadJavaScriptJson = null!;
    private WorkflowInstanceState[] _parked = [];

    [GlobalSetup]
    public void Setup()
    {
        _registry = BenchmarkWorkflows.CreateRegistry();
        var loader = new WorkflowLoader(_registry);
        _sequentialLiteral = Load(loader, BenchmarkWorkflows.Sequential(StepKind.Literal));
        _sequentialJavaScript = Load(loader, BenchmarkWorkflows.Sequential(StepKind.JavaScript));
        _sequentialCSharp = Load(loader, BenchmarkWorkflows.Sequential(StepKind.CSharp));
        _resume = Load(loader, BenchmarkWorkflows.Resume(StepKind.Literal));

        // Ten activities: Elsa.Start and nine counter steps.
        _loadLiteralJson = BenchmarkWorkflows.Sequential(StepKind.Literal, steps: 9);
        _loadJavaScriptJson = BenchmarkWorkflows.Sequential(StepKind.JavaScript, steps: 9);
        if (Load(new WorkflowLoader(_registry), _loadLiteralJson).Activities.Length != 10)
        {
            throw new InvalidOperationException("The load benchmark's flowchart must have ten activities.");
        }
    }

    /// <summary>Start → 10 <c>Elsa.SetVariable</c> steps with literal values → complete.</summary>
    [Benchmark(OperationsPerInvoke = Workload.BatchSize)]
    [BenchmarkCategory(Categories.Sequential10)]
    public Task Sequential10_Literal() => RunSequentialBatchAsync(_sequentialLiteral);

    /// <summary>Start → 10 <c>Elsa.SetVariable</c> steps with <c>getCounter() + 1</c> in JavaScript → complete.</summary>
    [Benchmark(OperationsPerInvoke = Workload.BatchSize)]
    [BenchmarkCategory(Categories.Sequential10)]
    public Task Sequential10_JavaScript() => RunSequentialBatchAsync(_sequentialJavaScript);

    /// <summary>Start → 10 C# <see cref="IncrementCounter"/> steps → complete: WorkflowCore's step, in ChangeFlow.</summary>
    [Benchmark(OperationsPerInvoke = Workload.BatchSize)]
    [BenchmarkCategory(Categories.Sequential10)]
    public Task Sequential10_CSharp() => RunSequentialBatchAsync(_sequentialCSharp);

    /// <summary>
    /// Start → step → <c>Elsa.Event</c> (suspended) → find the bookmark by the stimulus's name and payload → resume
    /// with a payload → step → complete, all measured.
    /// </summary>
    [Benchmark(OperationsPerInvoke = Workload.BatchSize)]
    [BenchmarkCategory(Categories.SuspendResume)]
    public async Task SuspendResume_FullCycle()
    {
        for (var i = 0; i < Workload.BatchSize; i++)
        {
            var started = await _runner.StartAsync(_resume);
            await ResumeAsync(started.State);
        }
    }

    [IterationSetup(Target = nameof(ResumeParked))]
    public void ParkBatch()
    {
        _parked = new WorkflowInstanceState[ParkedCount];
        for (var i = 0; i < _parked.Length; i++)
        {
            var started = _runner.StartAsync(_resume).AsTask().GetAwaiter().GetResult();
            if (started.State.Status != WorkflowStatus.Suspended)
            {
                throw new InvalidOperationException($"Instance {started.State.Id} is {started.State.Status}, not Suspended.");
            }

            _parked[i] = started.State;
        }
    }

    /// <summary>An already suspended instance: find the bookmark → resume → step → complete.</summary>
    [Benchmark(OperationsPerInvoke = ParkedCount)]
    [BenchmarkCategory(Categories.ResumeParked)]
    public async Task ResumeParked()
    {
        foreach (var state in _parked)
        {
            await ResumeAsync(state);
        }
    }

    /// <summary>
    /// Loads a ten-activity flowchart (Start and nine literal <c>Elsa.SetVariable</c> steps) from JSON text with a
    /// new <see cref="WorkflowLoader"/>, so the content-hash cache never answers: parse, validate, compile inputs, analyse
    /// the graph. The activity registry is shared, as in the service.
    /// </summary>
    [Benchmark]
    [BenchmarkCategory(Categories.Load10)]
    public WorkflowDefinition Load10_Literal() => Load(new WorkflowLoader(_registry), _loadLiteralJson);

    /// <summary>As <see cref="Load10_Literal"/> with the nine steps' values in JavaScript (each parsed by Jint at load).</summary>
    [Benchmark]
    [BenchmarkCategory(Categories.Load10)]
    public WorkflowDefinition Load10_JavaScript() => Load(new WorkflowLoader(_registry), _loadJavaScriptJson);

    private async Task RunSequentialBatchAsync(WorkflowDefinition definition)
    {
        for (var i = 0; i < Workload.BatchSize; i++)
        {
            var result = await _runner.StartAsync(definition);
            Check(result.State, Workload.SequentialStepCount);
        }
    }

    private async ValueTask ResumeAsync(WorkflowInstanceState state)
    {
        var bookmarks = WorkflowRunner.FindBookmarks(state, Event.BookmarkName, _stimulus);
        if (bookmarks.Count != 1)
        {
            throw new InvalidOperationException($"Instance {state.Id} has {bookmarks.Count} matching bookmarks, not 1.");
        }

        var resumed = await _runner.ResumeAsync(_resume, state, bookmarks[0].Id, ResumePayload);
        Check(resumed.State, Workload.ResumeCounterOnCompletion);
    }

    private static void Check(WorkflowInstanceState state, int expectedCounter)
    {
        if (state.Status != WorkflowStatus.Finished
            || state.Variables.GetValueOrDefault(BenchmarkWorkflows.CounterVariable)?.GetValue<int>() != expectedCounter)
        {
            throw new InvalidOperationException(
                $"Instance {state.Id} is {state.Status} with counter {state.Variables.GetValueOrDefault(BenchmarkWorkflows.CounterVariable)}; expected Finished with {expectedCounter}.");
        }
    }

    private static WorkflowDefinition Load(WorkflowLoader loader, string json)
    {
        var result = loader.Load(json);
        return result.Definition ?? throw new InvalidOperationException(
            "The benchmark workflow does not load: " + string.Join("; ", result.Problems.Select(p => $"{p.Path}: {p.Message}")));
    }
}
