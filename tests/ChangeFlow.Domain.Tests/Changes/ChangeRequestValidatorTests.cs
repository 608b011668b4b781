using ChangeFlow.Domain.Changes;
using ChangeFlow.Domain.Common;
using ChangeFlow.Domain.Communication;
using ChangeFlow.Domain.Demo;
using ChangeFlow.Domain.Risk;
using ChangeFlow.Domain.Tests.Support;

namespace ChangeFlow.Domain.Tests.Changes;

public sealed class ChangeRequestValidatorTests
{
    private static readonly ChangeRequest Seed = DemoData.Rfc2026014();

    [Fact]
    public void Validate_ReturnsNoError_WhenDossierIsTheSeeds() =>
        Assert.Empty(new ChangeRequestValidator(registry: DemoData.Registry()).Validate(Seed));

    [Fact]
    public void Validate_ReturnsEveryErrorWithItsPath_WhenDossierIsBrokenInManyPlaces()
    {
        var steps = Seed.ImplementationPlan.Steps.ToArray();
        steps[3] = steps[3] with { PlannedAt = Wat.At(5, 23, 22, 0) };
        var risks = Seed.RiskRegister.ToArray();
        risks[1] = risks[1] with { Mitigation = " " };
        risks[2] = risks[2] with { Probability = default };
        risks[4] = risks[4] with { Mitigation = null };
        var broken = Seed with
        {
            Title = "",
            Requestor = null,
            Justification = "  ",
            Window = Seed.Window! with { TimeZoneId = "Mars/Olympus_Mons" },
            RiskRegister = new RiskRegister(risks),
            ImplementationPlan = new ImplementationPlan(steps),
            RollbackDecisionPoint = Wat.At(5, 24, 7, 0),
            RollbackProcedure = null,
            CommunicationPlan = [Seed.CommunicationPlan[0] with { Audience = "" }, .. Seed.CommunicationPlan.Skip(1)],
            PostImplementationReview = Seed.PostImplementationReview! with { ScheduledAt = Wat.At(5, 24, 5, 0) },
        };

        var errors = ChangeRequestValidator.Default.Validate(broken);

        Assert.Equal(
            [
                "title",
                "requestor",
                "justification",
                "window.timeZoneId",
                "riskRegister[1].mitigation",
                "riskRegister[2].probability",
                "rollbackDecisionPoint",
                "implementationPlan.steps[3].plannedAt",
                "rollbackProcedure",
                "communicationPlan[0].audience",
                "postImplementationReview.scheduledAt",
            ],
            errors.Select(error => error.Path));
        Assert.Equal(ErrorCodes.OutOfRange, errors.Single(error => error.Path == "rollbackDecisionPoint").Code);
        Assert.Equal(ErrorCodes.OutOfOrder, errors.Single(error => error.Path == "implementationPlan.steps[3].plannedAt").Code);
        Assert.All(errors, error => Assert.False(string.IsNullOrWhiteSpace(error.Message)));
    }

    [Fact]
    public void Validate_NamesTheStepsByTheirIds_WhenAStepIsPlannedBeforeThePreviousOne()
    {
        var steps = Seed.ImplementationPlan.Steps.ToArray();
        steps[3] = steps[3] with { PlannedAt = Wat.At(5, 23, 22, 0) };

        var error = Assert.Single(ChangeRequestValidator.Default.Validate(Seed with { ImplementationPlan = new ImplementationPlan(steps) }));

        Assert.Equal(("implementationPlan.steps[3].plannedAt", ErrorCodes.OutOfOrder), (error.Path, error.Code));
        Assert.Equal("Step 'stop-services' is planned before step 'db-dump', which comes before it; list steps in the order they are done.", error.Message);
    }

    [Fact]
    public void Validate_NamesTheStepsByTheirOneBasedDefaultIds_WhenStepsHaveNoIds()
    {
        // The fourth step is step-4 in messages, as in the step commands; only its path counts from 0.
        var steps = Seed.ImplementationPlan.Steps.Select(step => step with { Id = null }).ToArray();
        steps[3] = steps[3] with { PlannedAt = Wat.At(5, 23, 22, 0) };

        var error = Assert.Single(ChangeRequestValidator.Default.Validate(Seed with { ImplementationPlan = new ImplementationPlan(steps) }));

        Assert.Equal("implementationPlan.steps[3].plannedAt", error.Path);
        Assert.Equal("Step 'step-4' is planned before step 'step-3', which comes before it; list steps in the order they are done.", error.Message);
    }

    [Fact]
    public void Validate_ComparesWithTheLastPlannedStep_WhenAStepBetweenHasNoPlannedTime()
    {
        var steps = Seed.ImplementationPlan.Steps.Select(step => step with { Id = null }).ToArray();
        steps[2] = steps[2] with { PlannedAt = default };
        steps[3] = steps[3] with { PlannedAt = Wat.At(5, 23, 21, 45) };

        var errors = ChangeRequestValidator.Default.Validate(Seed with { ImplementationPlan = new ImplementationPlan(steps) });

        var order = Assert.Single(errors, e => e.Code == ErrorCodes.OutOfOrder);
        Assert.Equal("Step 'step-4' is planned before step 'step-2', which comes before it; list steps in the order they are done.", order.Message);
    }

    [Fact]
    public void Validate_ReportsWindowEnd_WhenWindowEndsBeforeItStarts()
    {
        var broken = Seed with { Window = new ChangeWindow(Wat.At(5, 24, 6), Wat.At(5, 23, 22), "Africa/Lagos") };

        var error = Assert.Single(ChangeRequestValidator.Default.Validate(broken));

        Assert.Equal(("window.end", ErrorCodes.OutOfRange), (error.Path, error.Code));
    }

    [Fact]
    public void Validate_ReportsEveryMissingField_WhenRequestIsEmpty()
    {
        var errors = ChangeRequestValidator.Default.Validate(new ChangeRequest());

        Assert.Equal(
            ["number", "title", "type", "category", "requestor", "applicationOwner", "submittedAt", "justification", "window", "implementationPlan.steps"],
            errors.Select(error => error.Path));
        Assert.All(errors, error => Assert.Equal(ErrorCodes.Required, error.Code));
    }

    [Theory]
    [InlineData(ChangeType.Normal)]
    [InlineData(ChangeType.Emergency)]
    public void Validate_RequiresRollbackProcedure_WhenChangeIsNormalOrEmergency(ChangeType type)
    {
        var error = Assert.Single(ChangeRequestValidator.Default.Validate(Seed with { Type = type, RollbackProcedure = null }));

        Assert.Equal(("rollbackProcedure", ErrorCodes.Required), (error.Path, error.Code));
    }

    [Fact]
    public void Validate_AcceptsAShortDossier_WhenChangeIsStandardAndMinor()
    {
        var standard = Seed with
        {
            Type = ChangeType.Standard,
            Category = ChangeCategory.Minor,
            Impact = null,
            RiskRegister = RiskRegister.Empty,
            RollbackDecisionPoint = null,
            RollbackProcedure = null,
            CommunicationPlan = [],
            PostImplementationReview = null,
        };

        Assert.Empty(ChangeRequestValidator.Default.Validate(standard));
    }

    [Fact]
    public void Validate_RequiresTheFullDossier_WhenChangeIsNormal()
    {
        var thin = Seed with
        {
            Impact = null,
            RiskRegister = RiskRegister.Empty,
            PostImplementationReview = null,
        };

        Assert.Equal(["impact", "riskRegister", "postImplementationReview"], ChangeRequestValidator.Default.Validate(thin).Select(error => error.Path));
    }

    [Fact]
    public void Validate_RequiresDecisionPoint_WhenChangeIsMajor()
    {
        var error = Assert.Single(ChangeRequestValidator.Default.Validate(Seed with { RollbackDecisionPoint = null }));

        Assert.Equal(("rollbackDecisionPoint", ErrorCodes.Required), (error.Path, error.Code));
    }

    [Theory]
    [InlineData(5, 23, 21, 59)]
    [InlineData(5, 24, 6, 0)]
    public void Validate_ReportsDecisionPointOutsideWindow_WhenItIsAtOrBeyondAnEnd(int month, int day, int hour, int minute)
    {
        var error = Assert.Single(ChangeRequestValidator.Default.Validate(Seed with { RollbackDecisionPoint = Wat.At(month, day, hour, minute) }));

        Assert.Equal(("rollbackDecisionPoint", ErrorCodes.OutOfRange), (error.Path, error.Code));
    }

    [Fact]
    public void Validate_ReportsDecisionPoint_WhenRollbackWouldOverrunTheWindow()
    {
        var late = Seed with { RollbackDecisionPoint = Wat.At(5, 24, 5, 30) };

        var error = Assert.Single(ChangeRequestValidator.Default.Validate(late));

        Assert.Equal("rollbackDecisionPoint", error.Path);
        Assert.Contains("45 min", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_AcceptsDecisionPoint_WhenRollbackEndsExactlyAtWindowEnd() =>
        Assert.Empty(ChangeRequestValidator.Default.Validate(Seed with { RollbackDecisionPoint = Wat.At(5, 24, 5, 15) }));

    [Fact]
    public void Validate_ReportsStep_WhenPlannedAtOrAfterTheDecisionPoint()
    {
        var steps = Seed.ImplementationPlan.Steps.ToArray();
        steps[^1] = steps[^1] with { PlannedAt = Wat.At(5, 24, 4, 0) };

        var error = Assert.Single(ChangeRequestValidator.Default.Validate(Seed with { ImplementationPlan = new ImplementationPlan(steps) }));

        Assert.Equal($"implementationPlan.steps[{steps.Length - 1}].plannedAt", error.Path);
    }

    [Fact]
    public void Validate_ReportsStep_WhenPlannedAfterTheWindow()
    {
        var steps = Seed.ImplementationPlan.Steps.ToArray();
        steps[^1] = steps[^1] with { PlannedAt = Wat.At(5, 24, 6, 0) };
        var change = Seed with { ImplementationPlan = new ImplementationPlan(steps), RollbackDecisionPoint = null, Category = ChangeCategory.Significant };

        var error = Assert.Single(ChangeRequestValidator.Default.Validate(change));

        Assert.Equal(($"implementationPlan.steps[{steps.Length - 1}].plannedAt", ErrorCodes.OutOfRange), (error.Path, error.Code));
    }

    [Fact]
    public void Validate_AcceptsAStepBeforeTheWindow_WhenItIsPreparation()
    {
        var steps = Seed.ImplementationPlan.Steps.ToArray();
        steps[0] = steps[0] with { PlannedAt = Wat.At(5, 23, 18, 0) };

        Assert.Empty(ChangeRequestValidator.Default.Validate(Seed with { ImplementationPlan = new ImplementationPlan(steps) }));
    }

    [Fact]
    public void Validate_ReportsUnknownIds_WhenRegistryIsGiven()
    {
        var change = Seed with
        {
            Impact = Seed.Impact! with { ConfigurationItemIds = ["lims-prod-01", "lims-prod-03", "lims-prod-01"], ServiceIds = ["lims", "erp"] },
        };

        var errors = new ChangeRequestValidator(registry: DemoData.Registry()).Validate(change);

        Assert.Equal(
            [
                ("impact.configurationItemIds[2]", ErrorCodes.Duplicate),
                ("impact.configurationItemIds[1]", ErrorCodes.Unknown),
                ("impact.serviceIds[1]", ErrorCodes.Unknown),
            ],
            errors.Select(error => (error.Path, error.Code)));
    }

    [Fact]
    public void Validate_ReportsCabReview_WhenItIsAfterTheWindowStarts()
    {
        var error = Assert.Single(ChangeRequestValidator.Default.Validate(Seed with { CabReviewAt = Wat.At(5, 23, 22) }));

        Assert.Equal("cabReviewAt", error.Path);
    }

    [Fact]
    public void Validate_ReportsWindowStart_WhenWindowStartsBeforeSubmission()
    {
        var change = Seed with { SubmittedAt = Wat.At(5, 23, 23), CabReviewAt = null };

        Assert.Contains(ChangeRequestValidator.Default.Validate(change), error => error.Path == "window.start");
    }

    [Fact]
    public void Validate_ReportsImpactDuration_WhenImpactOutlastsTheWindow()
    {
        var error = Assert.Single(ChangeRequestValidator.Default.Validate(Seed with { Impact = Seed.Impact! with { Duration = TimeSpan.FromHours(9) } }));

        Assert.Equal("impact.duration", error.Path);
    }

    [Fact]
    public void Validate_ReportsRollbackParts_WhenProcedureIsEmpty()
    {
        var change = Seed with { RollbackProcedure = new RollbackProcedure([], ["Restore", " "], TimeSpan.Zero) };

        Assert.Equal(
            ["rollbackProcedure.triggerConditions", "rollbackProcedure.steps[1]", "rollbackProcedure.estimatedDuration"],
            ChangeRequestValidator.Default.Validate(change).Select(error => error.Path));
    }

    [Fact]
    public void Validate_ReportsTimingAndChannel_WhenCommunicationRowIsMalformed()
    {
        var change = Seed with
        {
            CommunicationPlan =
            [
                new CommunicationItem("All LIMS users", "Maintenance", NotificationTiming.During(default), [(CommunicationChannel)42]),
                new CommunicationItem("All stakeholders", "Outcome", NotificationTiming.WhenOutcomeKnown(TimeSpan.FromHours(-1)), []),
                new CommunicationItem("Lab managers", "Rationale", null!, []),
            ],
        };

        Assert.Equal(
            ["communicationPlan[0].when.date", "communicationPlan[0].channels[0]", "communicationPlan[1].when.deadlineAfterWindowEnd", "communicationPlan[2].when"],
            ChangeRequestValidator.Default.Validate(change).Select(error => error.Path));
    }
}
