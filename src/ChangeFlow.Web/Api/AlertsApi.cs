using ChangeFlow.Application.Incidents.Alerts;
using ChangeFlow.Domain.Common;
using ChangeFlow.Web.Security;

namespace ChangeFlow.Web.Api;

/// <summary>
/// The Prometheus Alertmanager webhook receiver (payload version 4). Alertmanager authenticates with a personal API
/// token of a monitoring account that holds the service desk role (<c>http_config.authorization.credentials</c> in
/// its receiver), so the token is hashed at rest, revocable, can expire, and every incident and timeline line it
/// causes names that account.
/// </summary>
public static class AlertsApi
{
    /// <summary>The largest notification read, in bytes (Alertmanager sends every alert of a group at once).</summary>
    public const int MaxBytes = 4_000_000;

    /// <summary>Maps the endpoint.</summary>
    public static IEndpointRouteBuilder MapAlertsApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/alerts/alertmanager", async (HttpRequest request, AlertmanagerIntake intake, HttpCurrentUser user, CancellationToken ct) =>
            {
                if (request.ContentLength > MaxBytes)
                {
                    return ApiResults.Invalid(string.Empty, ErrorCodes.OutOfRange, $"The notification is larger than {MaxBytes} bytes.");
                }

                using var buffer = new MemoryStream();
                await request.Body.CopyToAsync(buffer, ct);
                if (buffer.Length > MaxBytes)
                {
                    return ApiResults.Invalid(string.Empty, ErrorCodes.OutOfRange, $"The notification is larger than {MaxBytes} bytes.");
                }

                var parsed = AlertmanagerWebhook.Parse(buffer.ToArray());
                if (!parsed.IsSuccess)
                {
                    return ApiResults.Invalid(parsed.Errors);
                }

                var outcomes = await intake.HandleAsync(parsed.Value, IncidentApiSupport.Actor(user, null), ct);
                return TypedResults.Ok(new { outcomes });
            })
            .RequireAuthorization(Policies.ServiceDesk)
            .WithTags("Alerts")
            .WithSummary("Receives an Alertmanager webhook notification (version 4): firing alerts open or update an incident (deduplicated by group key or fingerprint), resolved alerts are recorded.");
        return app;
    }
}
