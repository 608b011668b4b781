using ChangeFlow.Web.Api;
using ChangeFlow.Web.Hosting;
using Hangfire;
using Hangfire.Dashboard;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;

var builder = WebApplication.CreateBuilder(args);

// Defaults live in code, so the service runs with no settings file at all; appsettings.json in the working
// directory, environment variables (ChangeFlow__Database__Provider=PostgreSql) and arguments override them.
var urls = builder.Configuration["urls"];
if (string.IsNullOrEmpty(urls) && !builder.Configuration.GetSection("Kestrel:Endpoints").Exists())
{
    builder.WebHost.UseUrls("http://127.0.0.1:5080");
}

builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
builder.Logging.AddFilter("Microsoft.EntityFrameworkCore", LogLevel.Warning);
builder.Logging.AddFilter("Hangfire.Storage.SQLite.ExpirationManager", LogLevel.Warning);
if (builder.Configuration.GetValue<bool>("ChangeFlow:Logging:Json"))
{
    builder.Logging.ClearProviders();
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

builder.Services.AddProblemDetails();
builder.Services.AddOpenApi();
builder.Services.AddChangeFlow(builder.Configuration);

var app = builder.Build();
try
{
    app.UseExceptionHandler();
    app.UseStatusCodePages();
    await app.Services.InitializeChangeFlowAsync();

    app.MapOpenApi();
    app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
    app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });
    if (app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<JobServerOptions>>().Value.Dashboard)
    {
        // Local requests only until ChangeFlow has authentication.
        app.UseHangfireDashboard("/hangfire", new DashboardOptions { Authorization = [new LocalRequestsOnlyAuthorizationFilter()] });
    }

    app.MapWorkflowDefinitionsApi();
    app.MapWorkflowInstancesApi();
    await app.RunAsync();
    return 0;
}
catch (Exception ex) when (ex is not HostAbortedException)
{
    // A node that cannot start (database unreachable, pending migrations refused, bad settings) says why in one
    // line and exits with 1, so a supervisor's log shows the cause rather than a crash dump.
    app.Logger.LogCritical(ex, "ChangeFlow could not start: {Reason}", ex.Message);
    await Console.Error.WriteLineAsync($"ChangeFlow could not start: {ex.Message}");
    return 1;
}

/// <summary>The web host's entry point (public for integration tests).</summary>
public partial class Program;
