using System.Text.Json.Nodes;
using ChangeFlow.Application.Changes;
using ChangeFlow.Application.Changes.Catalog;
using ChangeFlow.Application.Common;
using ChangeFlow.Application.Notifications;
using ChangeFlow.Application.Security;
using ChangeFlow.Application.Tests.Changes.Support;
using ChangeFlow.Domain.Common;
using ChangeFlow.Testing;
using ChangeFlow.Testing.InMemory;
using Microsoft.Extensions.Time.Testing;

namespace ChangeFlow.Application.Tests.Notifications;

/// <summary>Audience specs resolved to people, each in their own zone and culture, and distribution lists checked when written.</summary>
public sealed class AudienceResolverTests
{
    private readonly InMemoryPorts _ports = new();
    private readonly ChangeCatalog _catalog;
    private readonly AudienceResolver _resolver;

    public AudienceResolverTests()
    {
        _catalog = new ChangeCatalog(_ports.References, new FakeTimeProvider(EngineFixture.StartInstant));
        _resolver = new AudienceResolver(_ports.Users, _catalog, new NoticeOptions());
        _ports.Users
            .Add(new UserInfo("lab-services-director", "director@lims.example.org", "Director of Laboratory Services", [Roles.CabMember], [], true) { TimeZoneId = "Africa/Dakar", Culture = "fr-SN" })
            .Add(new UserInfo("it-ops-head", "it.ops@lims.example.org", "Head of IT Operations", [Roles.Requestor, Roles.Implementer], ["lims-team"], true))
            .Add(new UserInfo("sysadmin", "sysadmin@lims.example.org", "Sysadmin", [Roles.Implementer], ["network"], true))
            .Add(new UserInfo("retired", "retired@lims.example.org", "Retired", [Roles.Implementer], ["lims-team"], false));
    }

    private static CancellationToken Ct => CancellationToken.None;

    [Fact]
    public async Task Resolve_GivesEachPersonOnce_InTheirOwnZoneAndCulture_ElseTheListsElseTheWindowsZone()
    {
        await _catalog.SeedDefaultsAsync("test", Ct);
        await PutListAsync("lab-managers", new JsonObject
        {
            ["id"] = "lab-managers",
            ["name"] = "Lab managers",
            ["timeZoneId"] = "Africa/Kinshasa",
            ["culture"] = "fr-FR",
            ["members"] = new JsonArray(
                new JsonObject { ["email"] = "virology.manager@lims.example.org", ["name"] = "Head of Virology" },
                new JsonObject { ["email"] = "Paris.Researcher@lims.example.org", ["timeZoneId"] = "Europe/Paris", ["culture"] = "en-GB" },
                new JsonObject { ["userId"] = "lab-services-director" },
                new JsonObject { ["userId"] = "retired" }),
        });
        var record = new ChangeRecord { Change = ChangeHarness.SeedDossier(), CreatedBy = "it-ops-head" };

        var resolved = await _resolver.ResolveAsync(
            ["list:lab-managers", "requestor", "application-owner", "email:paris.researcher@lims.example.org", "implementers:lims-team", "list:nobody"], record, [], Ct);

        Assert.Equal(
            [
                ("virology.manager@lims.example.org", "Africa/Kinshasa", "fr-FR"),
                ("Paris.Researcher@lims.example.org", "Europe/Paris", "en-GB"),
                ("director@lims.example.org", "Africa/Dakar", "fr-SN"),
                ("it.ops@lims.example.org", "Africa/Lagos", "en-GB"),
            ],
            resolved.Recipients.Select(r => (r.Address, r.TimeZoneId, r.Culture)));
        Assert.Contains(resolved.Problems, p => p.Contains("retired@lims.example.org is deactivated", StringComparison.Ordinal));
        Assert.Contains(resolved.Problems, p => p.StartsWith("list:nobody: no distribution list 'nobody'", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("service:lims", AudienceKind.Service, "lims")]
    [InlineData("LIST:lab-managers", AudienceKind.List, "lab-managers")]
    [InlineData("role:cabmember", AudienceKind.Role, "CabMember")]
    [InlineData("board", AudienceKind.Board, null)]
    [InlineData(" stakeholders ", AudienceKind.Stakeholders, null)]
    public void Parse_ReadsTheSpecs(string text, AudienceKind kind, string? value)
    {
        var parsed = AudienceSpec.Parse(text, "recipients[0]");

        Assert.True(parsed.IsSuccess);
        Assert.Equal(new AudienceSpec(kind, value), parsed.Value);
    }

    [Theory]
    [InlineData("pager:42", ErrorCodes.Invalid)]
    [InlineData("list:", ErrorCodes.Invalid)]
    [InlineData("requestor:me", ErrorCodes.Invalid)]
    [InlineData("email:not-an-address", ErrorCodes.Invalid)]
    [InlineData("role:Wizard", ErrorCodes.Unknown)]
    public void Parse_RefusesWhatIsNotASpec_AtItsPath(string text, string code)
    {
        var parsed = AudienceSpec.Parse(text, "communicationPlan[0].recipients[1]");

        var error = Assert.Single(parsed.Errors);
        Assert.Equal(("communicationPlan[0].recipients[1]", code), (error.Path, error.Code));
    }

    [Fact]
    public async Task DistributionList_IsCheckedWhenWritten_EveryProblemWithItsPath()
    {
        var result = await _catalog.PutAsync(ReferenceKinds.DistributionList, "lab-managers", new JsonObject
        {
            ["id"] = "lab-managers",
            ["name"] = " ",
            ["timeZoneId"] = "Mars/Olympus",
            ["culture"] = "klingon",
            ["members"] = new JsonArray(
                new JsonObject { ["email"] = "a@lims.example.org", ["userId"] = "it-ops-head" },
                new JsonObject { ["email"] = "not an address" },
                new JsonObject { ["userId"] = "it-ops-head", ["timeZoneId"] = "Africa/Lagos" },
                new JsonObject { ["email"] = "b@lims.example.org", ["culture"] = "xx-YY" },
                new JsonObject { ["email"] = "B@lims.example.org" },
                new JsonObject { ["phone"] = "+221" }),
        }.ToJsonString(), null, "test", Ct);

        Assert.Equal(CommandStatus.Invalid, result.Status);
        Assert.Contains(result.Errors, e => e.Path == "members[5].phone");
        var member = await _catalog.PutAsync(ReferenceKinds.DistributionList, "lab-managers", new JsonObject
        {
            ["id"] = "lab-managers",
            ["name"] = " ",
            ["timeZoneId"] = "Mars/Olympus",
            ["culture"] = "klingon",
            ["members"] = new JsonArray(
                new JsonObject { ["email"] = "a@lims.example.org", ["userId"] = "it-ops-head" },
                new JsonObject { ["email"] = "not an address" },
                new JsonObject { ["userId"] = "it-ops-head", ["timeZoneId"] = "Africa/Lagos" },
                new JsonObject { ["email"] = "b@lims.example.org", ["culture"] = "xx-YY" },
                new JsonObject { ["email"] = "B@lims.example.org" }),
        }.ToJsonString(), null, "test", Ct);
        Assert.Equal(
            ["culture", "members[0]", "members[1].email", "members[2]", "members[3].culture", "members[4]", "name", "timeZoneId"],
            member.Errors.Select(e => e.Path).Order(StringComparer.Ordinal));
    }

    private async Task PutListAsync(string id, JsonObject document)
    {
        var current = await _ports.References.FindAsync(ReferenceKinds.DistributionList, id, Ct);
        var result = await _catalog.PutAsync(ReferenceKinds.DistributionList, id, document.ToJsonString(), current?.Version, "test", Ct);
        Assert.True(result.IsOk, result.Message);
    }
}
