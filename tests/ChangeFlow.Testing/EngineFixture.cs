using ChangeFlow.Engine.Activities;
using ChangeFlow.Engine.Execution;
using ChangeFlow.Engine.Expressions;
using ChangeFlow.Engine.Loading;
using ChangeFlow.Engine.Model;
using Microsoft.Extensions.Time.Testing;

namespace ChangeFlow.Testing;

/// <summary>
/// An engine wired to recording ports and the one fake clock used by every test
/// (<see cref="FakeTimeProvider"/>, starting 2026-05-03 08:00 UTC, the seed's RFC submission day).
/// </summary>
public sealed class EngineFixture
{
    /// <summary>The instant every test clock starts at.</summary>
    public static readonly DateTimeOffset StartInstant = new(2026, 5, 3, 8, 0, 0, TimeSpan.Zero);

    /// <summary>Creates a fixture.</summary>
    public EngineFixture(ScriptOptions? scripts = null, int maxActivitiesPerRun = WorkflowServices.DefaultMaxActivitiesPerRun)
    {
        Clock = new FakeTimeProvider(StartInstant);
        Ports = new RecordingPorts();
        Loader = new WorkflowLoader(ActivityRegistry.CreateDefault());
        Runner = new WorkflowRunner(
            new WorkflowServices
            {
                Timers = Ports,
                Email = Ports,
                Events = Ports,
                Console = Ports,
                Scripts = scripts ?? new ScriptOptions(),
                MaxActivitiesPerRun = maxActivitiesPerRun,
            },
            Clock);
    }

    /// <summary>The fake clock.</summary>
    public FakeTimeProvider Clock { get; }

    /// <summary>What the engine handed its ports.</summary>
    public RecordingPorts Ports { get; }

    /// <summary>A loader with the Elsa activities.</summary>
    public WorkflowLoader Loader { get; }

    /// <summary>The runner.</summary>
    public WorkflowRunner Runner { get; }

    /// <summary>Lines written so far.</summary>
    public IReadOnlyList<string> Lines => [.. Ports.Lines];

    /// <summary>Loads JSON or fails the test with every problem listed.</summary>
    public WorkflowDefinition Load(string json) => Loader.Load(json).GetDefinitionOrThrow();
}
