using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using ChangeFlow.Application.Security;
using ChangeFlow.Web.Tests.Support;

namespace ChangeFlow.Web.Tests.Incidents;

/// <summary>
/// The incident configuration API: defaults, edits with If-Match, validation errors with field paths, references
/// between documents, and who may write. Each test uses documents of its own or puts back what it changed.
/// </summary>
public sealed class IncidentConfigApiTests(IncidentApiFixture fixture) : IClassFixture<IncidentApiFixture>
{
    private HttpClient Admin => fixture.Server.Admin;

    private static StringContent Json(JsonNode body) => IncidentApiDriver.Json(body);

    private async Task<HttpResponseMessage> PutAsync(string path, JsonNode document, EntityTagHeaderValue? ifMatch = null, HttpClient? client = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, path) { Content = Json(document) };
        if (ifMatch is not null)
        {
            request.Headers.IfMatch.Add(ifMatch);
        }

        return await (client ?? Admin).SendAsync(request);
    }

    [Fact]
    public async Task Defaults_HoldTheSeedsMatrix_TheWatCalendar_AndTheDefaultPolicy()
    {
        var all = (await HttpAssert.StatusAsync(HttpStatusCode.OK, await Admin.GetAsync("api/incident-config")))!;

        var rows = all["priority-matrix"]!["document"]!["rows"]!;
        Assert.Equal("P1", rows["High"]!["High"]!.GetValue<string>());
        Assert.Equal("P4", rows["Trivial"]!["High"]!.GetValue<string>());
        var calendar = Assert.Single(all["calendars"]!.AsArray())!["document"]!;
        Assert.Equal(("wat-office", "Africa/Lagos"), (calendar["id"]!.GetValue<string>(), calendar["timeZoneId"]!.GetValue<string>()));
        Assert.Contains(calendar["holidays"]!.AsArray(), h => h!["name"]!.GetValue<string>() == "Workers' Day");
        var policy = Assert.Single(all["escalation-policies"]!.AsArray())!["document"]!;
        Assert.Equal(["next-tier", "team-manager", "head-of-it"], policy["levels"]!.AsArray().Select(l => l!["id"]!.GetValue<string>()));
        Assert.Equal([0.5, 0.75], all["settings"]!["document"]!["warningFractions"]!.AsArray().Select(f => f!.GetValue<double>()));
        Assert.Equal(5, all["services"]!.AsArray().Count);
    }

    [Fact]
    public async Task PriorityMatrix_Edits_NeedTheVersionRead_AndEveryCell()
    {
        using var read = await Admin.GetAsync("api/incident-config/priority-matrix");
        var matrix = (await HttpAssert.StatusAsync(HttpStatusCode.OK, read))!["document"]!.AsObject();
        var incomplete = matrix.DeepClone().AsObject();
        incomplete["rows"]!.AsObject().Remove("Low");
        incomplete["rows"]!["High"]!["Medium"] = "P7";

        var invalid = await HttpAssert.FieldErrorAsync(await PutAsync("api/incident-config/priority-matrix", incomplete, read.Headers.ETag), "rows.High.Medium", "invalid");
        Assert.NotNull(invalid["errors"]!["rows.Low.High"]);

        var stale = await PutAsync("api/incident-config/priority-matrix", matrix, new EntityTagHeaderValue("\"99\""));
        await HttpAssert.StatusAsync(HttpStatusCode.Conflict, stale);
        var saved = await PutAsync("api/incident-config/priority-matrix", matrix, read.Headers.ETag);
        await HttpAssert.StatusAsync(HttpStatusCode.OK, saved);
        Assert.NotEqual(read.Headers.ETag!.Tag, saved.Headers.ETag!.Tag);
    }

    [Fact]
    public async Task Calendar_IsValidatedWithPaths_AndAServiceMayOnlyNameCalendarsThatExist()
    {
        var bad = new JsonObject
        {
            ["id"] = "kinshasa-lab",
            ["name"] = "Lab hours",
            ["timeZoneId"] = "Africa/Atlantis",
            ["week"] = new JsonObject { ["monday"] = new JsonArray(new JsonObject { ["start"] = "17:00", ["end"] = "08:00" }), ["funday"] = new JsonArray() },
            ["holidays"] = new JsonArray(new JsonObject { ["date"] = "30/06/2026", ["name"] = "Independence Day" }),
            ["colour"] = "blue",
        };
        var unknownMember = await HttpAssert.FieldErrorAsync(await PutAsync("api/incident-config/calendars/kinshasa-lab", bad), "colour", "unknown");
        Assert.NotNull(unknownMember);
        bad.Remove("colour");
        var problem = await HttpAssert.FieldErrorAsync(await PutAsync("api/incident-config/calendars/kinshasa-lab", bad), "timeZoneId", "unknown");
        Assert.NotNull(problem["errors"]!["week.funday"]);
        Assert.NotNull(problem["errors"]!["holidays[0].date"]);

        var service = new JsonObject
        {
            ["id"] = "lab-printers",
            ["name"] = "Lab label printers",
            ["responsibleTeam"] = new JsonObject { ["name"] = "IT Support technician", ["group"] = "it-support" },
            ["calendarId"] = "kinshasa-lab",
            ["incidentTargets"] = new JsonObject { ["default"] = new JsonObject { ["response"] = new JsonObject { ["within"] = "PT4H" }, ["resolution"] = new JsonObject { ["businessDays"] = 0 } } },
        };
        await HttpAssert.FieldErrorAsync(await PutAsync("api/incident-config/services/lab-printers", service), "incidentTargets.default.resolution.businessDays", "out_of_range");
        service["incidentTargets"]!["default"]!["resolution"] = new JsonObject { ["businessDays"] = 2 };
        await HttpAssert.FieldErrorAsync(await PutAsync("api/incident-config/services/lab-printers", service), "calendarId", "unknown");

        bad["timeZoneId"] = "Africa/Kinshasa";
        bad["week"] = new JsonObject { ["monday"] = new JsonArray(new JsonObject { ["start"] = "07:30", ["end"] = "16:00" }) };
        bad["holidays"] = new JsonArray(new JsonObject { ["date"] = "2026-06-30", ["name"] = "Independence Day", ["everyYear"] = true });
        await HttpAssert.StatusAsync(HttpStatusCode.OK, await PutAsync("api/incident-config/calendars/kinshasa-lab", bad));
        await HttpAssert.StatusAsync(HttpStatusCode.Conflict, await PutAsync("api/incident-config/calendars/kinshasa-lab", bad));
        await HttpAssert.StatusAsync(HttpStatusCode.OK, await PutAsync("api/incident-config/services/lab-printers", service));

        await HttpAssert.StatusAsync(HttpStatusCode.Conflict, await Admin.DeleteAsync("api/incident-config/calendars/kinshasa-lab"));
        await HttpAssert.StatusAsync(HttpStatusCode.NoContent, await Admin.DeleteAsync("api/incident-config/services/lab-printers"));
        await HttpAssert.StatusAsync(HttpStatusCode.NoContent, await Admin.DeleteAsync("api/incident-config/calendars/kinshasa-lab"));
    }

    [Fact]
    public async Task Settings_RefuseNonHoldPausingStatesAndBadFractions_AndOnlyAdminsWrite()
    {
        using var read = await Admin.GetAsync("api/incident-config/settings");
        var settings = (await HttpAssert.StatusAsync(HttpStatusCode.OK, read))!["document"]!.AsObject();
        var bad = settings.DeepClone().AsObject();
        bad["clockPausingStates"] = new JsonArray("Diagnosis");
        bad["warningFractions"] = new JsonArray(0.75, 0.5);
        bad["headOfIt"] = new JsonArray("team-manager");

        var problem = await HttpAssert.FieldErrorAsync(await PutAsync("api/incident-config/settings", bad, read.Headers.ETag), "clockPausingStates[0]", "not_allowed");
        Assert.NotNull(problem["errors"]!["warningFractions[1]"]);
        Assert.NotNull(problem["errors"]!["headOfIt[0]"]);

        var manager = await fixture.Server.CreateClientAsync(Roles.ServiceDeskAgent);
        await HttpAssert.StatusAsync(HttpStatusCode.Forbidden, await PutAsync("api/incident-config/settings", settings, read.Headers.ETag, manager));
        await HttpAssert.StatusAsync(HttpStatusCode.OK, await manager.GetAsync("api/incident-config/settings"));
    }
}
