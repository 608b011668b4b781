using ChangeFlow.Domain.Common;
using ChangeFlow.Domain.Incidents;

namespace ChangeFlow.Domain.Tests.Incidents;

public sealed class EscalationPolicyTests
{
    [Fact]
    public void Create_ReportsEveryBadLevelWithItsPath()
    {
        var result = EscalationPolicy.Create("default", "Default",
        [
            new EscalationLevel("a", "A", EscalationKind.Functional, SlaClockKind.Resolution, null, TimeSpan.Zero, []),
            new EscalationLevel("a", "B", EscalationKind.Hierarchical, SlaClockKind.Resolution, 0, TimeSpan.FromMinutes(-1), []),
            new EscalationLevel("c", "C", EscalationKind.Hierarchical, null, null, TimeSpan.Zero, ["boss", "head-of-it", "role:Admin", "it@example.org"]),
        ]);

        Assert.Contains(result.Errors, e => e.Path == "levels[0].at" && e.Code == ErrorCodes.Required);
        Assert.Contains(result.Errors, e => e.Path == "levels[1].id" && e.Code == ErrorCodes.Duplicate);
        Assert.Contains(result.Errors, e => e.Path == "levels[1].at" && e.Code == ErrorCodes.OutOfRange);
        Assert.Contains(result.Errors, e => e.Path == "levels[1].delay" && e.Code == ErrorCodes.OutOfRange);
        Assert.Contains(result.Errors, e => e.Path == "levels[1].notify" && e.Code == ErrorCodes.Required);
        Assert.Contains(result.Errors, e => e.Path == "levels[2].notify[0]" && e.Code == ErrorCodes.Invalid);
        Assert.DoesNotContain(result.Errors, e => e.Path.StartsWith("levels[2].notify[", StringComparison.Ordinal) && e.Path != "levels[2].notify[0]");
    }

    [Fact]
    public void NextLevel_IsTheFirstOfItsKindNotYetApplied()
    {
        var policy = EscalationPolicy.Create("p", "P",
        [
            new EscalationLevel("l2", "Second line", EscalationKind.Functional, SlaClockKind.Resolution, 0.5, TimeSpan.Zero, []),
            new EscalationLevel("manager", "Team manager", EscalationKind.Hierarchical, SlaClockKind.Resolution, 0.75, TimeSpan.Zero, ["team-manager"]),
            new EscalationLevel("head", "Head of IT", EscalationKind.Hierarchical, SlaClockKind.Resolution, 1, TimeSpan.FromHours(1), ["head-of-it"]),
        ]).Value;

        Assert.Equal("manager", policy.NextLevel(EscalationKind.Hierarchical, [])!.Id);
        Assert.Equal("head", policy.NextLevel(EscalationKind.Hierarchical, ["manager"])!.Id);
        Assert.Null(policy.NextLevel(EscalationKind.Hierarchical, ["manager", "head"]));
        Assert.Null(policy.NextLevel(EscalationKind.Functional, ["l2"]));
    }
}
