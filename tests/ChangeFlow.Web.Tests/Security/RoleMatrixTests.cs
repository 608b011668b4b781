using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.RegularExpressions;
using ChangeFlow.Application.Security;
using ChangeFlow.Web.Tests.Changes;
using ChangeFlow.Web.Tests.Support;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace ChangeFlow.Web.Tests.Security;

/// <summary>One user per role, plus the target of user-management calls, on a shared server.</summary>
public sealed class RoleMatrixFixture : ChangeFlowServerFixture
{
    private readonly Dictionary<string, TestUser> _users = [];

    /// <summary>The user that calls about other users' records point at.</summary>
    public TestUser Target { get; private set; } = null!;

    /// <summary>A token of <see cref="Target"/> (revoking it again stays 204).</summary>
    public string TargetTokenId { get; private set; } = null!;

    /// <summary>A change in state New (requested by <see cref="Target"/>) that the change rows read.</summary>
    public string ChangeNumber { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        foreach (var role in Roles.All)
        {
            _users[role] = await Server.CreateUserAsync(role);
        }

        Target = await Server.CreateUserAsync(Roles.Requestor);
        using var issued = await Server.Admin.PostAsJsonAsync($"api/users/{Target.Id}/tokens", new { name = "to revoke" });
        TargetTokenId = (await HttpAssert.StatusAsync(HttpStatusCode.Created, issued))!["id"]!.GetValue<string>();
        ChangeNumber = ChangeApi.NumberOf(await ChangeApi.CreateAsync(Server.Admin, ChangeApi.Rfc2026014(Target.Id), submit: false));
    }

    /// <summary>Whom a change filed by <paramref name="caller"/> names as requestor: the caller (only change managers and admins file for others).</summary>
    public string RequestorIdFor(string caller) => _users.TryGetValue(caller, out var user) ? user.Id : Target.Id;

    /// <summary>A client for a caller: a role name, or <c>anonymous</c>.</summary>
    public HttpClient ClientFor(string caller) => caller == RoleMatrixTests.Anonymous ? Server.CreateClient() : _users[caller].Client;
}

/// <summary>
/// Every protected endpoint × every role and anonymous → the expected status. A row names the roles it admits and the
/// status those callers get (the handler's answer: 200, 201, 204, or 400/404 when the request is deliberately one the
/// handler refuses after authorization); everyone else gets 403, anonymous callers 401.
/// </summary>
public sealed class RoleMatrixTests(RoleMatrixFixture fixture) : IClassFixture<RoleMatrixFixture>
{
    public const string Anonymous = "anonymous";

    private const string All = "*";
    private const string Everyone = "everyone";
    private const string AnyMethod = "*";

    private static readonly MatrixRow[] Rows =
    [
        // Users and tokens
        new("GET", "api/users", null, 200, Roles.ChangeManager, Roles.Admin),
        new("POST", "api/users", """{"email":"{unique}@matrix.test","roles":["Requestor"]}""", 201, Roles.Admin),
        new("GET", "api/users/me", null, 200, All),
        new("GET", "api/users/{target}", null, 200, Roles.ChangeManager, Roles.Admin),
        new("PATCH", "api/users/{target}", """{"displayName":"Matrix target"}""", 200, Roles.Admin),
        new("POST", "api/users/{target}/tokens", """{"name":"matrix"}""", 201, Roles.Admin),
        new("GET", "api/users/{target}/tokens", null, 200, Roles.Admin),
        new("DELETE", "api/users/{target}/tokens/{targetToken}", null, 204, Roles.Admin),
        new("POST", "api/users/me/tokens", """{"name":"matrix"}""", 201, All),
        new("GET", "api/users/me/tokens", null, 200, All),
        new("POST", "api/users/me/password", """{"currentPassword":"wrong-password","newPassword":"irrelevant-password"}""", 400, All),

        // Workflow definitions: read = signed in; validate and write = change management
        new("GET", "api/activities", null, 200, All),
        new("GET", "api/workflow-definitions", null, 200, All),
        new("GET", "api/workflow-definitions/unknown", null, 404, All),
        new("GET", "api/workflow-definitions/unknown/versions", null, 404, All),
        new("GET", "api/workflow-definitions/unknown/versions/1", null, 404, All),
        new("POST", "api/workflow-definitions/validate", "{}", 200, Roles.ChangeManager, Roles.Admin),
        new("POST", "api/workflow-definitions", "{}", 400, Roles.ChangeManager, Roles.Admin),
        new("POST", "api/workflow-definitions/unknown/publish", null, 404, Roles.ChangeManager, Roles.Admin),
        new("POST", "api/workflow-definitions/unknown/instances", "{}", 404, Roles.ChangeManager, Roles.Admin),

        // Workflow instances and stimuli
        new("GET", "api/workflow-instances", null, 200, Roles.ChangeManager, Roles.Admin),
        new("GET", "api/workflow-instances/unknown", null, 404, Roles.ChangeManager, Roles.Admin),
        new("GET", "api/workflow-instances/unknown/journal", null, 404, Roles.ChangeManager, Roles.Admin),
        new("POST", "api/workflow-instances/unknown/bookmarks/b/resume", "{}", 404, Roles.ChangeManager, Roles.Admin),
        new("POST", "api/workflow-instances/unknown/cancel", null, 404, Roles.ChangeManager, Roles.Admin),
        new("POST", "api/stimuli", """{"name":"matrix-ping"}""", 202, Roles.ChangeManager, Roles.Admin),
        new("POST", "api/stimuli/events/matrix-event", "{}", 202, Roles.ChangeManager, Roles.Admin),
        new("GET", "api/stimuli/dead-letters", null, 200, Roles.ChangeManager, Roles.Admin),

        // Changes: reading is for every signed-in user (pipelines ask the deploy gate with their own token); creating,
        // submitting and cancelling follow SubmitChanges, steps and validation follow Implementation. Unknown numbers
        // answer 404 once authorized, so the row shows who got past the policy.
        new("POST", "api/changes", "{rfc}", 201, Roles.Requestor, Roles.ServiceDeskAgent, Roles.ChangeManager, Roles.Admin),
        new("GET", "api/changes", null, 200, All),
        new("GET", "api/changes/{change}", null, 200, All),
        new("GET", "api/changes/RFC-2026-999", null, 404, All),
        new("POST", "api/changes/RFC-2026-999/submit", """{"expectedState":"New"}""", 404, Roles.Requestor, Roles.ServiceDeskAgent, Roles.ChangeManager, Roles.Admin),
        new("POST", "api/changes/RFC-2026-999/steps/pre-checks", """{"status":"Done","expectedState":"Implement"}""", 404, Roles.Implementer, Roles.ChangeManager, Roles.Admin),
        new("POST", "api/changes/RFC-2026-999/rollback-steps/rb-1", """{"status":"Done","expectedState":"Implement"}""", 404, Roles.Implementer, Roles.ChangeManager, Roles.Admin),
        new("POST", "api/changes/RFC-2026-999/validate", """{"expectedState":"Implement"}""", 404, Roles.Implementer, Roles.ChangeManager, Roles.Admin),
        new("POST", "api/changes/RFC-2026-999/cancel", """{"expectedState":"New","reason":"matrix"}""", 404, Roles.Requestor, Roles.ServiceDeskAgent, Roles.ChangeManager, Roles.Admin),
        new("GET", "api/changes/{change}/timeline", null, 200, All),
        new("GET", "api/changes/{change}/deploy-gate", null, 423, All),
        new("GET", "api/calendar/changes.ics", null, 200, All),
        new("GET", "api/calendar/feeds/cfc_unknown/changes.ics", null, 404, Everyone),
        new("GET", "api/users/me/calendar-feed", null, 404, All),
        new("DELETE", "api/users/me/calendar-feed", null, 204, All),
        new("POST", "api/users/me/calendar-feed", null, 201, All),

        // Moving a window and the communication plan: SubmitChanges, and then ChangeService's own rule (the requestor
        // while New, change managers and administrators always). The matrix change is Target's, so requestors and
        // service desk agents are refused by the service; the stale expected state makes the admitted answer 409
        // without changing the change.
        new("PUT", "api/changes/{change}/window", """{"expectedState":"Implement","window":{"start":"2026-06-01T20:00:00+02:00","end":"2026-06-01T22:00:00+02:00","timeZoneId":"Europe/Zurich"}}""", 409, Roles.ChangeManager, Roles.Admin),
        new("PUT", "api/changes/{change}/communication-plan", """{"expectedState":"Implement","communicationPlan":[]}""", 409, Roles.ChangeManager, Roles.Admin),
        new("GET", "api/changes/{change}/notices", null, 200, Roles.ChangeManager, Roles.Admin),
        new("GET", "api/templates", null, 200, Roles.ChangeManager, Roles.Admin),
        new("POST", "api/templates/no-such-template/preview", "{}", 404, Roles.ChangeManager, Roles.Admin),

        // Tasks and the improvement register: everyone has an inbox; other people's inboxes are for change managers.
        new("GET", "api/tasks", null, 200, All),
        new("GET", "api/tasks?assignedTo={target}", null, 200, Roles.ChangeManager, Roles.Admin),
        new("GET", "api/tasks/unknown", null, 404, All),
        new("POST", "api/tasks/unknown/complete", """{"outcome":"Approved","comment":"matrix"}""", 404, All),
        new("POST", "api/tasks/unknown/reassign", """{"userId":"{target}"}""", 404, All),
        new("GET", "api/improvements", null, 200, All),
        new("GET", "api/improvements/CIR-2026-999", null, 404, All),

        // The catalogue, routing and agendas: read by everyone signed in, written by change management.
        new("GET", "api/catalog/cab-boards", null, 200, All),
        new("GET", "api/catalog/cab-boards/cab-main", null, 200, All),
        new("GET", "api/catalog/blackouts", null, 200, All),
        new("GET", "api/catalog/unknown-kind", null, 404, All),
        new("PUT", "api/catalog/services/{unique}", """{"id":"{unique}","name":"Matrix service"}""", 200, Roles.ChangeManager, Roles.Admin),
        new("DELETE", "api/catalog/services/no-such-service", null, 404, Roles.ChangeManager, Roles.Admin),
        new("GET", "api/routing", null, 200, All),
        new("PUT", "api/routing", "{}", 400, Roles.ChangeManager, Roles.Admin),
        new("GET", "api/cab-boards/cab-main/agenda", null, 200, All),
        new("GET", "api/cab-boards/no-such-board/agenda", null, 404, All),

        // Incidents: anyone signed in reports one and reads those they may see (IncidentService's read visibility:
        // the service desk all, others what they reported or are assigned, so an unknown number is 404 for everyone);
        // the reporter confirms or reopens (IncidentService checks reporter or agent); the service desk works them.
        new("POST", "api/incidents", "{}", 400, All),
        new("GET", "api/incidents", null, 200, All),
        new("GET", "api/incidents/INC-2026-9999", null, 404, All),
        new("GET", "api/incidents/INC-2026-9999/timeline", null, 404, All),
        new("GET", "api/incidents/INC-2026-9999/sla", null, 404, All),
        new("POST", "api/incidents/INC-2026-9999/log", "{}", 400, Roles.ServiceDeskAgent, Roles.ChangeManager, Roles.Admin),
        new("POST", "api/incidents/INC-2026-9999/categorize", "{}", 400, Roles.ServiceDeskAgent, Roles.ChangeManager, Roles.Admin),
        new("POST", "api/incidents/INC-2026-9999/prioritize", "{}", 400, Roles.ServiceDeskAgent, Roles.ChangeManager, Roles.Admin),
        new("POST", "api/incidents/INC-2026-9999/assign", "{}", 404, Roles.ServiceDeskAgent, Roles.ChangeManager, Roles.Admin),
        new("POST", "api/incidents/INC-2026-9999/acknowledge", "{}", 404, Roles.ServiceDeskAgent, Roles.ChangeManager, Roles.Admin),
        new("POST", "api/incidents/INC-2026-9999/diagnosis", "{}", 400, Roles.ServiceDeskAgent, Roles.ChangeManager, Roles.Admin),
        new("POST", "api/incidents/INC-2026-9999/hold", "{}", 400, Roles.ServiceDeskAgent, Roles.ChangeManager, Roles.Admin),
        new("POST", "api/incidents/INC-2026-9999/resume", "{}", 404, Roles.ServiceDeskAgent, Roles.ChangeManager, Roles.Admin),
        new("POST", "api/incidents/INC-2026-9999/resolve", "{}", 400, Roles.ServiceDeskAgent, Roles.ChangeManager, Roles.Admin),
        new("POST", "api/incidents/INC-2026-9999/confirm", "{}", 404, All),
        new("POST", "api/incidents/INC-2026-9999/reopen", """{"reason":"matrix"}""", 404, All),
        new("POST", "api/incidents/INC-2026-9999/close", "{}", 404, Roles.ServiceDeskAgent, Roles.ChangeManager, Roles.Admin),
        new("POST", "api/incidents/INC-2026-9999/lessons", "{}", 404, Roles.ServiceDeskAgent, Roles.ChangeManager, Roles.Admin),
        new("POST", "api/incidents/INC-2026-9999/escalate", "{}", 400, Roles.ServiceDeskAgent, Roles.ChangeManager, Roles.Admin),
        new("POST", "api/incidents/INC-2026-9999/crisis", "{}", 400, Roles.ServiceDeskAgent, Roles.ChangeManager, Roles.Admin),
        new("PUT", "api/incidents/INC-2026-9999/problem", "{}", 400, Roles.ServiceDeskAgent, Roles.ChangeManager, Roles.Admin),
        new("DELETE", "api/incidents/INC-2026-9999/problem", null, 404, Roles.ServiceDeskAgent, Roles.ChangeManager, Roles.Admin),
        new("PUT", "api/incidents/INC-2026-9999/caused-by", "{}", 400, Roles.ServiceDeskAgent, Roles.ChangeManager, Roles.Admin),
        new("DELETE", "api/incidents/INC-2026-9999/caused-by", null, 404, Roles.ServiceDeskAgent, Roles.ChangeManager, Roles.Admin),
        new("POST", "api/alerts/alertmanager", "{}", 400, Roles.ServiceDeskAgent, Roles.ChangeManager, Roles.Admin),
        new("GET", "api/metrics", null, 200, Roles.ServiceDeskAgent, Roles.ChangeManager, Roles.Admin),

        // Problems: the service desk logs and works them; reading is for everyone signed in (the fallback policy).
        new("POST", "api/problems", "{}", 400, Roles.ServiceDeskAgent, Roles.ChangeManager, Roles.Admin),
        new("GET", "api/problems", null, 200, All),
        new("GET", "api/problems/PRB-2026-9999", null, 404, All),
        new("GET", "api/problems/PRB-2026-9999/timeline", null, 404, All),
        new("POST", "api/problems/PRB-2026-9999/investigate", "{}", 404, Roles.ServiceDeskAgent, Roles.ChangeManager, Roles.Admin),
        new("POST", "api/problems/PRB-2026-9999/root-cause", "{}", 400, Roles.ServiceDeskAgent, Roles.ChangeManager, Roles.Admin),
        new("POST", "api/problems/PRB-2026-9999/known-error", "{}", 400, Roles.ServiceDeskAgent, Roles.ChangeManager, Roles.Admin),
        new("POST", "api/problems/PRB-2026-9999/resolve", "{}", 400, Roles.ServiceDeskAgent, Roles.ChangeManager, Roles.Admin),
        new("POST", "api/problems/PRB-2026-9999/close", "{}", 404, Roles.ServiceDeskAgent, Roles.ChangeManager, Roles.Admin),

        // Incident configuration: read by everyone signed in, written by administrators (the stored settings answer a
        // PUT without If-Match with 409).
        new("GET", "api/incident-config", null, 200, All),
        new("GET", "api/incident-config/priority-matrix", null, 200, All),
        new("PUT", "api/incident-config/priority-matrix", "{}", 400, Roles.Admin),
        new("GET", "api/incident-config/settings", null, 200, All),
        new("PUT", "api/incident-config/settings", "{}", 409, Roles.Admin),
        new("GET", "api/incident-config/calendars", null, 200, All),
        new("GET", "api/incident-config/calendars/no-such-calendar", null, 404, All),
        new("PUT", "api/incident-config/calendars/{unique}", "{}", 400, Roles.Admin),
        new("DELETE", "api/incident-config/calendars/no-such-calendar", null, 404, Roles.Admin),

        // The mail outbox: administrators.
        new("GET", "api/outbox", null, 200, Roles.Admin),
        new("GET", "api/outbox/failures", null, 200, Roles.Admin),
        new("GET", "api/outbox/sender", null, 200, Roles.Admin),
        new("GET", "api/outbox/no-such-message", null, 404, Roles.Admin),
        new("POST", "api/outbox/no-such-message/retry", null, 404, Roles.Admin),
        new("POST", "api/outbox/no-such-message/cancel", null, 404, Roles.Admin),

        // Anonymous by design: signing in, and the approval pages a mail link opens (the token in the link is the right).
        // The sign-in body is not an object, so it is refused before any password is checked (and never counts towards
        // the sign-in throttle); an unreadable approval link is an Invalid outcome, 400.
        new("POST", "api/auth/login", "[]", 400, Everyone),
        new("GET", "mail/approvals/no-such-token", null, 400, Everyone),
        new("HEAD", "mail/approvals/no-such-token", null, 400, Everyone),
        new("POST", "mail/approvals", null, 415, Everyone),

        // Operations
        new("GET", "hangfire", null, 200, Roles.Admin),
        new("GET", "health/live", null, 200, Everyone),
        new("GET", "health/ready", null, 200, Everyone),
        new("GET", "openapi/v1.json", null, 200, Everyone),
        new("GET", "", null, 200, Everyone),
        new("HEAD", "", null, 200, Everyone),
        new("POST", "api/auth/logout", null, 204, Everyone),
    ];

    /// <summary>What puts a row's effect back, sent by the same caller after an admitted call, so rows do not depend on each other's order.</summary>
    private static readonly Dictionary<(string Method, string Path), (string Method, string Path)> Undo = new()
    {
        [("POST", "api/users/me/calendar-feed")] = ("DELETE", "api/users/me/calendar-feed"),
    };

    private static int _unique;

    public static TheoryData<string, string, string> Cases()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var row in Rows)
        {
            foreach (var caller in Roles.All.Append(Anonymous))
            {
                data.Add(row.Method, row.Path, caller);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Endpoint_AnswersAsTheMatrixSays(string method, string path, string caller)
    {
        var row = Rows.Single(r => r.Method == method && r.Path == path);
        var expected = row.Admits(caller) ? row.AllowedStatus : caller == Anonymous ? 401 : 403;
        var unique = $"m{Interlocked.Increment(ref _unique)}-{caller.ToLowerInvariant()}";
        var url = Fill(path, unique);
        using var request = new HttpRequestMessage(new HttpMethod(method), url);
        if (row.Body is not null)
        {
            var body = row.Body == "{rfc}" ? ChangeApi.Body(ChangeApi.Rfc2026014(fixture.RequestorIdFor(caller)), submit: false).ToJsonString() : Fill(row.Body, unique);
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        using var response = await fixture.ClientFor(caller).SendAsync(request);

        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == expected, $"{method} {path} as {caller}: expected {expected}, got {(int)response.StatusCode} {text[..Math.Min(text.Length, 300)]}\n{string.Join('\n', fixture.Server.Logs.Lines.Where(l => l.StartsWith("Error", StringComparison.Ordinal)).TakeLast(3))}");
        if (expected is 401 or 403)
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        if (row.Admits(caller) && Undo.TryGetValue((method, path), out var undo))
        {
            using var undone = await fixture.ClientFor(caller).SendAsync(new HttpRequestMessage(new HttpMethod(undo.Method), Fill(undo.Path, unique)));
            Assert.True(undone.IsSuccessStatusCode, $"{undo.Method} {undo.Path} as {caller}: {(int)undone.StatusCode}");
        }
    }

    /// <summary>
    /// Endpoints deliberately outside the matrix, by route pattern (every method), each with the reason. Anything else
    /// the server maps needs a row.
    /// </summary>
    private static readonly Dictionary<string, string> OutsideTheMatrix = new(StringComparer.Ordinal)
    {
        // The Scalar API reference: a static, anonymous documentation page and its scripts, no data behind them (the
        // document it shows, openapi/v1.json, has a row).
        ["/api-reference/{documentName?}"] = "API reference UI",
        ["/api-reference/scalar.js"] = "API reference UI script",
        ["/api-reference/scalar.aspnetcore.js"] = "API reference UI script",
        ["/api-reference/favicon.svg"] = "API reference UI icon",
    };

    [Fact]
    public void Rows_CoverEveryEndpoint_WhenTheServerMapsIt()
    {
        var endpoints = fixture.Server.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => !OutsideTheMatrix.ContainsKey(e.RoutePattern.RawText ?? ""))
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [AnyMethod]).Select(m => (Method: m, Route: e.RoutePattern.RawText ?? "")))
            .Distinct()
            .ToList();

        // A row covers the endpoint that routing would pick for it: of the patterns its path fits, the most specific.
        var covered = Rows
            .Select(r => endpoints
                .Where(e => (e.Method == AnyMethod || e.Method == r.Method) && Segments.Fit(r.Path, e.Route))
                .OrderByDescending(e => e.Route, Segments.BySpecificity)
                .FirstOrDefault())
            .ToHashSet();
        var missing = endpoints.Where(e => !covered.Contains(e)).Select(e => $"{e.Method} {e.Route}").Order(StringComparer.Ordinal).ToList();

        Assert.True(missing.Count == 0, $"Endpoints without a row in the role matrix:\n{string.Join('\n', missing)}");
    }

    [Fact]
    public void Rows_NameEachEndpointOnce()
    {
        Assert.Equal(Rows.Length, Rows.Select(r => (r.Method, r.Path)).Distinct().Count());
    }

    private string Fill(string text, string unique) =>
        text.Replace("{unique}", unique, StringComparison.Ordinal)
            .Replace("{target}", fixture.Target.Id, StringComparison.Ordinal)
            .Replace("{targetToken}", fixture.TargetTokenId, StringComparison.Ordinal)
            .Replace("{change}", fixture.ChangeNumber, StringComparison.Ordinal);

    private sealed record MatrixRow(string Method, string Path, string? Body, int AllowedStatus, params string[] Callers)
    {
        public bool Admits(string caller) =>
            Callers.Contains(Everyone) || (caller != Anonymous && (Callers.Contains(All) || Callers.Contains(caller)));
    }
}

/// <summary>Route patterns against concrete paths, segment by segment.</summary>
internal static class Segments
{
    /// <summary>Most specific first when sorted descending: at the first differing segment a literal beats a segment mixing text and parameters, which beats a parameter.</summary>
    public static IComparer<string> BySpecificity { get; } = Comparer<string>.Create((a, b) =>
    {
        var (x, y) = (Split(a), Split(b));
        for (var i = 0; i < Math.Min(x.Length, y.Length); i++)
        {
            var order = Rank(x[i]).CompareTo(Rank(y[i]));
            if (order != 0)
            {
                return order;
            }
        }

        return x.Length.CompareTo(y.Length);
    });

    /// <summary>
    /// Whether a concrete path (its query string aside) fits a route pattern: literal segments compare without case, a
    /// <c>{param}</c> or <c>{param:constraint}</c> segment takes any value, <c>{param?}</c> may be absent, a catch-all
    /// takes the rest, and a segment mixing text and parameters (<c>{documentName}.json</c>) takes values of that shape.
    /// </summary>
    public static bool Fit(string path, string pattern)
    {
        var concrete = Split(path.Split('?')[0]);
        var template = Split(pattern);
        for (var i = 0; i < template.Length; i++)
        {
            var segment = template[i];
            if (segment.StartsWith("{*", StringComparison.Ordinal))
            {
                return true;
            }

            if (i >= concrete.Length)
            {
                return segment.StartsWith('{') && segment.EndsWith("?}", StringComparison.Ordinal) && i == template.Length - 1;
            }

            if (!Regex.IsMatch(concrete[i], $"^{SegmentPattern(segment)}$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)))
            {
                return false;
            }
        }

        return concrete.Length == template.Length;
    }

    private static string[] Split(string path) => path.Split('/', StringSplitOptions.RemoveEmptyEntries);

    private static int Rank(string segment) => !segment.Contains('{', StringComparison.Ordinal) ? 2 : segment.StartsWith('{') && segment.EndsWith('}') && segment.Count(c => c == '{') == 1 ? 0 : 1;

    private static string SegmentPattern(string segment) =>
        string.Concat(Regex.Split(segment, @"(\{[^}]*\})", RegexOptions.None, TimeSpan.FromSeconds(1))
            .Select(part => part.StartsWith('{') ? ".+?" : Regex.Escape(part)));
}
