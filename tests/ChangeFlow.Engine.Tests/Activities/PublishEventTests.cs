using ChangeFlow.Engine.Execution;
using ChangeFlow.Engine.Tests.Support;
using ChangeFlow.Testing;
using static ChangeFlow.Engine.Tests.Support.FlowchartJson;

namespace ChangeFlow.Engine.Tests.Activities;

public sealed class PublishEventTests
{
    private readonly EngineFixture _engine = new();

    [Fact]
    public async Task Execute_HandsNamePayloadAndLocalFlagToThePort()
    {
        var flow = new FlowchartJson()
            .Start()
            .Activity("publish", "Elsa.PublishEvent", new()
            {
                ["eventName"] = Literal("ready"),
                ["payload"] = Json("{\"changeNumber\":\"CHG0042\",\"risk\":3}"),
                ["isLocalEvent"] = Literal(true, "Boolean"),
            })
            .WriteLine("after", "published")
            .Chain("start", "publish", "after");

        var (_, state) = await _engine.StartAsync(flow, new StartRequest { InstanceId = "instance-1" });

        var published = Assert.Single(_engine.Ports.Events);
        Assert.Equal("ready", published.EventName);
        Assert.Equal("{\"changeNumber\":\"CHG0042\",\"risk\":3}", published.Payload!.ToJsonString());
        Assert.Equal("instance-1", published.SourceInstanceId);
        Assert.True(published.IsLocal);
        Assert.Equal(["published"], _engine.Lines);
        Assert.Equal(WorkflowStatus.Finished, state.Status);
    }

    [Fact]
    public async Task Execute_PublishesGloballyWithAScriptPayload_WhenIsLocalEventIsNotSet()
    {
        var flow = new FlowchartJson()
            .Variable("Rfc", "String", "CHG0007")
            .Start()
            .Activity("publish", "Elsa.PublishEvent", new()
            {
                ["eventName"] = JavaScript("'implemented-' + getRfc()", "String"),
                ["payload"] = JavaScript("({ rfc: getRfc() })"),
            })
            .Chain("start", "publish");

        await _engine.StartAsync(flow);

        var published = Assert.Single(_engine.Ports.Events);
        Assert.Equal("implemented-CHG0007", published.EventName);
        Assert.Equal("{\"rfc\":\"CHG0007\"}", published.Payload!.ToJsonString());
        Assert.False(published.IsLocal);
    }
}
