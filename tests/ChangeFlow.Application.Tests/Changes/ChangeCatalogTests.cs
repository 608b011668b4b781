using ChangeFlow.Application.Changes.Catalog;
using ChangeFlow.Application.Common;
using ChangeFlow.Application.Tests.Changes.Support;
using ChangeFlow.Domain.Cab;
using ChangeFlow.Domain.Changes;
using ChangeFlow.Domain.Common;
using ChangeFlow.Domain.Demo;
using static ChangeFlow.Application.Tests.Changes.Support.ChangeHarness;

namespace ChangeFlow.Application.Tests.Changes;

/// <summary>The catalogue: typed documents validated with paths, idempotent defaults, the routing table.</summary>
public sealed class ChangeCatalogTests : ChangeTestBase
{
    [Fact]
    public async Task SeedDefaults_AddsTheSeedBoardAndItems_Once()
    {
        Assert.Equal(0, await H.Catalog.SeedDefaultsAsync("again", Ct));

        var board = await H.Catalog.FindBoardAsync("cab-main", Ct);
        Assert.NotNull(board);
        Assert.Equal(QuorumPolicy.Majority, board.Quorum);
        Assert.Equal(Wat(5, 13, 10), board.NextMeetingBefore(DemoData.Rfc2026014().Window!.Start, Wat(5, 3, 9)));
        var registry = await H.Catalog.GetRegistryAsync(Ct);
        Assert.True(registry.HasConfigurationItem("lims-prod-01"));
        Assert.True(registry.HasConfigurationItem("lims-db-01"));
        Assert.Contains(await H.Catalog.ListBlackoutsAsync(Ct), b => b.Name == "Monday 07:30 lab opening");
        Assert.NotNull(await H.Catalog.FindTemplateAsync("antivirus-update", Ct));
        Assert.NotNull(await H.Catalog.FindTemplateAsync("account-creation", Ct));
    }

    [Fact]
    public async Task Put_ReportsEveryProblemWithItsPath_AndStoresNothing()
    {
        const string board = """
            {"id":"cab-x","name":"","members":[{"userId":"a","role":"Chair"},{"userId":"a","role":"Janitor"}],
             "meeting":{"day":"Someday","localTime":"25:00","timeZoneId":"Mars/Olympus","duration":"soon"},
             "quorum":{"policy":"NOfM","required":5}}
            """;

        var result = await H.Catalog.PutAsync(ReferenceKinds.CabBoard, "cab-x", board, null, "test", Ct);

        Assert.Equal(CommandStatus.Invalid, result.Status);
        var paths = result.Errors.Select(e => e.Path).ToHashSet();
        Assert.Superset(new HashSet<string> { "name", "members[1].userId", "members[1].role", "meeting.day", "meeting.localTime", "meeting.timeZoneId", "meeting.duration" }, paths);
        Assert.Null(await H.Catalog.FindBoardAsync("cab-x", Ct));

        var broken = await H.Catalog.PutAsync(ReferenceKinds.Routing, ChangeCatalog.RoutingId, """{"rules":[{"id":"r","types":["Urgent"],"workflow":""}],"defaults":{"Normal":{"workflow":"normal-change"}}}""", 1, "test", Ct);
        Assert.Equal(CommandStatus.Invalid, broken.Status);
        Assert.Contains(broken.Errors, e => e.Path == "rules[0].types[0]");
        Assert.Contains(broken.Errors, e => e.Path == "rules[0].workflow");

        var notJson = await H.Catalog.PutAsync(ReferenceKinds.Service, "x", """{"name": 12""", null, "test", Ct);
        Assert.Equal(CommandStatus.Invalid, notJson.Status);
    }

    [Fact]
    public async Task Route_TakesTheFirstMatchingRule_ThenTheTypeDefault()
    {
        var table = """
            {"rules":[
               {"id":"high-risk-lims","types":["Normal"],"minRiskLevel":"High","serviceIds":["lims"],"workflow":"normal-change-high","cabBoard":"ecab"},
               {"id":"any-lims","serviceIds":["lims"],"workflow":"normal-change"}],
             "defaults":{"Standard":{"workflow":"standard-change"},"Normal":{"workflow":"normal-change","cabBoard":"cab-main"},"Emergency":{"workflow":"emergency-change"}}}
            """;
        var stored = await H.Catalog.FindBoardAsync("cab-main", Ct);
        Assert.NotNull(stored);
        Assert.True((await H.Catalog.PutAsync(ReferenceKinds.Routing, ChangeCatalog.RoutingId, table, 1, ChangeManager, Ct)).IsOk);

        var high = await H.Catalog.RouteAsync(DemoData.Rfc2026014(), Ct);
        Assert.Equal(new RouteDecision("normal-change-high", "ecab", "high-risk-lims"), high);

        var medium = await H.Catalog.RouteAsync(Dossiers.Full(ChangeType.Normal, Wat(5, 20, 22), ["lims-prod-01"]), Ct);
        Assert.Equal(new RouteDecision("normal-change", "cab-main", "any-lims"), medium);

        var standard = await H.Catalog.RouteAsync(Dossiers.Standard(Wat(5, 20, 22), ["workstations"]), Ct);
        Assert.Equal(new RouteDecision("standard-change", null, null), standard);
    }

    [Fact]
    public void Validate_AcceptsTheShippedDefaults()
    {
        foreach (var (kind, id, document) in CatalogDefaults.Documents())
        {
            var json = System.Text.Json.JsonSerializer.Serialize(document, document.GetType(), CatalogParser.JsonOptions);
            Assert.Empty(CatalogParser.Validate(kind, id, json));
        }

        Assert.Equal(ErrorCodes.Unknown, Assert.Single(CatalogParser.Validate("nonsense", "x", "{}")).Code);
    }
}
