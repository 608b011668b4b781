using ChangeFlow.Application.Incidents;
using ChangeFlow.Application.Incidents.Config;
using ChangeFlow.Domain.Incidents;
using ChangeFlow.Testing;
using ChangeFlow.Testing.InMemory;
using Microsoft.Extensions.Time.Testing;

namespace ChangeFlow.Application.Tests.Incidents;

public sealed class SlaWatchTests
{
    private static DateTimeOffset Wat(int month, int day, int hour, int minute = 0) => new DateTimeOffset(2026, month, day, hour, minute, 0, TimeSpan.FromHours(1)).ToUniversalTime();

    private static async Task<IncidentConfiguration> ConfigAsync()
    {
        var catalog = new IncidentCatalog(new InMemoryReferenceStore(), new FakeTimeProvider(EngineFixture.StartInstant));
        await catalog.SeedDefaultsAsync("system", CancellationToken.None);
        return await catalog.LoadAsync(CancellationToken.None);
    }

    private static Incident P2(IncidentConfiguration config, DateTimeOffset at)
    {
        var opened = Incident.Open("INC-2026-0001", "LIMS down", IncidentSource.Api, at, "agent").Value;
        var logged = opened.Log("x", "application-support", "lab-tech", null, config.PlanOf(opened with { ServiceId = "application-support" }), at, "agent").Value
            .Categorize("software", null, null, config.PlanFor("application-support", Priority.P3)!, at, "agent").Value;
        return logged.Prioritize(Impact.High, Urgency.Medium, config.Matrix, p => config.PlanFor("application-support", p)!, at, "agent").Value
            .Assign("service-desk", null, at, "agent").Value;
    }

    [Fact]
    public async Task Evaluate_MarksWhatIsDueOnce_AndNamesTheNextDueInstant()
    {
        var config = await ConfigAsync();
        var incident = P2(config, Wat(4, 30, 15));

        var early = SlaWatch.Evaluate(incident, config, Wat(4, 30, 15, 30));
        var later = SlaWatch.Evaluate(early.Incident, config, Wat(4, 30, 16, 45));
        var same = SlaWatch.Evaluate(later.Incident, config, Wat(4, 30, 16, 45));

        Assert.False(early.Changed);
        Assert.Equal(Wat(4, 30, 16), early.NextDue);
        Assert.Equal([(SlaClockKind.Response, 0.5, Wat(4, 30, 16)), (SlaClockKind.Response, 0.75, Wat(4, 30, 16, 30))], later.Thresholds.Select(t => (t.Clock, t.Fraction, t.At)));
        Assert.Equal(Wat(4, 30, 17), later.NextDue);
        Assert.False(same.Changed);
    }

    [Fact]
    public async Task Evaluate_AppliesEscalationLevels_WhenTheirTriggerIsReached_HandingOverToTheNextTier()
    {
        var config = await ConfigAsync();
        var incident = P2(config, Wat(4, 30, 15));

        var result = SlaWatch.Evaluate(incident, config, Wat(5, 4, 9, 30));

        Assert.Equal(["next-tier", "team-manager"], result.Escalations.Select(e => e.Level.Id));
        Assert.Equal(("service-desk", "it-operations"), (result.Escalations[0].Entry.FromGroup, result.Escalations[0].Entry.ToGroup));
        Assert.Equal("it-operations", result.Incident.AssignmentGroup);
        Assert.Equal(Wat(5, 4, 10), result.NextDue);
    }

    [Fact]
    public async Task Evaluate_DoesNothing_ForAClosedOrPausedIncident()
    {
        var config = await ConfigAsync();
        var incident = P2(config, Wat(4, 30, 15));
        var plan = config.PlanOf(incident);
        var paused = incident.Hold(IncidentState.AwaitingUser, "Waiting", pausesClocks: true, plan, Wat(4, 30, 15, 30), "agent").Value;

        var whilePaused = SlaWatch.Evaluate(paused, config, Wat(5, 8, 12));

        Assert.False(whilePaused.Changed);
        Assert.Null(whilePaused.NextDue);
        Assert.Equal(new DateTimeOffset(2026, 5, 4, 10, 0, 1, TimeSpan.Zero), SlaWatch.RoundUp(new DateTimeOffset(2026, 5, 4, 10, 0, 0, 1, TimeSpan.Zero)));
    }
}
