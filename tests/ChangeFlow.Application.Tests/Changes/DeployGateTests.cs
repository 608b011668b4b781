using ChangeFlow.Application.Calendar;
using ChangeFlow.Application.Changes;
using ChangeFlow.Domain.Changes;
using ChangeFlow.Domain.Demo;

namespace ChangeFlow.Application.Tests.Changes;

public sealed class DeployGateTests
{
    // RFC-2026-014's window: Sat 2026-05-23 22:00 → Sun 06:00 WAT (21:00Z → 05:00Z); decision point 04:00 WAT (03:00Z).
    private static readonly DateTimeOffset WindowStart = new(2026, 5, 23, 21, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset DecisionPoint = new(2026, 5, 24, 3, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset WindowEnd = new(2026, 5, 24, 5, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Gate_IsOpen_InsideTheWindowOfAScheduledChange()
    {
        var decision = DeployGate.Evaluate(Record(ChangeState.Scheduled), WindowStart.AddMinutes(5));

        Assert.True(decision.Allowed);
        Assert.Equal("RFC-2026-014", decision.Change);
        Assert.Equal(WindowEnd, decision.WindowEnd);
    }

    [Fact]
    public void Gate_IsClosed_BeforeTheWindow_AndSaysWhenItOpens()
    {
        var decision = DeployGate.Evaluate(Record(ChangeState.Scheduled), WindowStart.AddHours(-2));

        Assert.False(decision.Allowed);
        Assert.Equal(TimeSpan.FromHours(2), decision.RetryAfter);
        Assert.Contains("opens at 2026-05-23T21:00Z", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Gate_IsClosed_AtTheEndOfTheWindow()
    {
        var validated = Record(ChangeState.Implement) with { ValidatedAt = DecisionPoint.AddMinutes(-20), ValidatedBy = "lab-lead" };

        Assert.True(DeployGate.Evaluate(validated, WindowEnd.AddTicks(-10)).Allowed);
        var closed = DeployGate.Evaluate(validated, WindowEnd);
        Assert.False(closed.Allowed);
        Assert.Contains("closed at 2026-05-24T05:00Z", closed.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ChangeState.New)]
    [InlineData(ChangeState.Assess)]
    [InlineData(ChangeState.Authorize)]
    [InlineData(ChangeState.Review)]
    [InlineData(ChangeState.Closed)]
    public void Gate_IsClosed_InsideTheWindow_WhenTheChangeIsNotAuthorizedOrIsOver(ChangeState state)
    {
        var decision = DeployGate.Evaluate(Record(state), WindowStart.AddHours(1));

        Assert.False(decision.Allowed);
        Assert.Equal(state, decision.State);
    }

    [Fact]
    public void Gate_Closes_AtTheHardRollbackDecisionPoint_UnlessTheChangeWasValidated()
    {
        var unvalidated = Record(ChangeState.Implement);
        var validated = unvalidated with { ValidatedAt = DecisionPoint.AddMinutes(-20), ValidatedBy = "lab-lead" };

        Assert.True(DeployGate.Evaluate(unvalidated, DecisionPoint.AddTicks(-10)).Allowed);
        var closed = DeployGate.Evaluate(unvalidated, DecisionPoint);
        Assert.False(closed.Allowed);
        Assert.Contains("only the rollback may proceed", closed.Reason, StringComparison.Ordinal);
        Assert.True(DeployGate.Evaluate(validated, DecisionPoint.AddMinutes(30)).Allowed);
    }

    [Fact]
    public void ForwardSchedule_GivesOneEventPerWindow_TentativeUntilAuthorized_CancelledWhenRejected()
    {
        var tentative = ForwardSchedule.ToEvent(Record(ChangeState.Authorize), "changeflow.test")!;
        var confirmed = ForwardSchedule.ToEvent(Record(ChangeState.Scheduled) with { Version = 7 }, "changeflow.test")!;

        Assert.Equal("rfc-2026-014-window@changeflow.test", tentative.Uid);
        Assert.Equal(WindowStart, tentative.Start);
        Assert.Equal(WindowEnd, tentative.End);
        Assert.Equal(CalendarEventStatus.Tentative, tentative.Status);
        Assert.Equal(CalendarEventStatus.Confirmed, confirmed.Status);
        Assert.Equal(7, confirmed.Sequence);
        Assert.Contains("Hard rollback decision point: 2026-05-24 04:00 Africa/Lagos.", confirmed.Description, StringComparison.Ordinal);
        Assert.Contains("lims-prod-01", confirmed.Location, StringComparison.Ordinal);
        var text = ICalendarWriter.Write([tentative], CalendarMethod.Publish, WindowStart);
        Assert.Equal("TENTATIVE", Assert.Single(Ical.Net.Calendar.Load(text)!.Events).Status);
    }

    [Fact]
    public void ForwardSchedule_SkipsAChangeWithoutAWindow()
    {
        var record = Record(ChangeState.New) with { Change = DemoData.Rfc2026014() with { Window = null } };

        Assert.Null(ForwardSchedule.ToEvent(record, "changeflow.test"));
    }

    private static ChangeRecord Record(ChangeState state)
    {
        var change = DemoData.Rfc2026014();
        var at = change.SubmittedAt;
        foreach (var step in PathTo(state))
        {
            at = at.AddMinutes(1);
            var outcome = change.State == ChangeState.Implement ? ChangeOutcome.Successful : (ChangeOutcome?)null;
            var result = change.Transition(change.State, step, at, "change-manager", outcome, step is ChangeState.Rejected or ChangeState.Canceled ? "test" : null);
            Assert.Empty(result.Errors);
            change = result.Change;
        }

        return new ChangeRecord { Change = change, CreatedBy = "it-ops-head", CreatedAt = change.SubmittedAt, UpdatedAt = at, Version = 1 };
    }

    private static IEnumerable<ChangeState> PathTo(ChangeState state)
    {
        ChangeState[] path = [ChangeState.Assess, ChangeState.Authorize, ChangeState.Scheduled, ChangeState.Implement, ChangeState.Review, ChangeState.Closed];
        return state == ChangeState.New ? [] : path.Take(Array.IndexOf(path, state) + 1);
    }
}
