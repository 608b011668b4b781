using ChangeFlow.Application.Common;
using ChangeFlow.Application.Tests.Changes.Support;
using ChangeFlow.Domain.Changes;
using ChangeFlow.Domain.Common;
using static ChangeFlow.Application.Tests.Changes.Support.ChangeHarness;

namespace ChangeFlow.Application.Tests.Changes;

/// <summary>Overlapping windows on a shared configuration item and blackout windows: shown to the CAB, blocking standard changes.</summary>
public sealed class ConflictDetectionTests : ChangeTestBase
{
    [Fact]
    public async Task DetectConflicts_ShowsTheCabAnOverlappingChangeOnTheSameConfigurationItem()
    {
        var first = await H.CreateAndSubmitAsync(Dossiers.Full(ChangeType.Normal, Wat(5, 20, 22), ["lims-db-01"]));
        var second = await H.CreateAndSubmitAsync(Dossiers.Full(ChangeType.Normal, Wat(5, 21, 1), ["lims-db-01", "lims-prod-02"]));

        var vote = H.OpenTaskOf(second.Number, ChangeManager);
        var conflict = Assert.Single(vote.Data!["conflicts"]!.AsArray())!.AsObject();
        Assert.Equal("change", conflict["kind"]!.GetValue<string>());
        Assert.Equal(first.Number, conflict["change"]!.GetValue<string>());
        Assert.Equal("lims-db-01", Assert.Single(conflict["configurationItems"]!.AsArray())!.GetValue<string>());
        Assert.Contains(await H.TimelineAsync(second.Number), e => e.Action == "conflicts.found");
        Assert.Null(H.OpenTaskOf(first.Number, ChangeManager).Data!["conflicts"]!.AsArray().FirstOrDefault(c => c!["change"]?.GetValue<string>() == second.Number));
    }

    [Fact]
    public async Task DetectConflicts_ShowsTheCabTheMondayLabOpeningBlackout()
    {
        var change = await H.CreateAndSubmitAsync(Dossiers.Full(ChangeType.Normal, Wat(5, 25, 3), ["lims-prod-02"]));

        var conflict = Assert.Single(H.OpenTaskOf(change.Number, ChangeManager).Data!["conflicts"]!.AsArray())!.AsObject();
        Assert.Equal("blackout", conflict["kind"]!.GetValue<string>());
        Assert.Equal("Monday 07:30 lab opening", conflict["blackout"]!.GetValue<string>());
        Assert.Equal(Wat(5, 25, 7, 30), DateTimeOffset.Parse(conflict["start"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task SubmitStandard_IsRefused_WhenItsWindowRunsIntoABlackout()
    {
        var freeze = """{"id":"year-end","name":"Year-end closing","start":"2026-05-05T00:00:00Z","end":"2026-05-06T00:00:00Z"}""";
        Assert.True((await H.Catalog.PutAsync(Common.ReferenceKinds.Blackout, "year-end", freeze, null, "test", Ct)).IsOk);
        var created = await H.Changes.CreateAsync(Dossiers.Standard(Wat(5, 5, 20), ["workstations"]), "antivirus-update", Requestor, H.RolesOf(Requestor), Ct);

        var submitted = await H.Changes.SubmitAsync(created.Value!.Number, ChangeState.New, Requestor, H.RolesOf(Requestor), Ct);

        Assert.Equal(CommandStatus.Invalid, submitted.Status);
        var error = Assert.Single(submitted.Errors);
        Assert.Equal(("window", ErrorCodes.Conflict), (error.Path, error.Code));
        Assert.Contains("Year-end closing", error.Message, StringComparison.Ordinal);
        Assert.Equal(ChangeState.New, (await H.ChangeAsync(created.Value.Number)).Change.State);
    }

    [Fact]
    public async Task SubmitStandard_IsRefused_WhenAnotherChangeWorksOnTheSameItemAtTheSameTime()
    {
        await H.CreateAndSubmitAsync(Dossiers.Full(ChangeType.Emergency, Wat(5, 5, 19), ["lims-prod-01"]));
        var created = await H.Changes.CreateAsync(Dossiers.Standard(Wat(5, 5, 20), ["workstations"], ["lims-prod-01"]), "antivirus-update", Requestor, H.RolesOf(Requestor), Ct);

        var submitted = await H.Changes.SubmitAsync(created.Value!.Number, ChangeState.New, Requestor, H.RolesOf(Requestor), Ct);

        Assert.Equal(CommandStatus.Invalid, submitted.Status);
        Assert.Contains("lims-prod-01", Assert.Single(submitted.Errors).Message, StringComparison.Ordinal);
    }
}
