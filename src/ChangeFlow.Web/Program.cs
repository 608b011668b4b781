using ChangeFlow.Web.Hosting;

var app = ChangeFlowHost.CreateBuilder(args).Build();
try
{
    await app.PrepareAsync();
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
