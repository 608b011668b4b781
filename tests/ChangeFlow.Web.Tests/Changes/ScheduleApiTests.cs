using System.Net;
using ChangeFlow.Application.Security;
using ChangeFlow.Web.Tests.Support;

namespace ChangeFlow.Web.Tests.Changes;

/// <summary>
/// A server of its own for tests that move the clock: a requestor, a pipeline's token (an implementer) and a
/// standard-change template for the LIMS.
/// </summary>
public sealed class ScheduleApiFixture : ChangeApiFixture
{
    public const string Template = "lims-service-restart";

    public TestUser Requestor { get; private set; } = null!;

    public TestUser Pipeline { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Requestor = await Server.CreateUserAsync(Roles.Requestor);
        Pipeline = await Server.CreateUserAsync(Roles.Implementer);
        using var template = await Server.Admin.PutAsync($"api/catalog/standard-templates/{Template}", ChangeApi.Json(new
        {
            id = Template,
            name = "LIMS application service restart",
            maxRiskLevel = "Low",
            serviceIds = new[] { "lims" },
        }));
        await HttpAssert.StatusAsync(HttpStatusCode.OK, template);
    }
}

/// <summary>
/// What pipelines and calendars see: the deploy gate (423 with Retry-After before the window, 200 inside it, 423 after
/// it or for an unauthorized change) and the forward schedule as iCalendar read by an independent parser.
/// </summary>
public sealed class ScheduleApiTests(ScheduleApiFixture fixture) : IClassFixture<ScheduleApiFixture>
{
    // Tuesday 12 May 2026, 10:00-11:00 WAT: no blackout, no CAB needed.
    private static readonly DateTimeOffset WindowStart = new(2026, 5, 12, 10, 0, 0, TimeSpan.FromHours(1));

    [Fact]
    public async Task DeployGate_OpensOnlyInsideTheWindowOfAnAuthorizedChange_AndTheCalendarShowsIt()
    {
        var scheduled = await ChangeApi.CreateAsync(fixture.Requestor.Client, ChangeApi.StandardLimsChange(fixture.Requestor.Id, WindowStart), submit: true, ScheduleApiFixture.Template);
        Assert.Equal("Scheduled", ChangeApi.StateOf(scheduled));
        var number = ChangeApi.NumberOf(scheduled);
        var draft = ChangeApi.NumberOf(await ChangeApi.CreateAsync(fixture.Requestor.Client, ChangeApi.Rfc2026014(fixture.Requestor.Id), submit: false));
        var gate = $"api/changes/{number}/deploy-gate";

        // Before the window: locked, and told when to come back.
        using var early = await fixture.Pipeline.Client.GetAsync(gate);
        var closed = (await HttpAssert.StatusAsync((HttpStatusCode)423, early))!;
        Assert.False(closed["allowed"]!.GetValue<bool>());
        Assert.Equal(WindowStart - fixture.Server.Clock.GetUtcNow(), TimeSpan.FromSeconds(early.Headers.RetryAfter!.Delta!.Value.TotalSeconds));
        Assert.Equal(WindowStart, closed["windowStart"]!.GetValue<DateTimeOffset>());

        // A change nobody has authorized never opens the gate, and says so without a Retry-After.
        using var unauthorized = await fixture.Pipeline.Client.GetAsync($"api/changes/{draft}/deploy-gate");
        Assert.Contains("not authorized", (await HttpAssert.StatusAsync((HttpStatusCode)423, unauthorized))!["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Null(unauthorized.Headers.RetryAfter);
        using var unknown = await fixture.Pipeline.Client.GetAsync("api/changes/RFC-2026-999/deploy-gate");
        await HttpAssert.StatusAsync(HttpStatusCode.NotFound, unknown);

        // The forward schedule lists both, confirmed and tentative, in a form another library reads.
        using var feed = await fixture.Requestor.Client.GetAsync("api/calendar/changes.ics");
        Assert.Equal(HttpStatusCode.OK, feed.StatusCode);
        Assert.Equal("text/calendar", feed.Content.Headers.ContentType?.MediaType);
        var calendar = Ical.Net.Calendar.Load(await feed.Content.ReadAsStringAsync())!;
        var confirmed = Assert.Single(calendar.Events, e => e.Summary?.StartsWith(number + ":", StringComparison.Ordinal) == true);
        Assert.Equal(WindowStart.UtcDateTime, confirmed.DtStart!.AsUtc);
        Assert.Equal(WindowStart.AddHours(1).UtcDateTime, confirmed.DtEnd!.AsUtc);
        Assert.Equal("CONFIRMED", confirmed.Status);
        Assert.StartsWith(number.ToLowerInvariant() + "-window@", confirmed.Uid, StringComparison.Ordinal);
        Assert.Equal("TENTATIVE", Assert.Single(calendar.Events, e => e.Summary?.StartsWith(draft + ":", StringComparison.Ordinal) == true).Status);
        using var narrowed = await fixture.Requestor.Client.GetAsync("api/calendar/changes.ics?from=2026-05-12T00:00:00Z&to=2026-05-13T00:00:00Z");
        Assert.Single(Ical.Net.Calendar.Load(await narrowed.Content.ReadAsStringAsync())!.Events);
        using var backwards = await fixture.Requestor.Client.GetAsync("api/calendar/changes.ics?from=2026-05-13T00:00:00Z&to=2026-05-12T00:00:00Z");
        await HttpAssert.FieldErrorAsync(backwards, "to", "out_of_order");

        // Inside the window: open.
        fixture.Server.Clock.Advance(WindowStart.AddMinutes(5) - fixture.Server.Clock.GetUtcNow());
        using var open = await fixture.Pipeline.Client.GetAsync(gate);
        Assert.True((await HttpAssert.StatusAsync(HttpStatusCode.OK, open))!["allowed"]!.GetValue<bool>());

        // After it: locked for good.
        fixture.Server.Clock.Advance(TimeSpan.FromHours(1));
        using var late = await fixture.Pipeline.Client.GetAsync(gate);
        Assert.Contains("closed", (await HttpAssert.StatusAsync((HttpStatusCode)423, late))!["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Null(late.Headers.RetryAfter);
    }
}
