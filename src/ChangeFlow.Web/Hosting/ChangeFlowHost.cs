using System.Text.Json.Serialization;
using ChangeFlow.Application.Common;
using ChangeFlow.Web.Api;
using ChangeFlow.Web.Pages;
using ChangeFlow.Web.Security;
using Hangfire;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Scalar.AspNetCore;

namespace ChangeFlow.Web.Hosting;

/// <summary>
/// Builds the web host the way <c>Program.cs</c> runs it, so integration tests start exactly the same service on real
/// Kestrel with only their settings, clock and loggers added.
/// </summary>
public static class ChangeFlowHost
{
    /// <summary>The address the service listens on when neither <c>urls</c> nor Kestrel endpoints are configured.</summary>
    public const string DefaultUrl = "http://127.0.0.1:5080";

    /// <summary>
    /// Creates a builder with ChangeFlow's services. <paramref name="configure"/> runs first, so what it adds
    /// (configuration sources, a <see cref="TimeProvider"/>, logger providers) is seen by every registration.
    /// </summary>
    public static WebApplicationBuilder CreateBuilder(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(args);

        // "--seed-demo" is a switch without a value, which the command-line configuration cannot read as a setting.
        var seedDemo = args.Contains("--seed-demo", StringComparer.Ordinal);
        var builder = WebApplication.CreateBuilder([.. args.Where(a => a != "--seed-demo")]);
        if (seedDemo)
        {
            builder.Configuration["ChangeFlow:SeedDemo"] = "true";
        }

        configure?.Invoke(builder);

        // Defaults live in code, so the service runs with no settings file at all; appsettings.json in the working
        // directory, environment variables (ChangeFlow__Database__Provider=PostgreSql) and arguments override them.
        var urls = builder.Configuration["urls"];
        if (string.IsNullOrEmpty(urls) && !builder.Configuration.GetSection("Kestrel:Endpoints").Exists())
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.EntityFrameworkCore", LogLevel.Warning);
        builder.Logging.AddFilter("Hangfire.Storage.SQLite.ExpirationManager", LogLevel.Warning);
        if (builder.Configuration.GetValue<bool>("ChangeFlow:Logging:Json"))
        {
            builder.Logging.AddJsonConsole(o => o.IncludeScopes = true);
        }
        else
        {
            builder.Logging.AddSimpleConsole(o =>
            {
                o.IncludeScopes = true;
                o.SingleLine = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
                o.UseUtcTimestamp = true;
            });
        }

        builder.Services.AddChangeFlowErrorResponses();

        // Enums go out by name, as requests send them (a task's "Open", not 0); types with a converter of their own keep it.
        // Durations go out in ISO 8601 (PT4H) and are read in it or the old hh:mm:ss form.
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter());
            o.SerializerOptions.Converters.Add(new Durations.JsonConverter());
        });
        builder.Services.AddOpenApi(o => o.UseChangeFlowContract());
        builder.Services.AddChangeFlow(builder.Configuration);
        return builder;
    }

    /// <summary>
    /// Prepares the database (migrations, workflow import, first-start administrator) and maps the middleware and
    /// endpoints. Call once, before <c>RunAsync</c> or <c>StartAsync</c>.
    /// </summary>
    public static async Task PrepareAsync(this WebApplication app, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseChangeFlowForwardedHeaders();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        await app.Services.InitializeChangeFlowAsync(cancellationToken);

        app.UseChangeFlowSecurity();
        app.MapOpenApi().AllowAnonymous();

        // An interactive API reference over the OpenAPI document; calls made from it carry the caller's own cookie
        // or bearer token, so it shows everything but grants nothing.
        app.MapScalarApiReference("/api-reference", o => o.WithTitle("ChangeFlow API")).AllowAnonymous();
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready"), ResponseWriter = HealthResponses.WriteJsonAsync }).AllowAnonymous();
        if (app.Services.GetRequiredService<IOptions<JobServerOptions>>().Value.Dashboard)
        {
            // Hangfire's own filters are replaced by the Admin policy (cookie or bearer sign-in), which works from any address.
            app.MapHangfireDashboard("/hangfire", new DashboardOptions { Authorization = [], AsyncAuthorization = [] })
                .RequireAuthorization(Policies.Admin);
        }

        app.MapAuthApi();
        app.MapUsersApi();
        app.MapWorkflowDefinitionsApi();
        app.MapWorkflowInstancesApi();
        app.MapChangesApi();
        app.MapCalendarFeedApi();
        app.MapTasksApi();
        app.MapCatalogApi();
        app.MapIncidentsApi();
        app.MapProblemsApi();
        app.MapIncidentConfigApi();
        app.MapMetricsApi();
        app.MapAlertsApi();
        app.MapOutboxApi();
        app.MapNoticesApi();
        app.MapMailApprovalPages();
        app.MapHomePage();
    }
}
