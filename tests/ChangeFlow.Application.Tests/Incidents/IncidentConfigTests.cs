using System.Text.Json;
using ChangeFlow.Application.Changes.Catalog;
using ChangeFlow.Application.Common;
using ChangeFlow.Application.Incidents.Config;
using ChangeFlow.Domain.Common;
using ChangeFlow.Domain.Incidents;
using ChangeFlow.Testing;
using ChangeFlow.Testing.InMemory;
using Microsoft.Extensions.Time.Testing;

namespace ChangeFlow.Application.Tests.Incidents;

public sealed class IncidentConfigTests
{
    private static CancellationToken Ct => CancellationToken.None;

    private static string Json(object document) => JsonSerializer.Serialize(document, document.GetType(), CatalogParser.JsonOptions);

    [Fact]
    public async Task SeedDefaultsAsync_WritesValidDocumentsOnce_AndLoadAsyncReadsTheSeedsConfiguration()
    {
        var store = new InMemoryReferenceStore();
        var catalog = new IncidentCatalog(store, new FakeTimeProvider(EngineFixture.StartInstant));

        var added = await catalog.SeedDefaultsAsync("system", Ct);
        var again = await catalog.SeedDefaultsAsync("system", Ct);
        var config = await catalog.LoadAsync(Ct);

        // The matrix, the calendar, the policy, the settings, five service levels, and (the change catalogue not being
        // seeded here) the five services themselves.
        Assert.Equal(14, added);
        Assert.Equal(0, again);
        Assert.Equal(IncidentConfigDefaults.ServiceIds.Order(StringComparer.Ordinal), config.Services.Keys.Order(StringComparer.Ordinal));
        Assert.All(PriorityMatrix.Default.Cells, c => Assert.Equal(c.Priority, config.Matrix.PriorityOf(c.Impact, c.Urgency)));
        Assert.Equal(TimeSpan.FromHours(9), config.Calendars["wat-office"].BusinessDayLength);
        Assert.Equal([0.5, 0.75, 1.0], config.WatchedFractions(SlaClockKind.Resolution, config.PolicyOf("workstations")));
        Assert.Equal("4h RTO", config.PlanFor("backup-recovery", Priority.P1)!.Resolution.Describe());
        Assert.Equal(SlaHours.Always, config.PlanFor("backup-recovery", Priority.P1)!.Resolution.Hours);
        Assert.Equal(["service-desk", "it-operations", "application-owners"], config.SupportGroupsOf("application-support"));
        Assert.NotNull(await store.FindAsync(ReferenceKinds.Service, "backup-recovery", Ct));
    }

    [Fact]
    public void ParseServiceLevel_ReportsEveryTargetProblemWithItsPath()
    {
        var doc = IncidentConfigDefaults.Services()[1] with
        {
            IncidentTargets = new Dictionary<string, TargetPairDocument>
            {
                ["P1"] = new() { Response = new TargetDocument { Within = "PT1H", BusinessDays = 1 }, Resolution = new TargetDocument { Within = "soon" } },
                ["P9"] = new() { Response = new TargetDocument { Within = "PT1H" }, Resolution = new TargetDocument { Within = "PT2H" } },
                ["P2"] = new() { Response = new TargetDocument { NextBusinessDay = true, Hours = "Always" } },
            },
        };

        var result = IncidentConfigParser.ParseServiceLevel("workstations", Json(doc));

        Assert.Equal(
            ["incidentTargets.P1.resolution.within", "incidentTargets.P1.response", "incidentTargets.P2.resolution", "incidentTargets.P2.response.hours", "incidentTargets.P9"],
            result.Errors.Select(e => e.Path).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void ParseServiceLevel_NeedsEveryPriority_OrADefault()
    {
        var doc = IncidentConfigDefaults.Services()[1] with
        {
            IncidentTargets = new Dictionary<string, TargetPairDocument> { ["P3"] = new() { Response = new TargetDocument { Within = "PT4H" }, Resolution = new TargetDocument { BusinessDays = 2 } } },
        };

        var result = IncidentConfigParser.ParseServiceLevel("workstations", Json(doc));

        Assert.Equal(["incidentTargets.P1", "incidentTargets.P2", "incidentTargets.P4"], result.Errors.Select(e => e.Path));
        Assert.All(result.Errors, e => Assert.Equal(ErrorCodes.Required, e.Code));
    }

    [Fact]
    public void ParseSettings_FillsDefaults_ForAnEmptyDocument_AndRefusesUnknownMembers()
    {
        var empty = IncidentConfigParser.ParseSettings("{}");
        var typo = IncidentConfigParser.ParseSettings("""{"warningFraction": [0.5]}""");

        Assert.Equal(IncidentConfigDefaults.Settings.WarningFractions, empty.Value.WarningFractions);
        Assert.True(empty.Value.Pauses(IncidentState.PendingVendor));
        Assert.Equal(3, empty.Value.AutoCloseAfterBusinessDays);
        Assert.Equal(("warningFraction", ErrorCodes.Unknown), (typo.Errors[0].Path, typo.Errors[0].Code));
    }

    [Fact]
    public void ParseCalendar_ReadsAWholeDayAs2400_AndParsePolicy_NamesBadLevels()
    {
        var calendar = IncidentConfigParser.ParseCalendar("desk", """
            {"id":"desk","name":"24x7 desk","timeZoneId":"Africa/Lagos","week":{"saturday":[{"start":"00:00","end":"24:00"}]}}
            """);
        var policy = IncidentConfigParser.ParsePolicy("p", """
            {"id":"p","name":"P","levels":[{"id":"x","name":"X","kind":"Sideways","clock":"Resolution","at":0.5},{"id":"y","name":"Y","kind":"Hierarchical","clock":"Resolution","at":1,"delay":"later"}]}
            """);

        Assert.Equal(TimeSpan.FromDays(1), calendar.Value.BusinessDayLength);
        Assert.Equal(["levels[0].kind", "levels[1].delay"], policy.Errors.Select(e => e.Path));
    }

    [Fact]
    public void Validate_RefusesSingletonsUnderAnotherId()
    {
        Assert.Equal("id", Assert.Single(IncidentConfigParser.Validate(ReferenceKinds.PriorityMatrix, "other", "{}")).Path);
        Assert.Equal("kind", Assert.Single(IncidentConfigParser.Validate("weather", "x", "{}")).Path);
    }
}
