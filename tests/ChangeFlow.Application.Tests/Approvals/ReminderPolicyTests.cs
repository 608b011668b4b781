using ChangeFlow.Application.Approvals;

namespace ChangeFlow.Application.Tests.Approvals;

/// <summary>When a reminder goes, by share of the time left or by a fixed lead.</summary>
public sealed class ReminderPolicyTests
{
    private static readonly DateTimeOffset Asked = new(2026, 5, 3, 8, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Due = Asked.AddHours(10);

    [Theory]
    [InlineData("50%", 5.0)]
    [InlineData("25%", 2.5)]
    [InlineData("PT2H", 8.0)]
    [InlineData("02:00:00", 8.0)]
    public void ReminderAt_IsBetweenTheRequestAndTheDueTime(string rule, double hoursAfterAsking)
    {
        Assert.True(ReminderPolicy.TryParse(rule, out var policy, out var error), error);

        Assert.Equal(Asked.AddHours(hoursAfterAsking), policy.ReminderAt(Asked, Due));
    }

    [Theory]
    [InlineData("none")]
    [InlineData("PT12H")]
    public void ReminderAt_IsNone_WhenThereIsNothingToRemindOf(string rule)
    {
        Assert.True(ReminderPolicy.TryParse(rule, out var policy, out _));

        Assert.Null(policy.ReminderAt(Asked, Due));
    }

    [Fact]
    public void ReminderAt_IsNone_WithoutADueTime()
    {
        Assert.True(ReminderPolicy.TryParse("50%", out var policy, out _));

        Assert.Null(policy.ReminderAt(Asked, null));
    }

    [Theory]
    [InlineData("0%")]
    [InlineData("100%")]
    [InlineData("half")]
    [InlineData("-PT1H")]
    [InlineData("")]
    public void TryParse_Refuses_WithAReason(string rule)
    {
        Assert.False(ReminderPolicy.TryParse(rule, out _, out var error));
        Assert.Contains(rule.Length == 0 ? "''" : rule, error, StringComparison.Ordinal);
    }
}
