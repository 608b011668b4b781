using ChangeFlow.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace ChangeFlow.Web.Hosting;

/// <summary>Remembers the last storage failure a request met (see <see cref="StorageFailure"/>), for readiness.</summary>
public sealed class StorageFailureMonitor(TimeProvider time)
{
    /// <summary>How long a failed write keeps the node not ready after it happened: 15 s.</summary>
    public static readonly TimeSpan RecentWindow = TimeSpan.FromSeconds(15);

    private Failure? _last;

    /// <summary>Records a storage failure now.</summary>
    public void Report(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        Volatile.Write(ref _last, new Failure(time.GetUtcNow(), exception.GetBaseException().Message));
    }

    /// <summary>The reason of a failure within <see cref="RecentWindow"/>, or null.</summary>
    public string? RecentFailure()
    {
        var last = Volatile.Read(ref _last);
        var age = last is null ? TimeSpan.MaxValue : time.GetUtcNow() - last.At;
        return age < RecentWindow ? $"A write failed {age.TotalSeconds:0} s ago: {last!.Reason}" : null;
    }

    private sealed record Failure(DateTimeOffset At, string Reason);
}

/// <summary>
/// Ready when the storage can take a write: no request met a storage failure in the last seconds, the data directory
/// (and with SQLite the database file's directory) takes a small write, and a PostgreSQL database is not read-only.
/// A full disk thus makes the node not ready, so a load balancer sends writes elsewhere while it answers 503.
/// </summary>
internal sealed class StorageHealthCheck(
    StorageFailureMonitor monitor,
    IDbContextFactory<ChangeFlowDbContext> factory,
    IOptions<ChangeFlowOptions> options,
    IOptions<DatabaseOptions> database) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (monitor.RecentFailure() is { } failure)
        {
            return HealthCheckResult.Unhealthy(failure);
        }

        try
        {
            var directories = new List<string> { Path.GetFullPath(options.Value.DataDirectory) };
            await using var db = await factory.CreateDbContextAsync(cancellationToken);
            if (database.Value.Provider == DatabaseProvider.PostgreSql)
            {
                var readOnly = await db.Database.SqlQueryRaw<string>("SELECT current_setting('transaction_read_only') AS \"Value\"")
                    .SingleAsync(cancellationToken);
                if (readOnly == "on")
                {
                    return HealthCheckResult.Unhealthy("The database accepts no writes (transaction_read_only is on).");
                }
            }
            else if (db.Database.GetDbConnection() is SqliteConnection { DataSource: { Length: > 0 } file }
                && file != ":memory:" && !file.StartsWith("file:", StringComparison.Ordinal)
                && Path.GetDirectoryName(Path.GetFullPath(file)) is { } fileDirectory
                && !directories.Contains(fileDirectory, StringComparer.Ordinal))
            {
                directories.Add(fileDirectory);
            }

            foreach (var directory in directories)
            {
                DataDirectory.Probe(directory);
            }

            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException || StorageFailure.IsUnavailable(ex))
        {
            return HealthCheckResult.Unhealthy($"The storage cannot be written: {ex.GetBaseException().Message}");
        }
    }
}
