using ChangeFlow.Web.Hosting;

WebApplication? app = null;
try
{
    // Building is inside the try: the data directory is checked while services are registered.
    app = ChangeFlowHost.CreateBuilder(args).Build();
    await app.PrepareAsync();
    await app.RunAsync();
    return 0;
}
catch (Exception ex) when (ex is not HostAbortedException)
{
    // A node that cannot start (database unreachable, pending migrations refused, bad settings, a data directory it
    // cannot write) says why in one line and exits with 1, so a supervisor's log shows the cause rather than a crash
    // dump. A StartupException is a reason the operator acts on, so it is logged without its stack trace.
    if (ex is StartupException)
    {
        app?.Logger.LogCritical("ChangeFlow could not start: {Reason}", ex.Message);
    }
    else
    {
        app?.Logger.LogCritical(ex, "ChangeFlow could not start: {Reason}", ex.Message);
    }

    await Console.Error.WriteLineAsync($"ChangeFlow could not start: {ex.Message}");
    return 1;
}

/// <summary>The web host's entry point (public for integration tests).</summary>
public partial class Program;
