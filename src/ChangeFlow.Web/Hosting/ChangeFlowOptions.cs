using System.ComponentModel.DataAnnotations;

namespace ChangeFlow.Web.Hosting;

/// <summary>Which database ChangeFlow keeps its state in.</summary>
public enum DatabaseProvider
{
    /// <summary>A file under the data directory; nothing to install; one node.</summary>
    Sqlite,
    /// <summary>A PostgreSQL server (<c>ConnectionStrings:ChangeFlow</c>); several nodes.</summary>
    PostgreSql,
}

/// <summary>Top-level settings (section <c>ChangeFlow</c>).</summary>
public sealed class ChangeFlowOptions
{
    public const string Section = "ChangeFlow";

    /// <summary>Where ChangeFlow keeps its files (the SQLite databases among them).</summary>
    /// <value>The default is <c>./data</c>, relative to the working directory.</value>
    [Required]
    public string DataDirectory { get; set; } = "./data";

    /// <summary>The directory whose <c>*.json</c> workflow definitions are imported at start-up.</summary>
    /// <value>The default is <c>./workflows</c>, relative to the working directory.</value>
    [Required]
    public string WorkflowsDirectory { get; set; } = "./workflows";

    /// <summary>A name for this node in logs and in the Hangfire dashboard.</summary>
    /// <value>The default is the machine name and process id.</value>
    public string? NodeName { get; set; }

    /// <summary>
    /// Load the seed's worked case at start-up (its people as users, RFC-2026-014 submitted, its dates moved to start
    /// this week); does nothing when it is already loaded. The <c>--seed-demo</c> argument sets it.
    /// </summary>
    /// <value>The default is false.</value>
    public bool SeedDemo { get; set; }
}

/// <summary>Database settings (section <c>ChangeFlow:Database</c>).</summary>
public sealed class DatabaseOptions
{
    public const string Section = "ChangeFlow:Database";

    /// <summary>The provider.</summary>
    /// <value>The default is <see cref="DatabaseProvider.Sqlite"/>.</value>
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>Apply pending migrations at start-up.</summary>
    /// <value>The default is true.</value>
    public bool MigrateOnStartup { get; set; } = true;

    /// <summary>Refuse to start when migrations are pending (for production, where migrations are applied by a release step).</summary>
    /// <value>The default is false.</value>
    public bool FailOnPendingMigrations { get; set; }
}

/// <summary>Job server settings (section <c>ChangeFlow:Hangfire</c>).</summary>
public sealed class JobServerOptions
{
    public const string Section = "ChangeFlow:Hangfire";

    /// <summary>Run a Hangfire server in this process (a node can serve the API only).</summary>
    /// <value>The default is true.</value>
    public bool ServerEnabled { get; set; } = true;

    /// <summary>Concurrent jobs on this node.</summary>
    /// <value>The default is 10.</value>
    [Range(1, 200)]
    public int WorkerCount { get; set; } = 10;

    /// <summary>How often due scheduled jobs are moved to the queue; bounds how late a timer fires.</summary>
    /// <value>The default is 1 s.</value>
    public TimeSpan SchedulePollingInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often workers poll the queue (SQLite storage; PostgreSQL uses long polling).</summary>
    /// <value>The default is 1 s.</value>
    public TimeSpan QueuePollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How often this node's Hangfire server tells the others that it is alive. A server silent for three intervals
    /// counts as dead: the sweep then fires the timers whose jobs it was processing instead of waiting minutes for the
    /// storage to hand them out again. Likewise a timer job still waiting to be queued three intervals after it was due
    /// counts as stalled (a killed server can leave the schedulers' lock behind). Use the same value on every node.
    /// </summary>
    /// <value>
    /// The default is 10 s (Hangfire's is 30 s): a node that dies mid-job then delays that job's timer by about 30 s
    /// plus the sweep interval, in line with the sweep's other repairs, for one small update per node every 10 s.
    /// </value>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The PostgreSQL schema of Hangfire's tables.</summary>
    /// <value>The default is <c>hangfire</c>.</value>
    [Required]
    public string Schema { get; set; } = "hangfire";

    /// <summary>Serve the Hangfire dashboard at <c>/hangfire</c> (to local requests only).</summary>
    /// <value>The default is true.</value>
    public bool Dashboard { get; set; } = true;
}

/// <summary>
/// The configuration section of the definition limits (<see cref="Engine.Loading.WorkflowLoaderOptions"/>:
/// <c>MaxDefinitionBytes</c>, <c>MaxActivities</c>, <c>MaxConnections</c>).
/// </summary>
public static class WorkflowDefinitionLimits
{
    public const string Section = "ChangeFlow:WorkflowDefinitions";
}
