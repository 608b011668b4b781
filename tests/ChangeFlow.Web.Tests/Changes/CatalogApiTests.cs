using System.Net;
using System.Text.Json.Nodes;
using ChangeFlow.Application.Security;
using ChangeFlow.Web.Tests.Support;

namespace ChangeFlow.Web.Tests.Changes;

/// <summary>A change manager and a requestor on a server with the shipped workflows and default catalogue.</summary>
public sealed class CatalogApiFixture : ChangeApiFixture
{
    public TestUser Manager { get; private set; } = null!;

    public TestUser Requestor { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Manager = await Server.CreateUserAsync(Roles.ChangeManager);
        Requestor = await Server.CreateUserAsync(Roles.Requestor);
    }
}

/// <summary>
/// The catalogue API on the real host: every kind listed and read with its version, writes guarded by If-Match (a
/// stale version is 409), invalid documents refused with their paths, the routing table steering the next submission,
/// and a CAB board's agenda.
/// </summary>
public sealed class CatalogApiTests(CatalogApiFixture fixture) : IClassFixture<CatalogApiFixture>
{
    private HttpClient Manager => fixture.Manager.Client;

    [Theory]
    [InlineData("cab-boards", "cab-main")]
    [InlineData("standard-templates", "antivirus-update")]
    [InlineData("configuration-items", "lims-prod-01")]
    [InlineData("services", "lims")]
    [InlineData("blackouts", "lab-opening")]
    public async Task ListAndGet_ReturnTheDefaultEntries_WithTheirVersionAsETag(string kind, string id)
    {
        using var listed = await fixture.Requestor.Client.GetAsync($"api/catalog/{kind}");
        var list = (await HttpAssert.StatusAsync(HttpStatusCode.OK, listed))!.AsArray();
        Assert.Contains(list, e => e!["id"]!.GetValue<string>() == id);

        using var got = await fixture.Requestor.Client.GetAsync($"api/catalog/{kind}/{id}");
        var entry = (await HttpAssert.StatusAsync(HttpStatusCode.OK, got))!;
        Assert.Equal(id, entry["document"]!["id"]!.GetValue<string>());
        Assert.Equal($"\"{entry["version"]!.GetValue<long>()}\"", got.Headers.ETag?.Tag);
    }

    [Fact]
    public async Task PutAndDelete_FollowTheVersion_AndAStaleIfMatchIsAConflict()
    {
        using var created = await Manager.PutAsync("api/catalog/services/qa-lab", ChangeApi.Json(new { id = "qa-lab", name = "QA laboratory" }));
        await HttpAssert.StatusAsync(HttpStatusCode.OK, created);
        Assert.Equal("\"1\"", created.Headers.ETag?.Tag);

        using var again = await Manager.PutAsync("api/catalog/services/qa-lab", ChangeApi.Json(new { id = "qa-lab", name = "Created twice" }));
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);

        using var replaced = await SendAsync(HttpMethod.Put, "api/catalog/services/qa-lab", new { id = "qa-lab", name = "QA laboratory (renamed)" }, ifMatch: "\"1\"");
        Assert.Equal("QA laboratory (renamed)", (await HttpAssert.StatusAsync(HttpStatusCode.OK, replaced))!["document"]!["name"]!.GetValue<string>());
        Assert.Equal("\"2\"", replaced.Headers.ETag?.Tag);

        using var stale = await SendAsync(HttpMethod.Put, "api/catalog/services/qa-lab", new { id = "qa-lab", name = "Lost update" }, ifMatch: "\"1\"");
        var problem = (await HttpAssert.StatusAsync(HttpStatusCode.Conflict, stale))!;
        Assert.Equal("application/problem+json", stale.Content.Headers.ContentType?.MediaType);
        Assert.Equal(409, problem["status"]!.GetValue<int>());

        using var garbage = await SendAsync(HttpMethod.Put, "api/catalog/services/qa-lab", new { id = "qa-lab", name = "x" }, ifMatch: "\"two\"");
        await HttpAssert.FieldErrorAsync(garbage, "If-Match", "invalid");

        using var read = await Manager.GetAsync("api/catalog/services/qa-lab");
        Assert.Equal("QA laboratory (renamed)", (await HttpAssert.StatusAsync(HttpStatusCode.OK, read))!["document"]!["name"]!.GetValue<string>());

        using var deleted = await Manager.DeleteAsync("api/catalog/services/qa-lab");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        using var gone = await Manager.GetAsync("api/catalog/services/qa-lab");
        await HttpAssert.StatusAsync(HttpStatusCode.NotFound, gone);
        using var deletedAgain = await Manager.DeleteAsync("api/catalog/services/qa-lab");
        await HttpAssert.StatusAsync(HttpStatusCode.NotFound, deletedAgain);
    }

    [Fact]
    public async Task Put_NamesEveryFieldAtFault_WhenACabBoardIsInvalid()
    {
        var board = new JsonObject
        {
            ["id"] = "cab-bad",
            ["name"] = "Badly configured CAB",
            ["members"] = new JsonArray(
                new JsonObject { ["userId"] = "someone", ["role"] = "Chair" },
                new JsonObject { ["userId"] = "someone", ["role"] = "Wizard" }),
            ["meeting"] = new JsonObject { ["day"] = "Funday", ["localTime"] = "10:00", ["timeZoneId"] = "Mars/Olympus", ["duration"] = "PT1H" },
            ["quorum"] = new JsonObject { ["policy"] = "Unanimous-ish" },
        };

        using var response = await Manager.PutAsync("api/catalog/cab-boards/cab-bad", ChangeApi.Json(board));

        await HttpAssert.FieldErrorAsync(response, "quorum.policy", "invalid");
        await HttpAssert.FieldErrorAsync(response, "members[1].userId", "duplicate");
        await HttpAssert.FieldErrorAsync(response, "members[1].role", "invalid");
        await HttpAssert.FieldErrorAsync(response, "meeting.day", "invalid");
        Assert.Contains("meeting.timeZoneId", (await HttpAssert.StatusAsync(HttpStatusCode.BadRequest, response))!["errors"]!.AsObject().Select(e => e.Key));
        using var missing = await Manager.GetAsync("api/catalog/cab-boards/cab-bad");
        await HttpAssert.StatusAsync(HttpStatusCode.NotFound, missing);

        board["quorum"] = new JsonObject { ["policy"] = "Majority" };
        board["quorom"] = new JsonObject { ["policy"] = "All" };
        using var misspelt = await Manager.PutAsync("api/catalog/cab-boards/cab-bad", ChangeApi.Json(board));
        await HttpAssert.FieldErrorAsync(misspelt, "quorom", "unknown");

        using var wrongId = await Manager.PutAsync("api/catalog/services/one-id", ChangeApi.Json(new { id = "another-id", name = "Mismatch" }));
        await HttpAssert.FieldErrorAsync(wrongId, "id", "invalid");
    }

    [Fact]
    public async Task Put_IsRefused_ForAnyoneButChangeManagement()
    {
        using var response = await fixture.Requestor.Client.PutAsync("api/catalog/services/sneaky", ChangeApi.Json(new { id = "sneaky", name = "Sneaky" }));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        using var routing = await fixture.Requestor.Client.PutAsync("api/routing", ChangeApi.Json(new JsonObject()));
        Assert.Equal(HttpStatusCode.Forbidden, routing.StatusCode);
    }

    [Fact]
    public async Task RoutingEdit_SendsTheNextSubmissionToTheNewWorkflow_AndAStaleEditIsAConflict()
    {
        using var current = await Manager.GetAsync("api/routing");
        var table = (await HttpAssert.StatusAsync(HttpStatusCode.OK, current))!["document"]!.AsObject();
        var etag = current.Headers.ETag!.Tag;

        // Significant normal changes to the LIMS now take the emergency CAB's fast track.
        var edited = table.DeepClone().AsObject();
        edited["rules"]!.AsArray().Insert(0, new JsonObject
        {
            ["id"] = "lims-significant-fast-track",
            ["types"] = new JsonArray("Normal"),
            ["categories"] = new JsonArray("Significant"),
            ["serviceIds"] = new JsonArray("lims"),
            ["workflow"] = "emergency-change",
            ["cabBoard"] = "ecab",
        });
        using var saved = await SendAsync(HttpMethod.Put, "api/routing", edited, ifMatch: etag);
        await HttpAssert.StatusAsync(HttpStatusCode.OK, saved);
        using var stale = await SendAsync(HttpMethod.Put, "api/routing", table, ifMatch: etag);
        await HttpAssert.StatusAsync(HttpStatusCode.Conflict, stale);

        try
        {
            var significant = ChangeApi.Rfc2026014(fixture.Requestor.Id, TimeSpan.FromDays(14));
            significant["category"] = "Significant";
            var routed = await ChangeApi.CreateAsync(fixture.Requestor.Client, significant, submit: true);
            Assert.Equal("emergency-change", routed["workflowDefinitionId"]!.GetValue<string>());
            Assert.Equal("ecab", routed["cabBoardId"]!.GetValue<string>());
            using var timeline = await fixture.Requestor.Client.GetAsync($"api/changes/{ChangeApi.NumberOf(routed)}/timeline");
            Assert.Contains(
                (await HttpAssert.StatusAsync(HttpStatusCode.OK, timeline))!.AsArray(),
                e => e!["action"]!.GetValue<string>() == "change.submitted" && e["summary"]!.GetValue<string>().Contains("lims-significant-fast-track", StringComparison.Ordinal));

            // A major one still follows the earlier rule to the main CAB.
            var major = await ChangeApi.CreateAsync(fixture.Requestor.Client, ChangeApi.Rfc2026014(fixture.Requestor.Id, TimeSpan.FromDays(14)), submit: true);
            Assert.Equal("normal-change", major["workflowDefinitionId"]!.GetValue<string>());
            Assert.Equal("cab-main", major["cabBoardId"]!.GetValue<string>());
        }
        finally
        {
            using var now = await Manager.GetAsync("api/routing");
            using var restored = await SendAsync(HttpMethod.Put, "api/routing", table, ifMatch: now.Headers.ETag!.Tag);
            await HttpAssert.StatusAsync(HttpStatusCode.OK, restored);
        }
    }

    [Fact]
    public async Task Put_RefusesARoutingTable_WithoutADefaultPerType()
    {
        using var current = await Manager.GetAsync("api/routing");
        var table = (await HttpAssert.StatusAsync(HttpStatusCode.OK, current))!["document"]!.DeepClone().AsObject();
        table["defaults"]!.AsObject().Remove("Emergency");
        table["rules"]![0]!["types"] = new JsonArray("Normal", "Sideways");

        using var response = await SendAsync(HttpMethod.Put, "api/routing", table, ifMatch: current.Headers.ETag!.Tag);

        await HttpAssert.FieldErrorAsync(response, "defaults.Emergency", "required");
        await HttpAssert.FieldErrorAsync(response, "rules[0].types[1]", "invalid");
    }

    [Fact]
    public async Task Put_RefusesARoutingTable_ThatNamesAnUnknownWorkflowOrBoard()
    {
        using var current = await Manager.GetAsync("api/routing");
        var table = (await HttpAssert.StatusAsync(HttpStatusCode.OK, current))!["document"]!.DeepClone().AsObject();
        table["rules"]!.AsArray().Insert(0, new JsonObject
        {
            ["id"] = "typo",
            ["types"] = new JsonArray("Normal"),
            ["workflow"] = "normal-chnage",
            ["cabBoard"] = "cab-mian",
        });

        using var response = await SendAsync(HttpMethod.Put, "api/routing", table, ifMatch: current.Headers.ETag!.Tag);

        await HttpAssert.FieldErrorAsync(response, "rules[0].workflow", "unknown");
        await HttpAssert.FieldErrorAsync(response, "rules[0].cabBoard", "unknown");
        using var after = await Manager.GetAsync("api/routing");
        Assert.Equal(current.Headers.ETag!.Tag, after.Headers.ETag!.Tag);
    }

    [Fact]
    public async Task Agenda_ListsASubmittedNormalChange_OnTheMeetingItWasBookedFor()
    {
        var submitted = await ChangeApi.CreateAsync(fixture.Requestor.Client, ChangeApi.Rfc2026014(fixture.Requestor.Id), submit: true);
        var number = ChangeApi.NumberOf(submitted);
        var meetingAt = submitted["cabMeetingAt"]!.GetValue<DateTimeOffset>();

        // The seed's CAB meets on Wednesdays at 10:00 WAT: RFC-2026-014 is reviewed on 13 May.
        Assert.Equal(new DateTimeOffset(2026, 5, 13, 9, 0, 0, TimeSpan.Zero), meetingAt);
        using var agenda = await fixture.Requestor.Client.GetAsync("api/cab-boards/cab-main/agenda");
        var body = (await HttpAssert.StatusAsync(HttpStatusCode.OK, agenda))!;
        Assert.Equal("cab-main", body["board"]!.GetValue<string>());
        var meeting = Assert.Single(body["meetings"]!.AsArray(), m => m!["meetingAt"]!.GetValue<DateTimeOffset>() == meetingAt)!;
        var entry = Assert.Single(meeting["changes"]!.AsArray(), c => c!["number"]!.GetValue<string>() == number)!;
        Assert.Equal("High", entry["overallRisk"]!.GetValue<string>());
        Assert.Contains("lims-prod-01", entry["configurationItems"]!.AsArray().Select(c => c!.GetValue<string>()));

        using var one = await fixture.Requestor.Client.GetAsync($"api/cab-boards/cab-main/agenda?meetingAt={Uri.EscapeDataString(meetingAt.ToString("O"))}");
        Assert.Single((await HttpAssert.StatusAsync(HttpStatusCode.OK, one))!["meetings"]!.AsArray());
        using var none = await fixture.Requestor.Client.GetAsync("api/cab-boards/cab-main/agenda?meetingAt=2026-05-20T09:00:00Z");
        Assert.Empty((await HttpAssert.StatusAsync(HttpStatusCode.OK, none))!["meetings"]!.AsArray());
        using var garbage = await fixture.Requestor.Client.GetAsync("api/cab-boards/cab-main/agenda?meetingAt=wednesday");
        await HttpAssert.FieldErrorAsync(garbage, "meetingAt", "invalid");
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string url, object body, string? ifMatch)
    {
        using var request = new HttpRequestMessage(method, url) { Content = body is JsonNode node ? ChangeApi.Json(node) : ChangeApi.Json(body) };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return await Manager.SendAsync(request);
    }
}
