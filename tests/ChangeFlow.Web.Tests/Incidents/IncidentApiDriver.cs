using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using ChangeFlow.Application.Notifications;
using ChangeFlow.Application.Security;
using ChangeFlow.Testing;
using ChangeFlow.Web.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace ChangeFlow.Web.Tests.Incidents;

/// <summary>A server that imports the shipped workflows (so incidents really run incident-lifecycle), on the fake clock.</summary>
public class IncidentApiFixture : ChangeFlowServerFixture
{
    protected override ChangeFlowServerOptions Options => new() { WorkflowsDirectory = RepositoryPaths.Workflows, ClockStart = IncidentApiDriver.ThursdayBeforeWorkersDay };
}

/// <summary>
/// The people of a service desk as users of a running server, and the REST calls incident scenarios make, each with
/// the acting user's own token.
/// </summary>
public sealed class IncidentApiDriver
{
    /// <summary>Thursday 2026-04-30 15:00 WAT: two business hours before a holiday (Workers' Day, Friday) and a weekend.</summary>
    public static readonly DateTimeOffset ThursdayBeforeWorkersDay = Wat(4, 30, 15);

    private IncidentApiDriver(ChangeFlowServer server) => Server = server;

    /// <summary>The server.</summary>
    public ChangeFlowServer Server { get; }

    /// <summary>A first-line agent (group service-desk).</summary>
    public TestUser Agent { get; private set; } = null!;

    /// <summary>A second-line engineer (groups it-operations and network).</summary>
    public TestUser Engineer { get; private set; } = null!;

    /// <summary>A lab technician who reports incidents (requestor role only).</summary>
    public TestUser Reporter { get; private set; } = null!;

    /// <summary>Another user without service desk rights.</summary>
    public TestUser Stranger { get; private set; } = null!;

    /// <summary>Creates the users.</summary>
    public static async Task<IncidentApiDriver> SetUpAsync(ChangeFlowServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        return new IncidentApiDriver(server)
        {
            Agent = await server.CreateUserAsync([Roles.ServiceDeskAgent], ["service-desk"]),
            Engineer = await server.CreateUserAsync([Roles.ServiceDeskAgent], ["it-operations", "network"]),
            Reporter = await server.CreateUserAsync(Roles.Requestor),
            Stranger = await server.CreateUserAsync(Roles.Requestor),
        };
    }

    /// <summary>An instant written in WAT (UTC+1), 2026.</summary>
    public static DateTimeOffset Wat(int month, int day, int hour, int minute = 0, int second = 0) =>
        new DateTimeOffset(2026, month, day, hour, minute, second, TimeSpan.FromHours(1)).ToUniversalTime();

    /// <summary>A JSON body.</summary>
    public static StringContent Json(JsonNode body) => new(body.ToJsonString(), Encoding.UTF8, "application/json");

    /// <summary>A complete report an agent files for <paramref name="serviceId"/> at impact × urgency; the reporter is <see cref="Reporter"/>.</summary>
    public JsonObject Report(string serviceId, string impact = "Medium", string urgency = "Medium", string title = "LIMS result entry fails") => new()
    {
        ["title"] = title,
        ["description"] = "Saving a result shows an error for every sample.",
        ["serviceId"] = serviceId,
        ["reporter"] = Reporter.Id,
        ["category"] = "software",
        ["impact"] = impact,
        ["urgency"] = urgency,
    };

    /// <summary><c>POST /api/incidents</c> as <paramref name="by"/> (the agent by default); asserts 201 and returns the incident.</summary>
    public async Task<JsonNode> OpenAsync(JsonObject report, TestUser? by = null)
    {
        using var response = await (by ?? Agent).Client.PostAsync("api/incidents", Json(report));
        var body = (await HttpAssert.StatusAsync(HttpStatusCode.Created, response))!;
        Assert.Equal($"/api/incidents/{body["number"]}", response.Headers.Location?.OriginalString);
        Assert.Equal($"\"{body["version"]}\"", response.Headers.ETag?.Tag);
        return body;
    }

    /// <summary><c>POST /api/incidents/{number}/{verb}</c>; the raw response.</summary>
    public async Task<HttpResponseMessage> PostAsync(string number, string verb, JsonObject? body = null, TestUser? by = null, long? ifMatch = null, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/incidents/{number}/{verb}") { Content = Json(body ?? []) };
        if (ifMatch is { } version)
        {
            request.Headers.IfMatch.Add(new EntityTagHeaderValue($"\"{version}\""));
        }

        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        return await (by ?? Agent).Client.SendAsync(request);
    }

    /// <summary>Posts a command and asserts 200; returns the incident.</summary>
    public async Task<JsonNode> CommandAsync(string number, string verb, JsonObject? body = null, TestUser? by = null) =>
        (await HttpAssert.StatusAsync(HttpStatusCode.OK, await PostAsync(number, verb, body, by)))!;

    /// <summary><c>GET /api/incidents/{number}</c>.</summary>
    public async Task<JsonNode> IncidentAsync(string number) =>
        (await HttpAssert.StatusAsync(HttpStatusCode.OK, await Agent.Client.GetAsync($"api/incidents/{number}")))!;

    /// <summary>The timeline.</summary>
    public async Task<IReadOnlyList<JsonNode>> TimelineAsync(string number) =>
        [.. (await HttpAssert.StatusAsync(HttpStatusCode.OK, await Agent.Client.GetAsync($"api/incidents/{number}/timeline")))!.AsArray().Select(e => e!)];

    /// <summary>The timeline's actions, in order.</summary>
    public async Task<IReadOnlyList<string>> ActionsAsync(string number) => [.. (await TimelineAsync(number)).Select(e => e["action"]!.GetValue<string>())];

    /// <summary>One clock of <c>GET /api/incidents/{number}/sla</c>.</summary>
    public async Task<JsonNode> ClockAsync(string number, string clock)
    {
        var sla = (await HttpAssert.StatusAsync(HttpStatusCode.OK, await Agent.Client.GetAsync($"api/incidents/{number}/sla")))!;
        return sla["clocks"]!.AsArray().Single(c => c!["clock"]!.GetValue<string>() == clock)!;
    }

    /// <summary>When a clock's target is missed, as the API says.</summary>
    public async Task<DateTimeOffset?> DueAsync(string number, string clock) =>
        (await ClockAsync(number, clock))["dueAt"]?.GetValue<DateTimeOffset>();

    /// <summary>The outbox messages about an incident, oldest first.</summary>
    public async Task<IReadOnlyList<OutboundMessage>> OutboxAsync(string number)
    {
        var page = await Server.Services.GetRequiredService<IOutbox>().ListAsync(new OutboxQuery(CorrelationKey: $"incident:{number}"), 0, 500, CancellationToken.None);
        return [.. page.Items.Select(e => e.Message).Reverse()];
    }
}
