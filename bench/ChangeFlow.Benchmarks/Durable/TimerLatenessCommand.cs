using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using ChangeFlow.Application.Workflows;
using ChangeFlow.Benchmarks.ChangeFlow;
using ChangeFlow.Engine.Execution;
using ChangeFlow.Scheduling.Hangfire;
using ChangeFlow.Testing;
using Hangfire;
using Hangfire.Common;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Hangfire.Server;
using Hangfire.Storage.SQLite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ChangeFlow.Benchmarks.Durable;

/// <summary>
/// <c>timers</c>: how late durable timers fire under load. Many instances of a workflow that waits on <c>Elsa.StartAt</c>
/// (due instants spread evenly over a window) are created first, through <see cref="WorkflowRuntime"/> with the
/// Hangfire scheduler; then they fire as in the service: the <see cref="TimerDispatcher"/> (unless
/// <c>--dispatcher off</c>) and a real Hangfire server in this process (the service's settings) whose timer jobs are the
/// backstop, with the runtime's sweep running. Lateness is the <c>Resumed</c> journal entry of the timer activity minus
/// its due instant.
/// </summary>
public static class TimerLatenessCommand
{
    public static async Task<int> RunAsync(CommandOptions options)
    {
        var count = options.Int("count", 10_000);
        var spread = TimeSpan.FromSeconds(options.Double("spread", 60));
        var clients = options.Int("clients", 4);
        var workers = options.Int("workers", 10);
        var grace = TimeSpan.FromSeconds(options.Double("grace", 120));
        var provider = options.Provider();
        // The service's defaults (ChangeFlow:Timers); "--dispatcher off" measures one Hangfire job per timer, as before.
        var timerOptions = new TimerOptions
        {
            Dispatcher = !string.Equals(options.Text("dispatcher"), "off", StringComparison.OrdinalIgnoreCase),
        };
        timerOptions.PollInterval = TimeSpan.FromMilliseconds(options.Double("poll-ms", timerOptions.PollInterval.TotalMilliseconds));
        timerOptions.BatchSize = options.Int("batch", timerOptions.BatchSize);
        timerOptions.Parallelism = options.Int("parallelism", timerOptions.Parallelism);

        Machine.Print($"timer lateness: {count} instances, due spread over {spread.TotalSeconds:0} s, created by {clients} clients; ChangeFlow and Hangfire on {provider}, {workers} workers, schedule and queue polling 1 s");
        Machine.Print(timerOptions.Dispatcher
            ? $"timer dispatcher: on, poll {timerOptions.PollInterval.TotalMilliseconds:0} ms, batch {timerOptions.BatchSize}, parallelism {timerOptions.Parallelism}, lease {timerOptions.Lease.TotalSeconds:0} s; Hangfire timer jobs due {timerOptions.BackstopDelay.TotalSeconds:0} s after their timer (backstop)"
            : "timer dispatcher: off (one Hangfire job per timer, due at the timer)");
        Machine.Print($"machine: {Machine.Describe()}");

        var directory = Directory.CreateTempSubdirectory("changeflow-bench-hangfire-").FullName;
        var counter = new JobCounter();
        GlobalConfiguration.Configuration
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings();
        GlobalJobFilters.Filters.Add(counter);

        // As ChangeFlowServices configures the service (JobServerOptions defaults): storage and server settings. On
        // PostgreSQL, Hangfire's tables live in the ChangeFlow database (schema "hangfire"), which the node creates first.
        var heartbeat = TimeSpan.FromSeconds(10);
        var jobClient = new LateJobScheduler();
        await using var node = await DurableNode.CreateAsync(provider, jobClient, timers: timerOptions);
        JobStorage storage = provider == DatabaseProvider.PostgreSql
            ? new PostgreSqlStorage(
                new NpgsqlConnectionFactory(node.ConnectionString, PostgreSqlOptions),
                PostgreSqlOptions)
            : new SQLiteStorage(
                Path.Combine(directory, "hangfire.db"),
                new SQLiteStorageOptions { QueuePollInterval = TimeSpan.FromSeconds(1), InvisibilityTimeout = TimeSpan.FromMinutes(5) });
        using var disposeStorage = storage as IDisposable;
        jobClient.Inner = new HangfireJobScheduler(new BackgroundJobClient(storage), storage, TimeProvider.System, heartbeat * 3);
        Machine.Print($"database: {node.Where}; Hangfire storage: {(provider == DatabaseProvider.PostgreSql ? "schema hangfire of the same database" : Path.Combine(directory, "hangfire.db"))}");

        var services = new ServiceCollection().AddSingleton(node.Runtime).BuildServiceProvider();
        var sweepLog = new SweepLogger();
        var sweeper = new RuntimeSweeper(services, TimeProvider.System, Microsoft.Extensions.Options.Options.Create(new RuntimeOptions()), sweepLog);
        var jobs = new WorkflowJobs(node.Runtime);
        using var server = new BackgroundJobServer(
            new BackgroundJobServerOptions
            {
                ServerName = "bench",
                WorkerCount = workers,
                SchedulePollingInterval = TimeSpan.FromSeconds(1),
                HeartbeatInterval = heartbeat,
                ShutdownTimeout = TimeSpan.FromSeconds(10),
                Queues = ["default"],
                Activator = new JobsActivator(jobs),
            },
            storage);
        await sweeper.StartAsync(CancellationToken.None);

        // As TimerDispatcherService runs it in the service; started before the instances are created, as on a live node.
        var dispatcher = new TimerDispatcher(
            node.Runtime, node.Instances, jobClient, TimeProvider.System, Microsoft.Extensions.Options.Options.Create(timerOptions), DispatcherLog.Instance, "bench");
        using var stopDispatcher = new CancellationTokenSource();
        var dispatching = timerOptions.Dispatcher ? Task.Run(() => dispatcher.RunAsync(stopDispatcher.Token)) : Task.CompletedTask;

        try
        {
            // A pilot batch, due far beyond the run, tells how fast instances are created, so that the first due
            // instant of the measured batch lies after the last one is created: timers then fire on their own,
            // not while instances are still being created.
            var pilot = Math.Min(200, Math.Max(20, count / 50));
            var pilotWatch = Stopwatch.StartNew();
            var far = DateTimeOffset.UtcNow.AddDays(1);
            await CreateAsync(node.Runtime, Enumerable.Repeat(far, pilot).ToArray(), clients, new ConcurrentDictionary<string, DateTimeOffset>());
            var rate = pilot / pilotWatch.Elapsed.TotalSeconds;
            var lead = TimeSpan.FromSeconds((count / rate * 1.3) + 10);
            var firstDue = DateTimeOffset.UtcNow + lead;
            Machine.Print($"pilot: {pilot} instances created at {rate:0}/s; the first timer is due in {lead.TotalSeconds:0} s");

            var due = Enumerable.Range(0, count).Select(i => firstDue + (spread * ((i + 0.5) / count))).ToArray();
            var instances = new ConcurrentDictionary<string, DateTimeOffset>(StringComparer.Ordinal);
            var createWatch = Stopwatch.StartNew();
            var loadAtCreate = Machine.LoadAverage();
            var notSuspended = await CreateAsync(node.Runtime, due, clients, instances);
            var created = DateTimeOffset.UtcNow;
            Machine.Print($"created {instances.Count} instances in {createWatch.Elapsed.TotalSeconds:0.0} s ({instances.Count / createWatch.Elapsed.TotalSeconds:0}/s), load average {loadAtCreate} -> {Machine.LoadAverage()}; not suspended at creation: {notSuspended}");
            if (created > firstDue)
            {
                Machine.Print($"warning: creation ended {(created - firstDue).TotalSeconds:0.0} s after the first timer was due");
            }

            // Wait for the firing window to pass, then for stragglers, reporting as it goes.
            var process = Process.GetCurrentProcess();
            var cpuBefore = process.TotalProcessorTime;
            var waitWatch = Stopwatch.StartNew();
            var machineBefore = Machine.MachineCpu();
            var loadBefore = Machine.LoadAverage();
            var lastDue = due[^1];
            var deadline = lastDue + grace;
            var ids = instances.Keys.ToList();
            var remaining = ids.Count;
            while (DateTimeOffset.UtcNow < deadline)
            {
                await Task.Delay(TimeSpan.FromSeconds(5));
                var finished = await CountFinishedAsync(node);
                remaining = ids.Count - finished;
                Machine.Print($"  {(DateTimeOffset.UtcNow - firstDue).TotalSeconds,6:0} s after the first due time: {finished} finished; Hangfire {HangfireStatistics(storage)}; load {Machine.LoadAverage()}");
                if (remaining <= 0 && DateTimeOffset.UtcNow > lastDue)
                {
                    break;
                }
            }

            process.Refresh();
            var cpu = process.TotalProcessorTime - cpuBefore;
            var machineBusy = Machine.BusyCores(machineBefore, Machine.MachineCpu());
            var loadAfter = Machine.LoadAverage();

            // Every Resumed entry of the timer activity is one firing.
            await using var db = await node.Factory.CreateDbContextAsync();
            var resumed = await db.Journal.AsNoTracking()
                .Where(j => j.Kind == nameof(JournalEventKind.Resumed) && j.ActivityId == BenchmarkWorkflows.TimerActivityId)
                .Select(j => new { j.InstanceId, j.Timestamp })
                .ToListAsync();
            var firings = resumed.GroupBy(r => r.InstanceId).ToDictionary(g => g.Key, g => g.Select(r => r.Timestamp).Order().ToList(), StringComparer.Ordinal);
            var lateness = new List<double>();
            var lost = 0;
            var twice = 0;
            foreach (var (id, dueAt) in instances)
            {
                if (!firings.TryGetValue(id, out var times))
                {
                    lost++;
                    continue;
                }

                if (times.Count > 1)
                {
                    twice++;
                }

                lateness.Add((new DateTimeOffset(DateTime.SpecifyKind(times[0], DateTimeKind.Utc)) - dueAt).TotalMilliseconds);
            }

            lateness.Sort();
            var byStatus = await node.CountByStatusAsync();
            Machine.Print("");
            Machine.Print($"fired: {lateness.Count} of {instances.Count}; lost (never fired): {lost}; fired twice: {twice}; early (before due): {lateness.Count(l => l < 0)}");
            Machine.Print($"lateness (ms): min {lateness.FirstOrDefault():0}, p50 {Machine.Percentile(lateness, 50):0}, p90 {Machine.Percentile(lateness, 90):0}, p99 {Machine.Percentile(lateness, 99):0}, max {lateness.LastOrDefault():0}");
            Machine.Print($"timer jobs run by Hangfire: {counter.Performed} for {counter.Bookmarks} bookmarks ({counter.RunMoreThanOnce} bookmarks had more than one job run: sweep repairs, reschedules or retries); failed job runs: {counter.Failed}; sweep repairs: {sweepLog.Repaired}; dispatcher errors logged: {DispatcherLog.Instance.Errors}");
            foreach (var error in counter.Errors)
            {
                Machine.Print($"  failed run: {error}");
            }

            Machine.Print($"instances by status (pilot included): {string.Join(", ", byStatus.Select(s => $"{s.Key}={s.Value}"))}");
            Machine.Print($"from the end of creation to the end of the run ({waitWatch.Elapsed.TotalSeconds:0} s): this process used {cpu.TotalSeconds:0.0} s of CPU ({cpu.TotalSeconds / waitWatch.Elapsed.TotalSeconds:0.00} cores), the whole machine {machineBusy} of {Environment.ProcessorCount} cores");
            Machine.Print($"load average (1/5/15 min) when firing began: {loadBefore}, at the end: {loadAfter}");
            var ok = lost == 0 && twice == 0;
            Machine.Print(ok ? "check: every timer fired exactly once" : "check: FAILED");
            return ok ? 0 : 1;
        }
        finally
        {
            await stopDispatcher.CancelAsync();
            await dispatching;
            await sweeper.StopAsync(CancellationToken.None);
            server.SendStop();
            server.Dispose();
            GlobalJobFilters.Filters.Remove(counter);
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>Starts one instance per due instant, <paramref name="clients"/> at a time; returns how many did not suspend.</summary>
    private static async Task<int> CreateAsync(WorkflowRuntime runtime, DateTimeOffset[] due, int clients, ConcurrentDictionary<string, DateTimeOffset> instances)
    {
        var next = -1;
        var notSuspended = 0;
        await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < due.Length)
            {
                var request = new StartRequest
                {
                    Input = new Dictionary<string, JsonNode?>
                    {
                        [BenchmarkWorkflows.DueAtInput] = due[i].ToString("O", CultureInfo.InvariantCulture),
                    },
                };
                var result = await runtime.StartAsync(BenchmarkWorkflows.TimerDefinitionId, request, CancellationToken.None);
                if (!result.Succeeded)
                {
                    throw new InvalidOperationException($"Start failed: {result.Outcome} {result.Message}");
                }

                instances[result.Instance!.Id] = due[i];
                if (result.Instance.Status != WorkflowStatus.Suspended)
                {
                    Interlocked.Increment(ref notSuspended);
                }
            }
        })));
        return notSuspended;
    }

    /// <summary>What Hangfire holds, for the progress lines; a storage that fails to answer does not end the run.</summary>
    private static string HangfireStatistics(JobStorage storage)
    {
        try
        {
            var statistics = storage.GetMonitoringApi().GetStatistics();
            return $"scheduled {statistics.Scheduled}, enqueued {statistics.Enqueued}, processing {statistics.Processing}, failed {statistics.Failed}";
        }
#pragma warning disable CA1031 // Progress only: the error is printed and the run goes on.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return $"statistics failed: {ex.GetType().Name}: {ex.Message}";
        }
    }

    private static async Task<int> CountFinishedAsync(DurableNode node) =>
        (await node.CountByStatusAsync()).GetValueOrDefault(nameof(WorkflowStatus.Finished));

    private static PostgreSqlStorageOptions PostgreSqlOptions { get; } = new()
    {
        SchemaName = "hangfire",
        PrepareSchemaIfNecessary = true,
        QueuePollInterval = TimeSpan.FromSeconds(1),
        EnableLongPolling = true,
        InvisibilityTimeout = TimeSpan.FromMinutes(5),
    };

    /// <summary>
    /// The runtime needs its job scheduler when it is created, and Hangfire's PostgreSQL storage needs the database the
    /// node creates: this hands the scheduler in once both exist.
    /// </summary>
    private sealed class LateJobScheduler : IJobScheduler
    {
        public IJobScheduler? Inner { get; set; }

        private IJobScheduler Scheduler => Inner ?? throw new InvalidOperationException("The Hangfire scheduler is not set yet.");

        public Task<string?> ScheduleTimerAsync(string instanceId, string bookmarkId, DateTimeOffset dueAt, CancellationToken cancellationToken) =>
            Scheduler.ScheduleTimerAsync(instanceId, bookmarkId, dueAt, cancellationToken);

        public Task<string?> ScheduleStimulusAsync(string stimulusId, DateTimeOffset dueAt, CancellationToken cancellationToken) =>
            Scheduler.ScheduleStimulusAsync(stimulusId, dueAt, cancellationToken);

        public Task DeleteAsync(string jobId, CancellationToken cancellationToken) => Scheduler.DeleteAsync(jobId, cancellationToken);

        public Task<bool> IsPendingAsync(string jobId, CancellationToken cancellationToken) => Scheduler.IsPendingAsync(jobId, cancellationToken);
    }

    private sealed class JobsActivator(WorkflowJobs jobs) : JobActivator
    {
        public override object ActivateJob(Type jobType) => jobType == typeof(WorkflowJobs) ? jobs : base.ActivateJob(jobType);
    }

    /// <summary>Counts Hangfire's runs of timer jobs per bookmark.</summary>
    private sealed class JobCounter : JobFilterAttribute, IServerFilter
    {
        private readonly ConcurrentDictionary<string, int> _runs = new(StringComparer.Ordinal);
        private readonly ConcurrentQueue<string> _errors = new();
        private int _failed;

        public int Performed => _runs.Values.Sum();

        public int Bookmarks => _runs.Count;

        public int RunMoreThanOnce => _runs.Values.Count(v => v > 1);

        public int Failed => Volatile.Read(ref _failed);

        /// <summary>The first few errors of failed runs.</summary>
        public IEnumerable<string> Errors => _errors;

        public void OnPerforming(PerformingContext context)
        {
        }

        public void OnPerformed(PerformedContext context)
        {
            if (context.BackgroundJob.Job.Method.Name != nameof(WorkflowJobs.FireTimerAsync))
            {
                return;
            }

            _runs.AddOrUpdate((string)context.BackgroundJob.Job.Args[1]!, 1, (_, n) => n + 1);
            if (context.Exception is not null)
            {
                if (Interlocked.Increment(ref _failed) <= 5)
                {
                    _errors.Enqueue($"{context.Exception.GetType().Name}: {context.Exception.InnerException?.Message ?? context.Exception.Message}");
                }
            }
        }
    }

    /// <summary>Counts the dispatcher's warnings and errors (failed claims or firings).</summary>
    private sealed class DispatcherLog : ILogger<TimerDispatcher>
    {
        public static DispatcherLog Instance { get; } = new();

        private int _errors;

        public int Errors => Volatile.Read(ref _errors);

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel >= LogLevel.Warning && Interlocked.Increment(ref _errors) <= 5)
            {
                Console.WriteLine($"  dispatcher: {formatter(state, exception)} {exception?.GetType().Name}: {exception?.Message}");
            }
        }
    }

    /// <summary>Sums what the sweep reports it repaired.</summary>
    private sealed class SweepLogger : ILogger<RuntimeSweeper>
    {
        private int _repaired;

        public int Repaired => Volatile.Read(ref _repaired);

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (state is IReadOnlyList<KeyValuePair<string, object?>> values
                && values.FirstOrDefault(v => v.Key == "Count").Value is int repaired)
            {
                Interlocked.Add(ref _repaired, repaired);
            }
        }
    }
}
