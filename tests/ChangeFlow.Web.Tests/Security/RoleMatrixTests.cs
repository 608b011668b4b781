using System.Net;
using System.Net.Http.Json;
using System.Text;
using ChangeFlow.Application.Security;
using ChangeFlow.Web.Tests.Changes;
using ChangeFlow.Web.Tests.Support;

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

        // Operations
        new("GET", "hangfire", null, 200, Roles.Admin),
        new("GET", "health/live", null, 200, Everyone),
        new("GET", "health/ready", null, 200, Everyone),
        new("GET", "openapi/v1.json", null, 200, Everyone),
        new("GET", "", null, 200, Everyone),
        new("POST", "api/auth/logout", null, 204, Everyone),
    ];

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
