using ChangeFlow.Domain.Demo;
using ChangeFlow.Domain.Improvement;

namespace ChangeFlow.Domain.Tests.Improvement;

public sealed class ImprovementItemTests
{
    [Fact]
    public void FromReviewFinding_ProposesAnItemLinkedToTheChange_WhenAReviewFindsAGap()
    {
        var item = ImprovementItem.FromReviewFinding(
            DemoData.Rfc2026014Number,
            "Rehearse the pg_restore on production-sized data",
            "The rollback estimate of 45 minutes was never timed against 120,000 sample records.",
            ImprovementPriority.High);

        Assert.Equal("RFC-2026-014", item.SourceChange.ToString());
        Assert.Equal(ImprovementStatus.Proposed, item.Status);
        Assert.Empty(item.Validate());
    }

    [Fact]
    public void Validate_ReportsEveryProblem_WhenItemIsBlank()
    {
        var item = new ImprovementItem { SourceChange = default(Domain.Changes.ChangeNumber), Priority = 0 };

        Assert.Equal(["title", "description", "sourceChange", "priority"], item.Validate().Select(error => error.Path));
    }
}
