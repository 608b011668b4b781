using ChangeFlow.Application.Tests.Changes.Support;
using ChangeFlow.Domain.Changes;
using static ChangeFlow.Application.Tests.Changes.Support.ChangeHarness;

namespace ChangeFlow.Application.Tests.Changes;

/// <summary>A change manager publishes a new version of normal-change: new RFCs follow it, RFCs in flight stay on theirs.</summary>
public sealed class NormalChangeVersionTests : ChangeTestBase
{
    [Fact]
    public async Task Publish_NewVersion_AppliesToNewRfcs_AndLeavesRfcsInFlightOnTheirVersion()
    {
        var inFlight = await H.CreateAndSubmitAsync(Dossiers.Full(ChangeType.Normal, Wat(5, 20, 22), ["lims-prod-01"]));
        Assert.Equal(1, (await H.InstanceAsync(inFlight.Number)).DefinitionVersion);

        var v2 = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Changes", "Workflows", "normal-change-v2.json"));
        var published = await H.Definitions.ImportAsync(v2, "change manager", publish: true, Ct);
        Assert.True(published.Result == "added", string.Join("; ", published.Problems));
        Assert.Equal(2, published.Version);

        var next = await H.CreateAndSubmitAsync(Dossiers.Full(ChangeType.Normal, Wat(5, 20, 22), ["lims-prod-02"]));
        Assert.Equal(2, (await H.InstanceAsync(next.Number)).DefinitionVersion);
        var review = Assert.Single(H.OpenTasks(next.Number));
        Assert.Equal(ChangeHarness.Security, review.AssigneeUserId);
        Assert.StartsWith("Security review", review.Title, StringComparison.Ordinal);

        // The RFC in flight still has its CAB vote, and approving it schedules it without the new stage.
        Assert.Equal(4, H.OpenTasks(inFlight.Number).Count);
        await H.CompleteAsync(inFlight.Number, ChangeManager, "Approved");
        await H.CompleteAsync(inFlight.Number, Quality, "Approved");
        await H.CompleteAsync(inFlight.Number, Owner, "Approved");
        Assert.Equal(ChangeState.Scheduled, (await H.ChangeAsync(inFlight.Number)).Change.State);
        Assert.Equal(1, (await H.InstanceAsync(inFlight.Number)).DefinitionVersion);

        await H.CompleteAsync(next.Number, ChangeHarness.Security, "Approved");
        Assert.Equal(4, H.OpenTasks(next.Number).Count);
    }
}
