using System.Text.Json.Nodes;
using ChangeFlow.Engine.Activities;
using ChangeFlow.Engine.Execution;
using ChangeFlow.Engine.Hosting;
using ChangeFlow.Testing;

namespace ChangeFlow.Engine.Tests.Scenarios;

/// <summary>The fixtures in Workflows/ are written in Elsa Studio's export shape; each must load unchanged and behave as its README says.</summary>
public sealed class ElsaExportScenarioTests
{
    private readonly EngineFixture _engine = new();

    private static string Fixture(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Workflows", name));

    private async Task<WorkflowInstanceState> StartAsync(string fixture)
    {
        var result = await _engine.Runner.StartAsync(_engine.Load(Fixture(fixture)));
        Assert.True(result.Accepted, result.Rejection);
        return result.State;
    }

    [Theory]
    [InlineData("hello-world.json")]
    [InlineData("flat-connections.json")]
    public async Task HelloWorld_WritesHelloWorldAndFinishes_WhenLoadedFromEitherConnectionShape(string fixture)
    {
        var state = await StartAsync(fixture);

        Assert.Equal(["Hello world"], _engine.Lines);
        Assert.Equal(WorkflowStatus.Finished, state.Status);
        Assert.Empty(state.Bookmarks);
    }

    [Fact]
    public async Task DecisionJavaScript_TakesTrueBranchAndRunsConvergingActivityOnce_WhenRiskIsHigh()
    {
        var state = await StartAsync("decision-javascript.json");

        Assert.Equal(["High risk: CAB review required", "Assessment complete (score 7)"], _engine.Lines);
        Assert.Equal(WorkflowStatus.Finished, state.Status);
        Assert.True(state.Variables["IsHighRisk"]!.GetValue<bool>());
    }

    [Fact]
    public async Task DecisionJavaScript_TakesFalseBranch_WhenRiskIsLow()
    {
        var json = Fixture("decision-javascript.json").Replace("\"value\": \"7\"", "\"value\": \"3\"", StringComparison.Ordinal);
        var state = (await _engine.Runner.StartAsync(_engine.Load(json))).State;

        Assert.Equal(["Low risk: standard change", "Assessment complete (score 3)"], _engine.Lines);
        Assert.Equal(WorkflowStatus.Finished, state.Status);
    }

    [Fact]
    public async Task ForkJoinWaitAll_InterleavesBranchesAndJoinsOnce()
    {
        var state = await StartAsync("fork-join-waitall.json");

        Assert.Equal(["Notify 1", "Provision 1", "Notify 2", "Provision 2", "joined"], _engine.Lines);
        Assert.Equal(WorkflowStatus.Finished, state.Status);
    }

    [Fact]
    public async Task RaceEventVsDelay_EventWinsAndCancelsTheTimer_WhenEventArrives()
    {
        var host = new InMemoryWorkflowHost(_engine.Clock, _engine.Ports);
        var started = await host.StartAsync(_engine.Load(Fixture("race-event-vs-delay.json")));
        Assert.Equal(WorkflowStatus.Suspended, started.State.Status);
        Assert.Equal(2, started.State.Bookmarks.Count);
        Assert.Single(host.PendingTimers);

        Assert.Equal(1, await host.PublishAsync("approved"));

        Assert.Equal(["approved", "done"], _engine.Lines);
        Assert.Equal(WorkflowStatus.Finished, started.State.Status);
        Assert.Empty(host.PendingTimers);
        Assert.Empty(started.State.Bookmarks);
    }

    [Fact]
    public async Task RaceEventVsDelay_TimerWinsAndCancelsTheEvent_WhenNoEventArrives()
    {
        var clock = new SimulatedClock(EngineFixture.StartInstant);
        var host = new InMemoryWorkflowHost(clock, _engine.Ports);
        var started = await host.StartAsync(_engine.Load(Fixture("race-event-vs-delay.json")));

        Assert.True(await host.FireNextTimerAsync(clock));

        Assert.Equal(EngineFixture.StartInstant.AddHours(1), clock.GetUtcNow());
        Assert.Equal(["timed out", "done"], _engine.Lines);
        Assert.Equal(WorkflowStatus.Finished, started.State.Status);
        Assert.Equal(0, await host.PublishAsync("approved"));
    }

    [Theory]
    [InlineData("Normal", "Normal change: Patch web servers")]
    [InlineData("Emergency", "EMERGENCY change: PATCH WEB SERVERS")]
    [InlineData("Other", "Unknown category")]
    [InlineData("Standard", "Standard change: pre-approved")]
    public async Task LiquidAndSwitch_RoutesByCategory(string category, string firstLine)
    {
        var json = Fixture("liquid-and-switch.json").Replace("\"value\": \"Normal\"", $"\"value\": \"{category}\"", StringComparison.Ordinal);
        var state = (await _engine.Runner.StartAsync(_engine.Load(json))).State;

        Assert.Equal([firstLine, $"Routed Patch web servers as {category}", category], _engine.Lines);
        Assert.Equal(WorkflowStatus.Finished, state.Status);
    }

    [Fact]
    public async Task LoopCounter_LoopsTwiceThenExits()
    {
        var state = await StartAsync("loop-counter.json");

        Assert.Equal(["Counter: 1", "Counter: 2", "done"], _engine.Lines);
        Assert.Equal(3, state.Variables["Counter"]!.GetValue<int>());
        Assert.Equal(WorkflowStatus.Finished, state.Status);
    }

    [Fact]
    public async Task FaultInBranch_FaultsTheInstanceWithOneIncident_ByDefault()
    {
        var state = await StartAsync("fault-in-branch.json");

        Assert.Equal(["safe: step 1"], _engine.Lines);
        Assert.Equal(WorkflowStatus.Faulted, state.Status);
        var incident = Assert.Single(state.Incidents);
        Assert.Equal("38350cd1e327d433", incident.ActivityId);
        Assert.Equal("E42", incident.Code);
        Assert.Equal("boom", incident.Message);
    }

    [Fact]
    public async Task FaultInBranch_OtherBranchCompletesAndInstanceFinishes_WhenStrategyIsContinue()
    {
        var state = await StartAsync("fault-in-branch-continue.json");

        Assert.Equal(["safe: step 1", "safe: step 2"], _engine.Lines);
        Assert.Equal(WorkflowStatus.Finished, state.Status);
        Assert.Equal("36b52181557202fc", Assert.Single(state.Incidents).ActivityId);
    }

    [Fact]
    public async Task TimerStartAt_WaitsForTheInstantThenTheDelay()
    {
        var clock = new SimulatedClock(EngineFixture.StartInstant);
        var host = new InMemoryWorkflowHost(clock, _engine.Ports);
        var state = (await host.StartAsync(_engine.Load(Fixture("timer-start-at.json")))).State;
        Assert.Equal(["Scheduled for the maintenance window"], _engine.Lines);
        Assert.Equal(new DateTimeOffset(2030, 1, 1, 9, 0, 0, TimeSpan.Zero), Assert.Single(state.Bookmarks).DueAt);

        await host.FireNextTimerAsync(clock);
        Assert.Equal(new DateTimeOffset(2030, 1, 1, 9, 0, 5, TimeSpan.Zero), Assert.Single(state.Bookmarks).DueAt);
        await host.FireNextTimerAsync(clock);

        Assert.Equal(["Scheduled for the maintenance window", "Maintenance window open", "Maintenance complete"], _engine.Lines);
        Assert.Equal(WorkflowStatus.Finished, state.Status);
    }

    [Fact]
    public async Task SendEmail_HandsOneMessageToTheMailPort()
    {
        var state = await StartAsync("send-email.json");

        var mail = Assert.Single(_engine.Ports.Emails);
        Assert.Equal("changeflow@example.org", mail.From);
        Assert.Equal(["cab@example.org", "oncall@example.org"], mail.To);
        Assert.Equal(["audit@example.org"], mail.Cc);
        Assert.Equal("RFC CHG0042 approved for implementation", mail.Subject);
        Assert.Equal("Change CHG0042 has been approved by the CAB.", mail.Body);
        Assert.Equal(["Email sent"], _engine.Lines);
        Assert.Equal(WorkflowStatus.Finished, state.Status);
    }

    [Fact]
    public async Task PublishAndWait_PublishesReadyAndBindsTheGoPayload()
    {
        var host = new InMemoryWorkflowHost(_engine.Clock, _engine.Ports, _engine.Ports);
        var state = (await host.StartAsync(_engine.Load(Fixture("publish-and-wait.json")))).State;
        Assert.Equal(["Waiting for go"], _engine.Lines);
        Assert.Equal("7180e5d4b7b0a700", Assert.Single(state.Bookmarks).ActivityId);
        Assert.Equal(0, await host.PublishAsync("ready"));

        Assert.Equal(1, await host.PublishAsync("go", JsonValue.Create("green light")));

        Assert.Equal("green light", state.Variables["GoPayload"]!.GetValue<string>());
        Assert.Equal(["Waiting for go", "Go received: green light"], _engine.Lines);
        Assert.Equal(WorkflowStatus.Finished, state.Status);
    }

    [Fact]
    public async Task PublishAndWait_PublishesTheReadyEventThroughThePort()
    {
        await StartAsync("publish-and-wait.json");

        var published = Assert.Single(_engine.Ports.Events);
        Assert.Equal("ready", published.EventName);
        Assert.Equal("CHG0042", published.Payload!["changeNumber"]!.GetValue<string>());
        Assert.False(published.IsLocal);
    }

    [Fact]
    public void EveryFixture_LoadsWithoutErrorsOrWarnings()
    {
        foreach (var file in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Workflows"), "*.json"))
        {
            var result = _engine.Loader.Load(File.ReadAllText(file));
            Assert.True(result.Problems.Count == 0, $"{Path.GetFileName(file)}: {string.Join("; ", result.Problems)}");
        }
    }

    [Fact]
    public void EveryElsaActivityType_IsRegistered()
    {
        string[] types = ["Elsa.Start", "Elsa.End", "Elsa.Finish", "Elsa.WriteLine", "Elsa.SetVariable", "Elsa.FlowDecision", "Elsa.FlowSwitch", "Elsa.FlowFork", "Elsa.FlowJoin", "Elsa.Delay", "Elsa.Timer", "Elsa.StartAt", "Elsa.Event", "Elsa.PublishEvent", "Elsa.Fault", "Elsa.SendEmail"];
        var registry = ActivityRegistry.CreateDefault();
        Assert.All(types, t => Assert.NotNull(registry.Find(t)));
    }
}
