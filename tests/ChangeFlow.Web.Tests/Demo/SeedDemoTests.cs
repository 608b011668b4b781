using System.Globalization;
using System.Net;
using ChangeFlow.Application.Changes;
using ChangeFlow.Application.Notifications;
using ChangeFlow.Domain.Changes;
using ChangeFlow.Domain.Demo;
using ChangeFlow.Testing;
using ChangeFlow.Web.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace ChangeFlow.Web.Tests.Demo;

/// <summary><c>--seed-demo</c> (ChangeFlow:SeedDemo) loads the seed's RFC-2026-014 case so a newcomer sees a real change.</summary>
public sealed class SeedDemoTests
{
    [Fact]
    public async Task SeedDemo_SubmitsTheRfc2026014Dossier_WithItsPeopleAsUsers_AndItsLocalTimesKept()
    {
        // The fake clock starts on 2026-05-03 08:00Z, the seed's submission day, so the case keeps its own dates.
        await using var server = await ChangeFlowServer.StartAsync(new ChangeFlowServerOptions { WorkflowsDirectory = RepositoryPaths.Workflows, Settings = { ["ChangeFlow:SeedDemo"] = "true" } });

        var changes = (await HttpAssert.StatusAsync(HttpStatusCode.OK, await server.Admin.GetAsync("api/changes")))!;
        var change = Assert.Single(changes["items"]!.AsArray())!;
        var dossier = change["dossier"]!;
        Assert.Equal("LIMS major version upgrade: v3.8 → v4.0", dossier["title"]!.GetValue<string>());
        Assert.True(dossier["state"]!.GetValue<string>() == "Authorize", string.Join("\n", server.Logs.Lines.Where(l => l.Contains("Demo", StringComparison.Ordinal))));
        Assert.Equal("2026-05-23T22:00:00+01:00", dossier["window"]!["start"]!.GetValue<string>()); // shown in the window's zone
        Assert.Equal("cab-main", change["cabBoardId"]!.GetValue<string>());
        Assert.StartsWith("2026-05-13", change["cabMeetingAt"]!.GetValue<string>(), StringComparison.Ordinal);

        var requestorId = dossier["requestor"]!["id"]!.GetValue<string>();
        var requestor = (await HttpAssert.StatusAsync(HttpStatusCode.OK, await server.Admin.GetAsync($"api/users/{requestorId}")))!;
        Assert.Equal("it-ops-head@demo.changeflow.example", requestor["email"]!.GetValue<string>());
        var board = (await HttpAssert.StatusAsync(HttpStatusCode.OK, await server.Admin.GetAsync("api/catalog/cab-boards/cab-main")))!;
        Assert.All(board["document"]!["members"]!.AsArray(), m => Assert.StartsWith("usr_", m!["userId"]!.GetValue<string>(), StringComparison.Ordinal));
    }

    /// <summary>A Monday evening, and a Saturday, when this week's CAB meeting is too close for the lead time.</summary>
    [Theory]
    [InlineData("2026-12-07T18:00:00Z", "2026-12-16", "2026-12-26")]
    [InlineData("2026-12-12T12:00:00Z", "2026-12-23", "2027-01-02")]
    public async Task SeedDemo_FollowsTheSeedsCalendar_AndItsNoticesReachDemoUsersWithTheReferenceCard(string now, string cabDay, string windowDay)
    {
        await using var server = await ChangeFlowServer.StartAsync(new ChangeFlowServerOptions
        {
            WorkflowsDirectory = RepositoryPaths.Workflows,
            ClockStart = DateTimeOffset.Parse(now, CultureInfo.InvariantCulture),
            Settings = { ["ChangeFlow:SeedDemo"] = "true" },
        });

        // The CAB meets on its Wednesday 10 days before the Saturday 22:00 WAT window, as on 13 May before 23 May.
        var change = Assert.Single((await HttpAssert.StatusAsync(HttpStatusCode.OK, await server.Admin.GetAsync("api/changes")))!["items"]!.AsArray())!;
        Assert.Equal($"{cabDay}T09:00:00Z", change["cabMeetingAt"]!.GetValue<string>()[..20]);
        Assert.Equal($"{windowDay}T22:00:00+01:00", change["dossier"]!["window"]!["start"]!.GetValue<string>());

        // The reference card is in the attachments folder, a real PDF.
        var card = await File.ReadAllBytesAsync(Path.Combine(server.DataDirectory, "attachments", DemoData.QuickReferenceCard));
        Assert.Equal("%PDF-1.4", System.Text.Encoding.ASCII.GetString(card, 0, 8));
        Assert.EndsWith("%%EOF\n", System.Text.Encoding.ASCII.GetString(card), StringComparison.Ordinal);

        // Once scheduled, the plan's notices go to demo users on its lists, the lab managers' with the card attached.
        var record = (await server.Services.GetRequiredService<IChangeStore>().FindAsync(ChangeNumber.Parse(change["number"]!.GetValue<string>()).Value, CancellationToken.None))!;
        var batch = await server.Services.GetRequiredService<NoticeScheduler>().ScheduleAsync(record, server.Time.GetUtcNow(), CancellationToken.None);
        var messages = batch.Writes.OfType<OutboxWrite>().Select(w => w.Message).ToList();
        var addresses = messages.SelectMany(m => m.To).Select(r => r.Address).ToHashSet(StringComparer.Ordinal);
        Assert.Contains("virology-lab-manager@demo.changeflow.example", addresses);
        Assert.Contains("lab-technician@demo.changeflow.example", addresses);
        Assert.Contains("surveillance-analyst@demo.changeflow.example", addresses);
        var withCard = messages.Where(m => m.Attachments.Any(a => a.FileName == DemoData.QuickReferenceCard)).SelectMany(m => m.To).Select(r => r.Address).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(["bacteriology-lab-manager@demo.changeflow.example", "virology-lab-manager@demo.changeflow.example"], withCard.Order(StringComparer.Ordinal));
        Assert.DoesNotContain(batch.Log, l => l.Summary.Contains("no recipients", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task SeedDemo_EmailLinksPointToTheBoundPort_WhenNoPublicBaseUrlIsSet()
    {
        // The fixture listens on port 0: Kestrel picks the port only when it binds, after the database is prepared.
        await using var server = await ChangeFlowServer.StartAsync(new ChangeFlowServerOptions { WorkflowsDirectory = RepositoryPaths.Workflows, Settings = { ["ChangeFlow:SeedDemo"] = "true" } });

        var outbox = await server.Services.GetRequiredService<IOutbox>().ListAsync(new OutboxQuery(), 0, 500, CancellationToken.None);
        var links = outbox.Items
            .SelectMany(e => new[] { e.Message.TextBody, e.Message.HtmlBody })
            .SelectMany(body => System.Text.RegularExpressions.Regex.Matches(body ?? string.Empty, "https?://(?:127\\.0\\.0\\.1|localhost)[^\\s\"'<>)]*").Select(m => m.Value))
            .ToList();
        Assert.Contains(links, l => l.Contains("/mail/approvals/", StringComparison.Ordinal));
        Assert.All(links, l => Assert.StartsWith(server.BaseAddress.AbsoluteUri, l, StringComparison.Ordinal));
        Assert.Equal(server.BaseAddress, server.Services.GetRequiredService<ChangeFlow.Application.Common.IPublicUrls>().BaseUrl);
    }

    [Fact]
    public async Task SeedDemo_DoesNothingTheSecondTime()
    {
        await using var server = await ChangeFlowServer.StartAsync(new ChangeFlowServerOptions { WorkflowsDirectory = RepositoryPaths.Workflows, Settings = { ["ChangeFlow:SeedDemo"] = "true" } });

        await server.RestartAsync();

        var changes = (await HttpAssert.StatusAsync(HttpStatusCode.OK, await server.Admin.GetAsync("api/changes")))!;
        Assert.Single(changes["items"]!.AsArray());
        Assert.Contains(server.Logs.Lines, line => line.Contains("Demo data is already loaded.", StringComparison.Ordinal));
    }
}
