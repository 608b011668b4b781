using System.Data.Common;
using ChangeFlow.Application.Workflows;
using ChangeFlow.Benchmarks.ChangeFlow;
using ChangeFlow.Engine.Loading;
using ChangeFlow.Persistence;
using ChangeFlow.Persistence.PostgreSql;
using ChangeFlow.Persistence.Sqlite;
using ChangeFlow.Persistence.Stores;
using ChangeFlow.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace ChangeFlow.Benchmarks.Durable;

/// <summary>
/// One node of the service over a fresh, migrated database: the EF Core stores over a pooled context factory (as
/// <c>ChangeFlowServices</c> registers them), the definition service and the <see cref="WorkflowRuntime"/>, with no
/// logging. The benchmark workflows are published. Disposing deletes the database.
/// </summary>
public sealed class DurableNode : IAsyncDisposable
{
    private readonly TestDatabase _database;

    private DurableNode(TestDatabase database, IJobScheduler jobs, RuntimeOptions options, TimerOptions? timers)
    {
        _database = database;
        var builder = new DbContextOptionsBuilder<ChangeFlowDbContext>();
        if (database.Provider == DatabaseProvider.Sqlite)
        {
            builder.UseChangeFlowSqlite(database.ConnectionString);
        }
        else
        {
            builder.UseChangeFlowPostgreSql(database.ConnectionString);
        }

        builder.AddInterceptors(Commands);
        ContextOptions = builder.Options;
        Factory = new PooledDbContextFactory<ChangeFlowDbContext>(ContextOptions);
        Instances = new EfWorkflowInstanceStore(Factory);
        Stimuli = new EfStimulusStore(Factory);
        Definitions = new WorkflowDefinitionService(
            new EfWorkflowDefinitionStore(Factory),
            new WorkflowLoader(BenchmarkWorkflows.CreateRegistry()),
            TimeProvider.System,
            NullLogger<WorkflowDefinitionService>.Instance);
        Runtime = new WorkflowRuntime(
            Definitions,
            Instances,
            Stimuli,
            jobs,
            TimeProvider.System,
            Microsoft.Extensions.Options.Options.Create(options),
            NullLogger<WorkflowRuntime>.Instance,
            timers: timers is null ? null : Microsoft.Extensions.Options.Options.Create(timers));
    }

    public DatabaseProvider Provider => _database.Provider;

    /// <summary>The database's connection string (for Hangfire's storage in the same database, as the service has it).</summary>
    public string ConnectionString => _database.ConnectionString;

    /// <summary>Where the database is, for the report (no password is ever part of it).</summary>
    public string Where
    {
        get
        {
            if (_database.FilePath is { } file)
            {
                return file;
            }

            var server = new NpgsqlConnectionStringBuilder(_database.ConnectionString);
            return $"PostgreSQL database {server.Database} on {server.Host}:{server.Port}";
        }
    }

    public DbContextOptions<ChangeFlowDbContext> ContextOptions { get; }

    public IDbContextFactory<ChangeFlowDbContext> Factory { get; }

    public EfWorkflowInstanceStore Instances { get; }

    public EfStimulusStore Stimuli { get; }

    public WorkflowDefinitionService Definitions { get; }

    public WorkflowRuntime Runtime { get; }

    /// <summary>Counts the SQL commands the stores send (database round trips).</summary>
    public CommandCounter Commands { get; } = new();

    public static async Task<DurableNode> CreateAsync(DatabaseProvider provider, IJobScheduler jobs, RuntimeOptions? options = null, TimerOptions? timers = null)
    {
        var database = await TestDatabase.CreateAsync(provider);
        var node = new DurableNode(database, jobs, options ?? new RuntimeOptions(), timers);
        foreach (var json in new[] { BenchmarkWorkflows.Resume(StepKind.Literal), BenchmarkWorkflows.Timer() })
        {
            var outcome = await node.Definitions.ImportAsync(json, "bench", publish: true, CancellationToken.None);
            if (outcome.Result != "added")
            {
                throw new InvalidOperationException($"Publishing a benchmark workflow failed: {outcome.Result} {string.Join("; ", outcome.Problems)}");
            }
        }

        return node;
    }

    /// <summary>Instances by status, straight from the table.</summary>
    public async Task<Dictionary<string, int>> CountByStatusAsync()
    {
        await using var db = await Factory.CreateDbContextAsync();
        return await db.Instances.GroupBy(i => i.Status).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count);
    }

    public async ValueTask DisposeAsync()
    {
        if (Factory is IDisposable disposable)
        {
            disposable.Dispose();
        }

        await _database.DisposeAsync();
    }
}

/// <summary>Counts executed database commands.</summary>
public sealed class CommandCounter : DbCommandInterceptor
{
    private long _count;

    public long Count => Interlocked.Read(ref _count);

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        Interlocked.Increment(ref _count);
        return result;
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _count);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        Interlocked.Increment(ref _count);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _count);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
    {
        Interlocked.Increment(ref _count);
        return result;
    }

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _count);
        return ValueTask.FromResult(result);
    }
}

/// <summary>
/// An <see cref="IJobScheduler"/> that schedules nothing and counts what it was asked: the round-trip workflow has no
/// timer and publishes no event, so it must stay at zero.
/// </summary>
public sealed class NoJobScheduler : IJobScheduler
{
    private int _requests;

    public int Requests => Volatile.Read(ref _requests);

    public Task<string?> ScheduleTimerAsync(string instanceId, string bookmarkId, DateTimeOffset dueAt, CancellationToken cancellationToken) => Count();

    public Task<string?> ScheduleStimulusAsync(string stimulusId, DateTimeOffset dueAt, CancellationToken cancellationToken) => Count();

    public Task DeleteAsync(string jobId, CancellationToken cancellationToken) => Count();

    public Task<bool> IsPendingAsync(string jobId, CancellationToken cancellationToken) => Task.FromResult(false);

    private Task<string?> Count()
    {
        Interlocked.Increment(ref _requests);
        return Task.FromResult<string?>(null);
    }
}
