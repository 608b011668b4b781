using ChangeFlow.Application.Demo;

namespace ChangeFlow.Web.Hosting;

/// <summary>
/// Loads the demo (<c>--seed-demo</c>, <c>ChangeFlow:SeedDemo</c>) once the server listens: the seeded RFC's approval
/// e-mails carry links, and without <c>ChangeFlow:PublicBaseUrl</c> those use the address Kestrel bound, which is known
/// only then. The host's start waits for it, so a failure stops the start as before and nothing serves a half-loaded demo
/// for long.
/// </summary>
internal sealed class DemoSeeding(DemoSeeder seeder) : IHostedLifecycleService
{
    // Runs after every hosted service's StartAsync, the web server's (which binds the addresses) included.
    public Task StartedAsync(CancellationToken cancellationToken) => seeder.SeedAsync(cancellationToken);

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
