using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using WorkflowCore.Interface;
using WorkflowCore.Models;
using WorkflowCore.Models.LifeCycleEvents;

namespace ChangeFlow.Benchmarks.WorkflowCoreBaseline;

/// <summary>Host settings that decide how fast WorkflowCore hands work to its background workers.</summary>
/// <param name="IdleTime">
/// How long a queue consumer sleeps when all its worker slots are busy. WorkflowCore's default is
/// 100 ms; a benchmark that filled the slots would then be measuring that sleep.
/// </param>
/// <param name="EnablePolling">
/// Whether the poller runs that re-queues runnable workflows and unprocessed events.
/// </param>
/// <param name="PollInterval">
/// Period of that poller. Started workflows, steps and published events are queued directly, but
/// an event that reaches its workflow while the workflow is still locked by its own step run is
/// left for the poller, so with the default of 10 s such an event could stall a batch for seconds.
/// </param>
public sealed record WorkflowCoreTuning(TimeSpan IdleTime, bool EnablePolling, TimeSpan PollInterval)
{
    /// <summary>For workflows run by the background workers.</summary>
    public static WorkflowCoreTuning Background { get; } = new(
        IdleTime: TimeSpan.FromMilliseconds(1),
        EnablePolling: true,
        PollInterval: TimeSpan.FromMilliseconds(100));

    /// <summary>
    /// For workflows run by the synchronous runner. The poller is off: it sees an instance that the
    /// runner has just stored as runnable and queues it, and if a worker then holds the instance's
    /// lock when the runner asks for it, the runner throws. The runner does not need the poller.
    /// </summary>
    public static WorkflowCoreTuning SyncRunner { get; } = Background with { EnablePolling = false };
}

/// <summary>
/// One WorkflowCore host on its default in-memory providers (persistence, queue, lock, lifecycle
/// event hub), with logging switched off.
/// </summary>
/// <remarks>
/// WorkflowCore's in-memory persistence keeps every instance, subscription and event in lists
/// searched linearly and offers no purge, so a host that lived across iterations would make each
/// iteration slower than the one before. The benchmarks therefore start one engine per iteration.
/// </remarks>
public sealed class WorkflowCoreEngine : IDisposable
{
    /// <summary>Payload carried by each resume event; a resume normally brings data with it.</summary>
    private const string ResumePayload = "approved";

    private readonly ServiceProvider _services;
    private readonly IWorkflowHost _host;
    private readonly IPersistenceProvider _store;
    private readonly ISyncWorkflowRunner _syncRunner;
    private readonly List<(string Id, int ExpectedCounter)> _instances = [];
    private BatchCompletion? _batch;
    private int _batchNumber;

    private WorkflowCoreEngine(ServiceProvider services)
    {
        _services = services;
        _host = services.GetRequiredService<IWorkflowHost>();
        _store = services.GetRequiredService<IPersistenceProvider>();
        _syncRunner = services.GetRequiredService<ISyncWorkflowRunner>();
    }

    public static WorkflowCoreEngine Start(WorkflowCoreTuning tuning)
    {
        var services = new ServiceCollection();
        services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        services.AddWorkflow(options =>
        {
            options.UseIdleTime(tuning.IdleTime);
            options.EnablePolling = tuning.EnablePolling;
            options.UsePollInterval(tuning.PollInterval);
        });

        var provider = services.BuildServiceProvider();
        try
        {
            var engine = new WorkflowCoreEngine(provider);
            engine._host.RegisterWorkflow<SequentialWorkflow, SequentialData>();
            engine._host.RegisterWorkflow<ResumeWorkflow, ResumeData>();
            engine._host.OnLifeCycleEvent += engine.OnLifeCycleEvent;
            engine._host.Start();
            return engine;
        }
        catch
        {
            provider.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Starts <paramref name="count"/> sequential workflows on the background workers and returns
    /// when WorkflowCore has reported every one of them completed.
    /// </summary>
    public async Task RunSequentialBatchAsync(int count)
    {
        var batch = BeginBatch(count);
        for (var i = 0; i < count; i++)
        {
            var id = await _host.StartWorkflow(SequentialWorkflow.DefinitionId, new SequentialData(), batch.Reference);
            _instances.Add((id, Workload.SequentialStepCount));
        }

        await batch.WaitAsync();
    }

    /// <summary>
    /// Runs <paramref name="count"/> sequential workflows one after another on the calling thread
    /// through WorkflowCore's synchronous runner: same executor and persistence, no queue hand-offs.
    /// </summary>
    public async Task RunSequentialInlineBatchAsync(int count)
    {
        using var timeout = new CancellationTokenSource(Workload.BatchTimeout);
        for (var i = 0; i < count; i++)
        {
            var instance = await _syncRunner.RunWorkflowSync(
                SequentialWorkflow.DefinitionId, version: 1, new SequentialData(), reference: null, timeout.Token);
            if (instance.Status != WorkflowStatus.Complete)
            {
                throw new InvalidOperationException(
                    $"Workflow {instance.Id} ended the synchronous run as {instance.Status}.");
            }

            _instances.Add((instance.Id, Workload.SequentialStepCount));
        }
    }

    /// <summary>
    /// Starts <paramref name="count"/> resume workflows and returns once each is parked, that is,
    /// once its event subscription is stored.
    /// </summary>
    public async Task<ParkedBatch> ParkResumeBatchAsync(int count)
    {
        var batch = BeginBatch(count);
        var keys = new string[count];
        for (var i = 0; i < count; i++)
        {
            keys[i] = $"{batch.Reference}-{i}";
            var id = await _host.StartWorkflow(ResumeWorkflow.DefinitionId, new ResumeData { Key = keys[i] }, batch.Reference);
            _instances.Add((id, Workload.ResumeCounterOnCompletion));
        }

        await WaitUntilSubscribedAsync(keys);
        return new ParkedBatch(batch, keys);
    }

    /// <summary>Publishes one event per parked instance and returns when all have completed.</summary>
    public async Task ResumeAsync(ParkedBatch parked)
    {
        foreach (var key in parked.Keys)
        {
            await _host.PublishEvent(Workload.ResumeEventName, key, ResumePayload);
        }

        await parked.Completion.WaitAsync();
    }

    /// <summary>
    /// Checks, outside the measurement, that every instance this engine ran is complete and ran
    /// each of its steps exactly once.
    /// </summary>
    public async Task VerifyAllCompletedAsync()
    {
        foreach (var (id, expectedCounter) in _instances)
        {
            var instance = await _store.GetWorkflowInstance(id);
            var counter = (instance?.Data as ICounterData)?.Counter;
            if (instance?.Status != WorkflowStatus.Complete || counter != expectedCounter)
            {
                throw new InvalidOperationException(
                    $"Workflow {id} is {instance?.Status} with counter {counter}; expected Complete with {expectedCounter}.");
            }
        }
    }

    public void Dispose()
    {
        _host.OnLifeCycleEvent -= OnLifeCycleEvent;
        _host.Stop();
        _services.Dispose();
    }

    private BatchCompletion BeginBatch(int count)
    {
        var batch = new BatchCompletion($"batch-{++_batchNumber}", count);
        Volatile.Write(ref _batch, batch);
        return batch;
    }

    private void OnLifeCycleEvent(LifeCycleEvent evt) => Volatile.Read(ref _batch)?.Observe(evt);

    /// <summary>
    /// WorkflowCore raises no lifecycle event when a step starts waiting for an event, so the
    /// store is asked for each instance's subscription. Instances are checked in start order,
    /// which is roughly the order the worker parks them in, and the check pauses at the first one
    /// not yet parked; each instance thus costs about one lookup, and the polling takes little CPU
    /// away from the workers it is waiting for.
    /// </summary>
    private async Task WaitUntilSubscribedAsync(string[] keys)
    {
        var deadline = DateTime.UtcNow + Workload.BatchTimeout;
        var next = 0;
        while (next < keys.Length)
        {
            var subscription = await _store.GetFirstOpenSubscription(
                Workload.ResumeEventName, keys[next], DateTime.MaxValue);
            if (subscription is not null)
            {
                next++;
                continue;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException(
                    $"{keys.Length - next} of {keys.Length} workflows did not reach their wait within {Workload.BatchTimeout}.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(1));
        }
    }
}

/// <summary>A batch of resume workflows that are all waiting for their event.</summary>
public sealed class ParkedBatch
{
    internal ParkedBatch(BatchCompletion completion, IReadOnlyList<string> keys)
    {
        Completion = completion;
        Keys = keys;
    }

    public IReadOnlyList<string> Keys { get; }

    internal BatchCompletion Completion { get; }
}

/// <summary>
/// Counts WorkflowCore's completion events for the instances started with one reference, and
/// fails fast on an error or termination event instead of waiting for the timeout.
/// </summary>
internal sealed class BatchCompletion
{
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _remaining;

    public BatchCompletion(string reference, int count)
    {
        Reference = reference;
        _remaining = count;
    }

    public string Reference { get; }

    public void Observe(LifeCycleEvent evt)
    {
        if (!string.Equals(evt.Reference, Reference, StringComparison.Ordinal))
        {
            return;
        }

        switch (evt)
        {
            case WorkflowCompleted:
                if (Interlocked.Decrement(ref _remaining) == 0)
                {
                    _done.TrySetResult();
                }

                break;
            case WorkflowError error:
                _done.TrySetException(new InvalidOperationException(
                    $"Workflow {error.WorkflowInstanceId} failed at step {error.StepId}: {error.Message}"));
                break;
            case WorkflowTerminated:
                _done.TrySetException(new InvalidOperationException(
                    $"Workflow {evt.WorkflowInstanceId} was terminated."));
                break;
            default:
                break;
        }
    }

    public Task WaitAsync() => _done.Task.WaitAsync(Workload.BatchTimeout);
}
