using System.Text.Json;
using ChangeFlow.Application.Common;
using ChangeFlow.Application.Notifications;
using ChangeFlow.Application.Security;
using ChangeFlow.Notifications.MailKit;
using ChangeFlow.Persistence;
using ChangeFlow.Scheduling.Hangfire;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace ChangeFlow.Web.Hosting;

/// <summary>Mail delivery: options, the sender (SMTP or pickup directory), the dispatcher and its job, the pump, health.</summary>
public static class MailServices
{
    /// <summary>
    /// Registers <c>ChangeFlow:Mail</c> (validated at start-up), the transport (SMTP when a host is configured, else
    /// the pickup directory under <paramref name="dataDirectory"/>), the outbox dispatcher, its Hangfire job, the
    /// pump that queues it (run on every node unless mail is disabled), the failure reporter, the admin service and
    /// the <c>mail</c> readiness entry.
    /// </summary>
    public static IServiceCollection AddChangeFlowMail(this IServiceCollection services, IConfiguration configuration, string dataDirectory, string? nodeName)
    {
        services.AddOptions<MailOptions>().Bind(configuration.GetSection(MailOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<MailOptions>, MailOptionsValidator>();
        var mail = configuration.GetSection(MailOptions.Section).Get<MailOptions>() ?? new MailOptions();

        services.AddChangeFlowMailStores();
        services.AddSingleton<IMailTransport>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<MailOptions>>().Value;
            var time = sp.GetRequiredService<TimeProvider>();
            return string.IsNullOrWhiteSpace(options.Smtp.Host)
                ? new PickupDirectoryTransport(
                    string.IsNullOrWhiteSpace(options.PickupDirectory) ? Path.Combine(dataDirectory, MailOptions.DefaultPickupDirectoryName) : Path.GetFullPath(options.PickupDirectory),
                    options.From,
                    time)
                : new SmtpMailTransport(options, time);
        });
        services.AddSingleton(sp => new MailDeliveryState(sp.GetRequiredService<IMailTransport>().Description));
        // A message that failed for good is reported (record, timeline, notice to the administrators) and opens an incident.
        services.AddSingleton<IDeliveryFailureReporter>(sp => new Application.Incidents.DeliveryFailureIncidents(
            new DeliveryFailureReporter(
                sp.GetRequiredService<IDeliveryFailureStore>(),
                sp.GetRequiredService<IOutbox>(),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<IOptions<MailOptions>>(),
                sp.GetRequiredService<ILogger<DeliveryFailureReporter>>(),
                sp.GetService<ITimelineStore>(),
                sp.GetService<IUserDirectory>(),
                sp.GetService<IMessageTemplates>()),
            () => sp.GetRequiredService<Application.Incidents.IncidentService>(),
            sp.GetRequiredService<ILogger<Application.Incidents.DeliveryFailureIncidents>>()));
        services.AddSingleton(sp => new OutboxDispatcher(
            sp.GetRequiredService<IOutboxDeliveryStore>(),
            sp.GetRequiredService<IMailTransport>(),
            sp.GetRequiredService<IDeliveryFailureReporter>(),
            sp.GetRequiredService<MailDeliveryState>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IOptions<MailOptions>>(),
            sp.GetRequiredService<ILogger<OutboxDispatcher>>(),
            nodeName));
        services.AddSingleton<IOutboxJobs, HangfireOutboxJobs>();
        services.AddTransient<MailJobs>();
        services.AddSingleton<OutboxPump>();
        services.AddSingleton<IOutboxSignal>(sp => sp.GetRequiredService<OutboxPump>());
        services.AddSingleton<OutboxAdministration>();
        if (mail.Enabled)
        {
            services.AddHostedService<OutboxPumpService>();
        }

        services.AddHealthChecks().AddCheck<MailHealthCheck>("mail", tags: ["ready"]);
        return services;
    }
}

/// <summary>Runs this node's <see cref="OutboxPump"/> while the host runs.</summary>
internal sealed class OutboxPumpService(OutboxPump pump) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => pump.RunAsync(stoppingToken);
}

/// <summary>
/// The mail sender's state in <c>/health/ready</c>: Healthy, or Degraded after a failed attempt (with no success
/// since). Never Unhealthy: a mail server that is down does not make the node unready, because messages wait in the
/// outbox and go out when it is back. Details name the kind of transport but not the server or the error text
/// (anyone may read this endpoint; administrators see both at <c>GET /api/outbox/sender</c>).
/// </summary>
internal sealed class MailHealthCheck(MailDeliveryState state, IOptions<MailOptions> options) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var s = state.Snapshot;
        var data = new Dictionary<string, object>
        {
            ["transport"] = string.IsNullOrWhiteSpace(options.Value.Smtp.Host) ? "pickup-directory" : "smtp",
            ["enabled"] = options.Value.Enabled,
            ["sent"] = s.SentCount,
            ["retried"] = s.RetriedCount,
            ["failed"] = s.FailedCount,
        };
        if (s.LastSuccessAt is { } ok)
        {
            data["lastSuccessAt"] = ok;
        }

        if (s.LastFailureAt is { } failed)
        {
            data["lastFailureAt"] = failed;
            data["lastFailureKind"] = s.LastFailureKind ?? "";
        }

        return Task.FromResult(s.LastAttemptFailed
            ? new HealthCheckResult(HealthStatus.Degraded, $"The last delivery attempt failed ({s.LastFailureKind}); messages wait in the outbox and are retried.", data: data)
            : HealthCheckResult.Healthy(s.LastSuccessAt is null ? "Nothing sent yet." : "Delivering.", data));
    }
}

/// <summary>Writes a health report as JSON: the overall status and each check's status, description and details.</summary>
internal static class HealthResponses
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static Task WriteJsonAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        var body = new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(
                e => e.Key,
                e => new { status = e.Value.Status.ToString(), description = e.Value.Description, data = e.Value.Data.Count == 0 ? null : e.Value.Data }),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body, Json));
    }
}
