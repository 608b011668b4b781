using System.Net;
using System.Text.Json.Nodes;
using ChangeFlow.Application.Changes;
using ChangeFlow.Application.Notifications;
using ChangeFlow.Domain.Demo;
using ChangeFlow.Testing;
using ChangeFlow.Web.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static ChangeFlow.Web.Tests.Changes.ChangeApiDriver;

namespace ChangeFlow.Web.Tests.Changes;

/// <summary>
/// What stakeholders are told, through the REST API of the real service: RFC-2026-014 scheduled by its CAB queues the
/// seed's notices; moving its window or editing its communication plan reschedules the ones not sent yet; the
/// template list and preview show what would be sent.
/// </summary>
public sealed class NoticesApiTests : IAsyncLifetime
{
    private ChangeFlowServer _server = null!;
    private ChangeApiDriver _api = null!;

    public async Task InitializeAsync()
    {
        _server = await ChangeFlowServer.StartAsync(new ChangeFlowServerOptions
        {
            WorkflowsDirectory = RepositoryPaths.Workflows,
            Settings = { ["ChangeFlow:PublicBaseUrl"] = "https://changes.example.org" },
        });
        _api = await SetUpAsync(_server);
        foreach (var (id, document) in SeedNotices.Lists())
        {
            using var read = await _api.ChangeManager.Client.GetAsync($"api/catalog/distribution-lists/{id}");
            await HttpAssert.StatusAsync(HttpStatusCode.OK, read);
            using var put = new HttpRequestMessage(HttpMethod.Put, $"api/catalog/distribution-lists/{id}") { Content = Json(document) };
            put.Headers.IfMatch.Add(read.Headers.ETag!);
            await HttpAssert.StatusAsync(HttpStatusCode.OK, await _api.ChangeManager.Client.SendAsync(put));
        }

        var attachments = _server.Services.GetRequiredService<NoticeOptions>().AttachmentsDirectory!;
        Directory.CreateDirectory(attachments);
        await File.WriteAllBytesAsync(Path.Combine(attachments, DemoData.QuickReferenceCard), SeedNotices.QuickReferenceCard);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task ScheduledRfc_QueuesTheSeedsNotices_AndMovingItsWindowReschedulesTheOnesNotSentYet()
    {
        var number = await ScheduledAsync();

        var queued = await NoticesAsync(number);
        Assert.Equal(
            SeedNotices.Scheduled().Select(e => (e.Row, e.Template, e.To, e.NotBefore)).Order(),
            queued.Select(n => (Text(n, "row"), Text(n, "template"), Text(n["to"]![0], "address"), (DateTimeOffset?)Instant(n["notBefore"]))).Order());
        Assert.All(queued, n => Assert.Equal("Pending", Text(n, "status")));

        // A stale state and a backwards window are refused, and change nothing.
        var moved = new JsonObject { ["start"] = "2026-05-30T22:00:00+01:00", ["end"] = "2026-05-31T06:00:00+01:00", ["timeZoneId"] = "Africa/Lagos" };
        await HttpAssert.StatusAsync(HttpStatusCode.Conflict, await MoveAsync(number, "Authorize", moved));
        await HttpAssert.FieldErrorAsync(
            await MoveAsync(number, "Scheduled", new JsonObject { ["start"] = "2026-05-30T22:00:00+01:00", ["end"] = "2026-05-30T21:00:00+01:00", ["timeZoneId"] = "Africa/Lagos" }),
            "window.end",
            "out_of_range");
        Assert.All(await NoticesAsync(number), n => Assert.Equal("Pending", Text(n, "status")));

        var change = (await HttpAssert.StatusAsync(HttpStatusCode.OK, await MoveAsync(number, "Scheduled", moved, "Vendor patch 4.0.1 first")))!;
        Assert.Equal(Wat(5, 30, 22), Instant(change["dossier"]!["window"]!["start"]));
        Assert.Equal(2, change["notices"]!["revision"]!.GetValue<int>());
        Assert.Equal(1, change["notices"]!["sequence"]!.GetValue<int>());

        var after = await NoticesAsync(number);
        Assert.All(after.Where(n => Text(n, "revision") == "1"), n => Assert.Equal("Canceled", Text(n, "status")));
        var week = TimeSpan.FromDays(7);
        Assert.Equal(
            SeedNotices.Scheduled().Select(e => (e.To, e.NotBefore + week)).Order(),
            after.Where(n => Text(n, "status") == "Pending").Select(n => (Text(n["to"]![0], "address"), (DateTimeOffset?)Instant(n["notBefore"]))).Order());
        Assert.All(after.Where(n => Text(n, "status") == "Pending"), n => Assert.Equal("2", Text(n, "revision")));

        // The workflow waits for the new window, not the old one.
        await _server.AdvanceToAsync(Wat(5, 24, 7));
        Assert.Equal("Scheduled", await _api.StateAsync(number));
        Assert.Contains(await _api.TimelineAsync(number), e => Text(e, "action") == "window.moved");
    }

    [Fact]
    public async Task EditingThePlanOfAScheduledRfc_ReschedulesItsPendingNotices_AndABadPlanIsRefusedWithPaths()
    {
        var number = await ScheduledAsync();
        var dossier = (await _api.ChangeAsync(number))["dossier"]!;
        var rows = dossier["communicationPlan"]!.AsArray();
        Assert.Equal(["lims-users", "lab-managers", "surveillance-team", "outcome"], rows.Select(r => Text(r, "id")));

        var bad = new JsonArray(rows[0]!.DeepClone(), rows[1]!.DeepClone());
        bad[0]!["recipients"] = new JsonArray("list:lab-manager");
        bad[1]!["attachments"] = new JsonArray("no-such-card.pdf");
        var refused = await PlanAsync(number, "Scheduled", bad);
        await HttpAssert.FieldErrorAsync(refused, "communicationPlan[0].recipients[0]", "unknown");
        var body = await HttpAssert.FieldErrorAsync(await PlanAsync(number, "Scheduled", bad), "communicationPlan[1].attachments[0]", "unknown");
        Assert.Contains("no-such-card.pdf", body.ToJsonString(), StringComparison.Ordinal);
        await HttpAssert.FieldErrorAsync(await PlanAsync(number, "Scheduled", new JsonArray(new JsonObject { ["audience"] = "Everyone" })), "communicationPlan[0].message", "required");

        // The lab managers are briefed in person instead, and LIMS users are told two days ahead.
        var edited = new JsonArray(rows[0]!.DeepClone(), rows[2]!.DeepClone(), rows[3]!.DeepClone());
        edited[0]!["when"] = new JsonObject { ["kind"] = "RelativeToWindow", ["edge"] = "Start", ["offset"] = "-PT56H" };
        var changed = (await HttpAssert.StatusAsync(HttpStatusCode.OK, await PlanAsync(number, "Scheduled", edited)))!;
        Assert.Equal(3, changed["dossier"]!["communicationPlan"]!.AsArray().Count);

        var notices = await NoticesAsync(number);
        var pending = notices.Where(n => Text(n, "status") == "Pending").ToList();
        Assert.Equal(
            SeedNotices.People.Where(p => p.List != "lab-managers").Select(p => (p.Email, p.List == "surveillance-team" ? SeedNotices.ThursdayBriefing : Wat(5, 21, 14))).Order(),
            pending.Select(n => (Text(n["to"]![0], "address"), Instant(n["notBefore"]))).Order());
        Assert.All(notices.Where(n => Text(n, "row") == "lab-managers"), n => Assert.Equal("Canceled", Text(n, "status")));
        Assert.Contains(await _api.TimelineAsync(number), e => Text(e, "action") == "communication-plan.updated");
    }

    [Fact]
    public async Task Templates_AreListed_AndPreviewedForAStoredChangeOrTheSample_InTheRecipientsZone()
    {
        var templatesDirectory = _server.Services.GetRequiredService<NoticeOptions>().TemplatesDirectory!;
        Directory.CreateDirectory(templatesDirectory);
        await File.WriteAllTextAsync(Path.Combine(templatesDirectory, "change-cancelled.subject.liquid"), "Off: {{ change.number }}");
        await File.WriteAllTextAsync(Path.Combine(templatesDirectory, "rollback-notice.subject.liquid"), "{% if %}");

        var list = (await HttpAssert.StatusAsync(HttpStatusCode.OK, await _api.ChangeManager.Client.GetAsync("api/templates")))!.AsArray();
        Assert.Superset(NoticeTemplates.All.ToHashSet(), list.Select(t => Text(t, "name")).ToHashSet());
        Assert.True(list.Single(t => Text(t, "name") == "change-cancelled")!["overridden"]!.GetValue<bool>());
        Assert.False(list.Single(t => Text(t, "name") == "maintenance-notice")!["overridden"]!.GetValue<bool>());
        var broken = list.Single(t => Text(t, "name") == "rollback-notice")!["parts"]!.AsArray().Single(p => Text(p, "source") == "override")!;
        Assert.Contains("(1:", Text(broken, "problem"), StringComparison.Ordinal);
        await HttpAssert.StatusAsync(HttpStatusCode.Forbidden, await _api.Requestor.Client.GetAsync("api/templates"));

        // The sample: RFC-2026-014 as the seed has it.
        var sample = (await HttpAssert.StatusAsync(HttpStatusCode.OK, await _api.ChangeManager.Client.PostAsync("api/templates/maintenance-notice/preview", Json(new JsonObject()))))!;
        Assert.True(sample["sample"]!.GetValue<bool>());
        Assert.Equal("[RFC-2026-014] Planned maintenance: LIMS major version upgrade: v3.8 → v4.0 — Sat 23 May 22:00", Text(sample, "subject"));
        Assert.Equal("Off: RFC-2026-014", Text((await HttpAssert.StatusAsync(HttpStatusCode.OK, await _api.ChangeManager.Client.PostAsync("api/templates/change-cancelled/preview", Json(new JsonObject()))))!, "subject"));
        Assert.StartsWith("[RFC-2026-014] Rollback under way", Text((await HttpAssert.StatusAsync(HttpStatusCode.OK, await _api.ChangeManager.Client.PostAsync("api/templates/rollback-notice/preview", Json(new JsonObject()))))!, "subject"), StringComparison.Ordinal);

        // A stored change, read by a researcher in Paris.
        var number = await _api.SubmitAsync(_api.Dossier(DemoData.Rfc2026014()));
        var preview = (await HttpAssert.StatusAsync(HttpStatusCode.OK, await _api.ChangeManager.Client.PostAsync(
            "api/templates/maintenance-notice/preview",
            Json(new JsonObject { ["change"] = number, ["recipient"] = new JsonObject { ["email"] = "claire@example.org", ["name"] = "Claire", ["timeZoneId"] = "Europe/Paris", ["culture"] = "fr-FR" } }))))!;
        Assert.Equal(number, Text(preview, "change"));
        Assert.Contains("samedi 23 mai 2026 23:00 → dimanche 24 mai 2026 07:00 (Europe/Paris, UTC+02:00)", Text(preview, "text"), StringComparison.Ordinal);
        Assert.Contains($"https://changes.example.org/changes/{number}", Text(preview, "text"), StringComparison.Ordinal);
        Assert.Equal("Europe/Paris", preview["model"]!["recipient"]!["time_zone"]!.GetValue<string>());

        await HttpAssert.StatusAsync(HttpStatusCode.NotFound, await _api.ChangeManager.Client.PostAsync("api/templates/no-such-template/preview", Json(new JsonObject())));
        await HttpAssert.StatusAsync(HttpStatusCode.NotFound, await _api.ChangeManager.Client.PostAsync("api/templates/maintenance-notice/preview", Json(new JsonObject { ["change"] = "RFC-2026-999" })));
        await HttpAssert.FieldErrorAsync(
            await _api.ChangeManager.Client.PostAsync("api/templates/maintenance-notice/preview", Json(new JsonObject { ["recipient"] = new JsonObject { ["timeZoneId"] = "Mars/Olympus", ["culture"] = "xx" } })),
            "recipient.timeZoneId",
            "unknown");
    }

    [Fact]
    public async Task Users_CarryTheZoneAndCultureTheyReadNoticesIn_CheckedWhenSet()
    {
        var created = (await HttpAssert.StatusAsync(HttpStatusCode.Created, await _server.Admin.PostAsync(
            "api/users",
            Json(new JsonObject { ["email"] = "surveillance.lead@changeflow.test", ["roles"] = new JsonArray("CabMember"), ["timeZoneId"] = "Africa/Dakar", ["culture"] = "fr-SN" }))))!;
        Assert.Equal(("Africa/Dakar", "fr-SN"), (Text(created, "timeZoneId"), Text(created, "culture")));

        var id = Text(created, "id");
        await HttpAssert.FieldErrorAsync(await _server.Admin.PatchAsync($"api/users/{id}", Json(new JsonObject { ["timeZoneId"] = "Africa/Atlantis" })), "timeZoneId", "unknown");
        await HttpAssert.FieldErrorAsync(await _server.Admin.PatchAsync($"api/users/{id}", Json(new JsonObject { ["culture"] = "tlh" })), "culture", "invalid");
        var cleared = (await HttpAssert.StatusAsync(HttpStatusCode.OK, await _server.Admin.PatchAsync($"api/users/{id}", Json(new JsonObject { ["timeZoneId"] = "" }))))!;
        Assert.Null(cleared["timeZoneId"]);
        Assert.Equal("fr-SN", Text(cleared, "culture"));
    }

    /// <summary>RFC-2026-014 submitted on Sunday 2026-05-03 and authorized by the CAB on 2026-05-13.</summary>
    private async Task<string> ScheduledAsync()
    {
        var changes = _server.Services.GetRequiredService<IChangeStore>();
        for (var i = 0; i < 13; i++)
        {
            await changes.AllocateNumberAsync(2026, CancellationToken.None);
        }

        var number = await _api.SubmitAsync(_api.Dossier(DemoData.Rfc2026014()));
        Assert.Empty(await NoticesAsync(number));
        await _server.AdvanceToAsync(Wat(5, 13, 10, 30));
        await CompleteAsync(_api.ChangeManager, number, "Approved");
        await CompleteAsync(_api.Security, number, "Approved");
        await CompleteAsync(_api.Quality, number, "Approved");
        await CompleteAsync(_api.ChangeManager, number, "Approved");
        await CompleteAsync(_api.Owner, number, "Approved");
        Assert.Equal("Scheduled", await _api.StateAsync(number));
        return number;
    }

    private async Task<List<JsonNode>> NoticesAsync(string number) =>
        [.. (await HttpAssert.StatusAsync(HttpStatusCode.OK, await _api.ChangeManager.Client.GetAsync($"api/changes/{number}/notices")))!.AsArray().Select(n => n!)];

    private Task<HttpResponseMessage> MoveAsync(string number, string expectedState, JsonObject window, string? reason = null) =>
        _api.ChangeManager.Client.PutAsync($"api/changes/{number}/window", Json(new JsonObject { ["expectedState"] = expectedState, ["window"] = window.DeepClone(), ["reason"] = reason }));

    private Task<HttpResponseMessage> PlanAsync(string number, string expectedState, JsonArray rows) =>
        _api.ChangeManager.Client.PutAsync($"api/changes/{number}/communication-plan", Json(new JsonObject { ["expectedState"] = expectedState, ["communicationPlan"] = rows.DeepClone() }));

    private static string Text(JsonNode? node, string name) => node![name]!.GetValue<string>();
}
