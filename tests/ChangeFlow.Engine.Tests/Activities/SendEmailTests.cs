using ChangeFlow.Engine.Execution;
using ChangeFlow.Engine.Tests.Support;
using ChangeFlow.Testing;
using static ChangeFlow.Engine.Tests.Support.FlowchartJson;

namespace ChangeFlow.Engine.Tests.Activities;

public sealed class SendEmailTests
{
    private readonly EngineFixture _engine = new();

    private static FlowchartJson Flow(string errorPort = "Error", bool wireError = true, string to = "[\"cab@example.org\",\"oncall@example.org\"]")
    {
        var flow = new FlowchartJson()
            .Variable("Rfc", "String", "CHG0042")
            .Start()
            .Activity("mail", "Elsa.SendEmail", new()
            {
                ["from"] = Literal("changeflow@example.org"),
                ["to"] = Json(to, "String[]"),
                ["cc"] = Literal("audit@example.org; sec@example.org", "String[]"),
                ["subject"] = Liquid("RFC {{ Variables.Rfc }} approved"),
                ["body"] = JavaScript("`Change ${getRfc()} may start.`", "String"),
            })
            .WriteLine("sent", "sent")
            .WriteLine("failed", JavaScript("'failed: ' + getOutputFrom('mail', 'error')", "String"))
            .Connect("start", "mail")
            .Connect("mail", "sent");
        return wireError ? flow.Connect("mail", errorPort, "failed") : flow;
    }

    [Fact]
    public async Task Execute_HandsTheMessageToTheMailPortAndFollowsDone()
    {
        var (_, state) = await _engine.StartAsync(Flow(), new StartRequest { InstanceId = "instance-7" });

        var mail = Assert.Single(_engine.Ports.Emails);
        Assert.Equal("changeflow@example.org", mail.From);
        Assert.Equal(["cab@example.org", "oncall@example.org"], mail.To);
        Assert.Equal(["audit@example.org", "sec@example.org"], mail.Cc);
        Assert.Empty(mail.Bcc);
        Assert.Equal("RFC CHG0042 approved", mail.Subject);
        Assert.Equal("Change CHG0042 may start.", mail.Body);
        Assert.Equal(("instance-7", "mail"), (mail.InstanceId, mail.ActivityId));
        Assert.Equal(["sent"], _engine.Lines);
        Assert.Equal(WorkflowStatus.Finished, state.Status);
    }

    [Theory]
    [InlineData("Error")]
    [InlineData("error")]
    public async Task Execute_FollowsTheErrorPort_WhenSendingFailsAndTheErrorPortIsWired(string port)
    {
        _engine.Ports.EmailFailure = new InvalidOperationException("SMTP relay refused the message");

        var (_, state) = await _engine.StartAsync(Flow(port));

        Assert.Equal(["failed: SMTP relay refused the message"], _engine.Lines);
        Assert.Equal(["Error"], Assert.Single(state.Journal, e => e.ActivityId == "mail").Outcomes!);
        Assert.Empty(state.Incidents);
        Assert.Empty(_engine.Ports.Emails);
        Assert.Equal(WorkflowStatus.Finished, state.Status);
    }

    [Fact]
    public async Task Execute_RecordsAnIncident_WhenSendingFailsAndTheErrorPortIsNotWired()
    {
        _engine.Ports.EmailFailure = new InvalidOperationException("SMTP relay refused the message");

        var (_, state) = await _engine.StartAsync(Flow(wireError: false));

        Assert.Equal(WorkflowStatus.Faulted, state.Status);
        var incident = Assert.Single(state.Incidents);
        Assert.Equal("mail", incident.ActivityId);
        Assert.Equal("ActivityException", incident.Code);
        Assert.Equal("SMTP relay refused the message", incident.Message);
        Assert.Equal(typeof(InvalidOperationException).FullName, incident.ExceptionType);
        Assert.NotNull(incident.StackTrace);
        Assert.Empty(_engine.Lines);
    }

    [Fact]
    public async Task Execute_RecordsAnIncident_WhenThereIsNoRecipient()
    {
        var (_, state) = await _engine.StartAsync(Flow(to: "[]"));

        Assert.Equal("NoRecipients", Assert.Single(state.Incidents).Code);
        Assert.Empty(_engine.Ports.Emails);
    }
}
