using ChangeFlow.Domain.Changes;
using ChangeFlow.Domain.Common;
using ChangeFlow.Domain.Communication;
using ChangeFlow.Domain.Demo;

namespace ChangeFlow.Domain.Tests.Communication;

/// <summary>What a communication plan row must hold so its notices can be sent and matched later.</summary>
public sealed class CommunicationItemValidationTests
{
    private static readonly ChangeRequest Seed = DemoData.Rfc2026014();

    [Fact]
    public void Validate_AcceptsTheSeedsPlan_WithItsRecipientsTemplatesAndAttachment()
    {
        Assert.DoesNotContain(ChangeRequestValidator.Default.Validate(Seed), e => e.Path.StartsWith("communicationPlan", StringComparison.Ordinal));
        Assert.Equal(["lims-users", "lab-managers", "surveillance-team", "outcome"], Seed.CommunicationPlan.Select(r => r.Id));
        Assert.Equal([DemoData.QuickReferenceCard], Seed.CommunicationPlan[1].Attachments);
    }

    [Fact]
    public void Validate_ReportsBadIdsDuplicateRecipientsTemplatesAndFileNames_WithTheirPaths()
    {
        var rows = Seed.CommunicationPlan;
        var change = Seed with
        {
            CommunicationPlan =
            [
                rows[0] with { Id = "has space" },
                rows[1] with { Recipients = ["list:lab-managers", "list:lab-managers", " "], Template = "Maintenance_Notice", Attachments = ["../etc/passwd", "card.pdf"] },
                rows[2] with { Id = "lab-managers" },
                rows[3] with { Id = null },
            ],
        };

        var errors = ChangeRequestValidator.Default.Validate(change).Where(e => e.Path.StartsWith("communicationPlan", StringComparison.Ordinal)).ToList();

        Assert.Equal(
            [
                ("communicationPlan[0].id", ErrorCodes.Invalid),
                ("communicationPlan[1].attachments[0]", ErrorCodes.Invalid),
                ("communicationPlan[1].recipients[1]", ErrorCodes.Duplicate),
                ("communicationPlan[1].recipients[2]", ErrorCodes.Required),
                ("communicationPlan[1].template", ErrorCodes.Invalid),
                ("communicationPlan[2].id", ErrorCodes.Duplicate),
            ],
            errors.Select(e => (e.Path, e.Code)).Order());
    }

    [Fact]
    public void DefaultId_IsPositional_ForRowsWithoutOne()
    {
        Assert.Equal("comm-4", CommunicationItem.DefaultId(3));
    }
}
