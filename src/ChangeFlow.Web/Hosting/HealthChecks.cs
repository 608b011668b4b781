using ChangeFlow.Persistence;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ChangeFlow.Web.Hosting;

/// <summary>Ready when the database answers.</summary>
internal sealed class DatabaseHealthCheck(IDbContextFactory<ChangeFlowDbContext> factory) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        return await db.Database.CanConnectAsync(cancellationToken)
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy("The database does not answer.");
    }
}

/// <summary>Ready when Hangfire's storage answers (and, on a node that runs jobs, when its server is registered).</summary>
internal sealed class JobStorageHealthCheck(JobStorage storage, Microsoft.Extensions.Options.IOptions<JobServerOptions> options) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var servers = storage.GetMonitoringApi().Servers();
            if (options.Value.ServerEnabled && servers.Count == 0)
            {
                return Task.FromResult(HealthCheckResult.Unhealthy("No Hangfire server is running yet."));
            }

            return Task.FromResult(HealthCheckResult.Healthy($"{servers.Count} Hangfire server(s)."));
        }
#pragma warning disable CA1031 // Any storage failure means "not ready".
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("Hangfire storage does not answer.", ex));
        }
    }
}
