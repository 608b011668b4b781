using System.Net;
using ChangeFlow.Web.Tests.Support;
using static ChangeFlow.Web.Tests.Incidents.IncidentApiDriver;

namespace ChangeFlow.Web.Tests.Incidents;

/// <summary>
/// The seed's five services with their default SLA targets, computed on business hours of the WAT office calendar
/// (Mon–Fri 08:00–17:00): every incident is opened on Thursday 2026-04-30 at 15:00 WAT on the simulated clock, two
/// business hours before Workers' Day (Friday 1 May, a holiday) and the weekend, so every business-hours target runs
/// across both; the 24x7 recovery target of a P1 restore does not.
/// </summary>
public sealed class ServiceTargetsApiTests(IncidentApiFixture fixture) : IClassFixture<IncidentApiFixture>, IAsyncLifetime
{
    private IncidentApiDriver _api = null!;

    public async Task InitializeAsync() => _api = await SetUpAsync(fixture.Server);

    public Task DisposeAsync() => Task.CompletedTask;

    [Theory]
    // User account provisioning: 4h / 1 business day, whatever the priority.
    [InlineData("user-accounts", "Medium", "Medium", "P3", "4h (business hours)", 5, 4, 10, "1 business day", 5, 4, 15)]
    // Workstation support: P3 4h / 2 days, P4 next business day / 5 days.
    [InlineData("workstations", "Medium", "Low", "P3", "4h (business hours)", 5, 4, 10, "2 business days", 5, 5, 15)]
    [InlineData("workstations", "Low", "Low", "P4", "next business day", 5, 4, 17, "5 business days", 5, 8, 15)]
    // Application support: P2 2h / 4h, P3 4h / 1 day, P4 1 day / 3 days.
    [InlineData("application-support", "High", "Medium", "P2", "2h (business hours)", 4, 30, 17, "4h (business hours)", 5, 4, 10)]
    [InlineData("application-support", "Low", "Medium", "P3", "4h (business hours)", 5, 4, 10, "1 business day", 5, 4, 15)]
    [InlineData("application-support", "Low", "Low", "P4", "1 business day", 5, 4, 15, "3 business days", 5, 6, 15)]
    // VPN & remote access, incidents: 2h / 4h.
    [InlineData("vpn-remote-access", "Medium", "Medium", "P3", "2h (business hours)", 4, 30, 17, "4h (business hours)", 5, 4, 10)]
    // Backup & data recovery: P1 restore 1h acknowledged / 4h RTO round the clock, P3 file restore 4h / 1 day.
    [InlineData("backup-recovery", "High", "High", "P1", "1h acknowledged", 4, 30, 16, "4h RTO", 4, 30, 19)]
    [InlineData("backup-recovery", "Medium", "Medium", "P3", "4h (business hours)", 5, 4, 10, "1 business day", 5, 4, 15)]
    public async Task Targets_AreDueOnBusinessHours_AcrossTheHolidayAndTheWeekend(
        string service, string impact, string urgency, string priority,
        string responseTarget, int responseMonth, int responseDay, int responseHour,
        string resolutionTarget, int resolutionMonth, int resolutionDay, int resolutionHour)
    {
        Assert.Equal(ThursdayBeforeWorkersDay, fixture.Server.Clock.GetUtcNow());

        var incident = await _api.OpenAsync(_api.Report(service, impact, urgency));
        var number = incident["number"]!.GetValue<string>();

        Assert.Equal(priority, incident["priority"]!.GetValue<string>());
        var response = await _api.ClockAsync(number, "Response");
        var resolution = await _api.ClockAsync(number, "Resolution");
        Assert.Equal(responseTarget, response["target"]!.GetValue<string>());
        Assert.Equal(resolutionTarget, resolution["target"]!.GetValue<string>());
        Assert.Equal(Wat(responseMonth, responseDay, responseHour), response["dueAt"]!.GetValue<DateTimeOffset>());
        Assert.Equal(Wat(resolutionMonth, resolutionDay, resolutionHour), resolution["dueAt"]!.GetValue<DateTimeOffset>());
        Assert.Equal("Running", resolution["status"]!.GetValue<string>());
        Assert.Equal(priority == "P1" ? "24x7" : "wat-office", resolution["calendarId"]!.GetValue<string>());
    }

    [Fact]
    public async Task Catalogue_ListsTheFiveServices_WithChannelAndResponsibleTeam()
    {
        var services = (await HttpAssert.StatusAsync(HttpStatusCode.OK, await _api.Agent.Client.GetAsync("api/incident-config/services")))!.AsArray();

        Assert.Equal(["application-support", "backup-recovery", "user-accounts", "vpn-remote-access", "workstations"], services.Select(s => s!["id"]!.GetValue<string>()));
        var workstations = services.Single(s => s!["id"]!.GetValue<string>() == "workstations")!["document"]!;
        Assert.Equal("Ticketing portal — phone for P1/P2 only", workstations["channel"]!.GetValue<string>());
        Assert.Equal("IT Support technician", workstations["responsibleTeam"]!["name"]!.GetValue<string>());
        var vpn = services.Single(s => s!["id"]!.GetValue<string>() == "vpn-remote-access")!["document"]!;
        Assert.Equal(1, vpn["requestTargets"]!["new-setup"]!["response"]!["businessDays"]!.GetValue<int>());
    }
}
