using ChangeFlow.Application.Workflows;
using ChangeFlow.Testing;
using Microsoft.Extensions.Time.Testing;

namespace ChangeFlow.Application.Tests.Support;

/// <summary>Gives each test a fresh database (SQLite unless a subclass switches the provider) and a runtime over it.</summary>
public abstract class RuntimeTestBase : IAsyncLifetime
{
    private RuntimeHarness? _harness;

    protected static DateTimeOffset T0 => EngineFixture.StartInstant;

    protected static CancellationToken Ct => CancellationToken.None;

    protected virtual DatabaseProvider Provider => DatabaseProvider.Sqlite;

    protected RuntimeHarness Harness => _harness ?? throw new InvalidOperationException("The test is not initialized.");

    protected WorkflowRuntime Runtime => Harness.Runtime;

    protected FakeTimeProvider Clock => Harness.Clock;

    protected RecordingJobScheduler Jobs => Harness.Jobs;

    public async Task InitializeAsync() => _harness = await RuntimeHarness.CreateAsync(Provider, Configure, Timers);

    public async Task DisposeAsync()
    {
        if (_harness is not null)
        {
            await _harness.DisposeAsync();
        }
    }

    /// <summary>The timer settings of the runtime (null: a runtime created without them, as before the dispatcher).</summary>
    protected virtual TimerOptions? Timers => null;

    /// <summary>Changes the runtime's options before it is created.</summary>
    protected virtual void Configure(RuntimeOptions options)
    {
    }
}
