using ChangeFlow.Application.Incidents;
using ChangeFlow.Domain.Common;
using ChangeFlow.Web.Security;

namespace ChangeFlow.Web.Api;

/// <summary>
/// Service metrics: MTTA, MTTR, SLA compliance per service and priority, the backlog by priority, and the change
/// success and failure rates (a change fails when it failed, was rolled back, or caused an incident).
/// </summary>
public static class MetricsApi
{
    /// <summary>Maps the endpoint.</summary>
    public static IEndpointRouteBuilder MapMetricsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/metrics", async (string? from, string? to, ServiceMetrics metrics, CancellationToken ct) =>
            {
                var errors = new List<DomainError>();
                var (f, t) = (QueryValues.Instant("from", from, errors), QueryValues.Instant("to", to, errors));
                var end = t ?? metrics.Now;
                var start = f ?? end.AddDays(-30);
                if (errors.Count == 0 && end <= start)
                {
                    errors.Add(new DomainError("to", ErrorCodes.OutOfOrder, "'to' must be after 'from'."));
                }

                if (errors.Count == 0 && end - start > TimeSpan.FromDays(3 * 366))
                {
                    errors.Add(new DomainError("to", ErrorCodes.OutOfRange, "A report spans at most three years."));
                }

                return errors.Count > 0 ? ApiResults.Invalid(errors) : Results.Json(await metrics.ReportAsync(start, end, ct), IncidentApiSupport.Json);
            })
            .RequireAuthorization(Policies.ServiceDesk)
            .WithTags("Metrics")
            .WithSummary("Incidents opened and changes completed in [from, to) (default: the last 30 days): MTTA, MTTR, SLA compliance per service and priority, backlog by priority (now), change success and failure rates.");
        return app;
    }
}
