using ChangeFlow.Application.Changes;
using ChangeFlow.Application.Changes.Activities;
using ChangeFlow.Application.Changes.Catalog;
using ChangeFlow.Application.Common;
using ChangeFlow.Application.Incidents;
using ChangeFlow.Application.Incidents.Alerts;
using ChangeFlow.Application.Incidents.Config;
using ChangeFlow.Application.Notifications;
using ChangeFlow.Application.Tasks;
using ChangeFlow.Application.Workflows;
using ChangeFlow.Engine.Activities;
using ChangeFlow.Engine.Expressions;
using ChangeFlow.Engine.Loading;
using ChangeFlow.Persistence;
using ChangeFlow.Persistence.PostgreSql;
using ChangeFlow.Persistence.Sqlite;
using ChangeFlow.Persistence.Stores;
using ChangeFlow.Scheduling.Hangfire;
using Hangfire;
using Hangfire.PostgreSql;
using Hangfire.Storage.SQLite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ChangeFlow.Web.Hosting;

/// <summary>Wires ChangeFlow's services: the one place that knows every adapter.</summary>
public static class ChangeFlowServices
{
    /// <summary>Registers options, persistence, the runtime, Hangfire and health checks.</summary>
    public static IServiceCollection AddChangeFlow(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ChangeFlowOptions>().Bind(configuration.GetSection(ChangeFlowOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<DatabaseOptions>().Bind(configuration.GetSection(DatabaseOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<JobServerOptions>().Bind(configuration.GetSection(JobServerOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<RuntimeOptions>().Bind(configuration.GetSection(RuntimeOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<TimerOptions>().Bind(configuration.GetSection(TimerOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ScriptOptions>().Bind(configuration.GetSection(ScriptOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<WorkflowLoaderOptions>().Bind(configuration.GetSection(WorkflowDefinitionLimits.Section)).ValidateDataAnnotations().ValidateOnStart();

        var options = configuration.GetSection(ChangeFlowOptions.Section).Get<ChangeFlowOptions>() ?? new ChangeFlowOptions();
        var database = configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new DatabaseOptions();
        var jobs = configuration.GetSection(JobServerOptions.Section).Get<JobServerOptions>() ?? new JobServerOptions();
        var timers = configuration.GetSection(TimerOptions.Section).Get<TimerOptions>() ?? new TimerOptions();
        var dataDirectory = Path.GetFullPath(options.DataDirectory);
        DataDirectory.EnsureWritable(dataDirectory);
        var connectionString = configuration.GetConnectionString("ChangeFlow");

        services.TryAddSingletonTime();
        services.AddPooledDbContextFactory<ChangeFlowDbContext>(builder =>
        {
            if (database.Provider == DatabaseProvider.PostgreSql)
            {
                builder.UseChangeFlowPostgreSql(connectionString
                    ?? throw new InvalidOperationException("ChangeFlow:Database:Provider is PostgreSql, so ConnectionStrings:ChangeFlow must be set."));
            }
            else
            {
                builder.UseChangeFlowSqlite(connectionString ?? SqliteSetup.ConnectionStringFor(Path.Combine(dataDirectory, "changeflow.db")));
            }
        });

        services.AddSingleton(ChangeEnablementActivities.CreateRegistry());
        services.AddSingleton<IWorkflowGlobals, ChangeWorkflowGlobals>();

        // Change enablement use cases. They need the change, task, timeline, reference, sequence, improvement and user
        // ports, which the persistence and security registrations provide; factories keep start-up validation from
        // failing on a host that does not serve changes.
        services.AddSingleton(sp => new ChangeCatalog(sp.GetRequiredService<IReferenceStore>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new ChangeService(
            sp.GetRequiredService<IChangeStore>(),
            sp.GetRequiredService<ITimelineStore>(),
            sp.GetRequiredService<IHumanTaskStore>(),
            sp.GetRequiredService<Application.Security.IUserDirectory>(),
            sp.GetRequiredService<ChangeCatalog>(),
            sp.GetRequiredService<WorkflowRuntime>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<Application.Notifications.NoticeScheduler>(),
            sp.GetService<IWriteCommitter>()));
        services.AddSingleton(sp => new TaskDeciders(
            sp.GetRequiredService<Application.Security.IUserDirectory>(),
            sp.GetRequiredService<IChangeStore>(),
            sp.GetRequiredService<ChangeCatalog>()));
        services.AddSingleton(sp => new TaskService(
            sp.GetRequiredService<IHumanTaskStore>(),
            sp.GetRequiredService<Application.Security.IUserDirectory>(),
            sp.GetRequiredService<TaskDeciders>(),
            sp.GetRequiredService<WorkflowRuntime>(),
            sp.GetRequiredService<ITimelineStore>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetServices<ITaskReassignmentListener>()));
        // Incident and problem management: the same ports, plus the incident stores and the outbox.
        services.AddSingleton<IWorkflowGlobals, IncidentWorkflowGlobals>();
        services.AddSingleton(sp => new IncidentCatalog(sp.GetRequiredService<IReferenceStore>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new IncidentRecipients(sp.GetRequiredService<Application.Security.IUserDirectory>()));
        services.AddSingleton(sp => new IncidentService(
            sp.GetRequiredService<IIncidentStore>(),
            sp.GetRequiredService<IProblemStore>(),
            sp.GetRequiredService<IChangeStore>(),
            sp.GetRequiredService<ITimelineStore>(),
            sp.GetRequiredService<IReferenceStore>(),
            sp.GetRequiredService<IncidentCatalog>(),
            sp.GetRequiredService<IncidentRecipients>(),
            sp.GetRequiredService<IOutbox>(),
            sp.GetRequiredService<WorkflowRuntime>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<IncidentService>>()));
        services.AddSingleton(sp => new ProblemService(
            sp.GetRequiredService<IProblemStore>(),
            sp.GetRequiredService<IIncidentStore>(),
            sp.GetRequiredService<IChangeStore>(),
            sp.GetRequiredService<IncidentCatalog>(),
            sp.GetRequiredService<ITimelineStore>(),
            sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new AlertmanagerIntake(
            sp.GetRequiredService<IIncidentStore>(),
            sp.GetRequiredService<IncidentService>(),
            sp.GetRequiredService<IncidentCatalog>(),
            sp.GetRequiredService<ITimelineStore>(),
            sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new ServiceMetrics(sp.GetRequiredService<IIncidentStore>(), sp.GetRequiredService<IChangeStore>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<Application.Demo.DemoSeeder>();
        if (options.SeedDemo)
        {
            services.AddHostedService<DemoSeeding>();
        }

        services.AddSingleton(sp => new WorkflowLoader(sp.GetRequiredService<ActivityRegistry>(), sp.GetRequiredService<IOptions<WorkflowLoaderOptions>>().Value));
        services.AddSingleton<IWorkflowDefinitionStore, EfWorkflowDefinitionStore>();
        services.AddSingleton<IWorkflowInstanceStore, EfWorkflowInstanceStore>();
        services.AddSingleton<IStimulusStore, EfStimulusStore>();
        services.AddChangeFlowChangeStores();
        services.AddChangeFlowIncidentStores();
        services.AddSingleton<WorkflowDefinitionService>();
        services.AddSingleton<WorkflowRuntime>();
        services.AddSingleton(sp => new TimerDispatcher(
            sp.GetRequiredService<WorkflowRuntime>(),
            sp.GetRequiredService<IWorkflowInstanceStore>(),
            sp.GetRequiredService<IJobScheduler>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IOptions<TimerOptions>>(),
            sp.GetRequiredService<ILogger<TimerDispatcher>>(),
            options.NodeName));
        // A job counts as lost after three missed heartbeats (see JobServerOptions.HeartbeatInterval).
        services.AddSingleton<IJobScheduler>(sp => new HangfireJobScheduler(
            sp.GetRequiredService<IBackgroundJobClient>(), sp.GetRequiredService<JobStorage>(), sp.GetRequiredService<TimeProvider>(), jobs.HeartbeatInterval * 3));
        services.AddTransient<WorkflowJobs>();

        // The storage is this host's own singleton, not Hangfire's process-wide JobStorage.Current (which AddHangfire
        // would otherwise hand out): several hosts in one process, as in the API tests, must not share or swap storages.
        services.AddSingleton<JobStorage>(_ =>
        {
            if (database.Provider == DatabaseProvider.PostgreSql)
            {
                var postgres = new PostgreSqlStorageOptions
                {
                    SchemaName = jobs.Schema,
                    PrepareSchemaIfNecessary = true,
                    QueuePollInterval = jobs.QueuePollInterval,
                    EnableLongPolling = true,
                    // A node killed mid-job leaves it invisible this long; the sweep fires overdue timers sooner
                    // (once the node has missed three heartbeats, see HangfireJobScheduler.IsPendingAsync).
                    InvisibilityTimeout = TimeSpan.FromMinutes(5),
                };
                return new PostgreSqlStorage(new Hangfire.PostgreSql.Factories.NpgsqlConnectionFactory(connectionString!, postgres, null), postgres);
            }

            return new SQLiteStorage(
                Path.Combine(dataDirectory, "hangfire.db"),
                new SQLiteStorageOptions { QueuePollInterval = jobs.QueuePollInterval, InvisibilityTimeout = TimeSpan.FromMinutes(5) });
        });
        services.AddHangfire((sp, config) => config
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UseStorage(sp.GetRequiredService<JobStorage>()));

        if (jobs.ServerEnabled)
        {
            services.AddHangfireServer((sp, server) =>
            {
                server.ServerName = options.NodeName ?? $"{Environment.MachineName}:{Environment.ProcessId}";
                server.WorkerCount = jobs.WorkerCount;
                server.SchedulePollingInterval = jobs.SchedulePollingInterval;
                server.HeartbeatInterval = jobs.HeartbeatInterval;
                server.ShutdownTimeout = TimeSpan.FromSeconds(10);
                server.Queues = ["default"];
            });
            services.AddHostedService<RuntimeSweeper>();
        }

        // The dispatcher fires due timers from the bookmark table; each timer's Hangfire job, due BackstopDelay later,
        // is the backstop (see TimerOptions). It runs on nodes without a Hangfire server too: it needs only the database.
        if (timers.Dispatcher)
        {
            services.AddHostedService<TimerDispatcherService>();
        }

        services.AddChangeFlowSecurity(configuration);
        services.AddChangeFlowDataProtection();
        services.AddChangeFlowMail(configuration, dataDirectory, options.NodeName);
        services.AddChangeFlowNotices(configuration, dataDirectory);
        services.AddChangeFlowMailApproval(configuration);
        services.AddSingleton<StorageFailureMonitor>();
        services.AddExceptionHandler<StorageUnavailableHandler>();
        services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database", tags: ["ready"])
            .AddCheck<StorageHealthCheck>("storage", tags: ["ready"])
            .AddCheck<JobStorageHealthCheck>("hangfire", tags: ["ready"]);
        return services;
    }

    /// <summary>The PostgreSQL advisory lock key under which a node applies migrations (any constant the app owns).</summary>
    private const long MigrationLockKey = 0x4348_414E_4745_464C; // "CHANGEFL"

    private static void TryAddSingletonTime(this IServiceCollection services)
    {
        if (!services.Any(d => d.ServiceType == typeof(TimeProvider)))
        {
            services.AddSingleton(TimeProvider.System);
        }
    }

    /// <summary>
    /// Prepares the database before anything serves: applies (or checks) migrations, then imports <c>workflows/</c>.
    /// </summary>
    public static async Task InitializeChangeFlowAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        var database = services.GetRequiredService<IOptions<DatabaseOptions>>().Value;
        var options = services.GetRequiredService<IOptions<ChangeFlowOptions>>().Value;
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("ChangeFlow.Startup");
        var factory = services.GetRequiredService<IDbContextFactory<ChangeFlowDbContext>>();
        await using (var db = await factory.CreateDbContextAsync(cancellationToken))
        {
            await SqliteDatabaseFile.EnsureUsableAsync(db, cancellationToken);

            // Nodes starting together on a new PostgreSQL database would otherwise apply the same migration at once
            // ("relation ... already exists"): a session advisory lock on this context's connection lets one migrate
            // while the others wait, then find nothing pending. SQLite serves one node.
            var postgres = database.Provider == DatabaseProvider.PostgreSql;
            if (postgres)
            {
                await db.Database.OpenConnectionAsync(cancellationToken);
                await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_lock({MigrationLockKey})", cancellationToken);
            }

            var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
            if (pending.Count > 0 && database.FailOnPendingMigrations)
            {
                throw new InvalidOperationException(
                    $"The database has {pending.Count} pending migration(s) ({string.Join(", ", pending)}) and ChangeFlow:Database:FailOnPendingMigrations is set.");
            }

            if (pending.Count > 0 && database.MigrateOnStartup)
            {
                logger.LogInformation("Applying {Count} migration(s): {Migrations}", pending.Count, string.Join(", ", pending));
                await db.Database.MigrateAsync(cancellationToken);
            }

            if (postgres)
            {
                await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_unlock({MigrationLockKey})", cancellationToken);
            }
        }

        if (services.GetService<IReferenceStore>() is not null)
        {
            var seeded = await services.GetRequiredService<ChangeCatalog>().SeedDefaultsAsync("system", cancellationToken);
            logger.LogInformation("Change catalogue: {Seeded} default document(s) added", seeded);
            var incidentDefaults = await services.GetRequiredService<IncidentCatalog>().SeedDefaultsAsync("system", cancellationToken);
            logger.LogInformation("Incident configuration: {Seeded} default document(s) added", incidentDefaults);
        }

        var outcomes = await services.GetRequiredService<WorkflowDefinitionService>()
            .ImportDirectoryAsync(Path.GetFullPath(options.WorkflowsDirectory), cancellationToken);
        logger.LogInformation(
            "Workflow import: {Added} added, {Unchanged} unchanged, {Invalid} invalid",
            outcomes.Count(o => o.Result == "added"),
            outcomes.Count(o => o.Result == "unchanged"),
            outcomes.Count(o => o.Result == "invalid"));
        await services.BootstrapSecurityAsync(cancellationToken);
    }
}
