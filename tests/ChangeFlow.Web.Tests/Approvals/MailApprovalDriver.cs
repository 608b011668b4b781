using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ChangeFlow.Application.Approvals;
using ChangeFlow.Application.Notifications;
using ChangeFlow.Domain.Demo;
using ChangeFlow.Testing;
using ChangeFlow.Web.Tests.Changes;
using ChangeFlow.Web.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace ChangeFlow.Web.Tests.Approvals;

/// <summary>
/// A running service (real Kestrel, a database of its own, the fake clock at the seed's Sunday 2026-05-03 09:00 WAT)
/// with the shipped workflows and the built-in message templates, the seed's people as users, and the seed's RFC
/// submitted: the CAB vote is open, and every voter's approval request (with its links) and reminder are in the outbox.
/// What a recipient does with a link goes through a plain HTTP client with no credentials, as a mail client's browser would.
/// </summary>
public sealed partial class MailApprovalDriver : IAsyncDisposable
{
    private MailApprovalDriver(ChangeFlowServer server, ChangeApiDriver api, string number)
    {
        Server = server;
        Api = api;
        Number = number;
        Browser = server.CreateClient();
    }

    /// <summary>The service.</summary>
    public ChangeFlowServer Server { get; }

    /// <summary>The seed's people and the change API.</summary>
    public ChangeApiDriver Api { get; }

    /// <summary>The submitted change's number.</summary>
    public string Number { get; }

    /// <summary>A client without credentials (keeps cookies, follows no redirects).</summary>
    public HttpClient Browser { get; }

    /// <summary>Starts the service and submits the RFC.</summary>
    public static async Task<MailApprovalDriver> StartAsync(DatabaseProvider provider = DatabaseProvider.Sqlite, Dictionary<string, string?>? settings = null)
    {
        var server = await ChangeFlowServer.StartAsync(new ChangeFlowServerOptions
        {
            Provider = provider,
            WorkflowsDirectory = RepositoryPaths.Workflows,
            Settings = settings ?? [],
        });
        try
        {
            var api = await ChangeApiDriver.SetUpAsync(server);
            var number = await api.SubmitAsync(api.Dossier(DemoData.Rfc2026014()));
            Assert.Equal("Authorize", await api.StateAsync(number));
            return new MailApprovalDriver(server, api, number);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>The outbox rows of one kind (<c>approval-request</c>, <c>approval-reminder</c>), any status.</summary>
    public async Task<IReadOnlyList<OutboxEntry>> OutboxAsync(string kind) =>
        (await Server.Services.GetRequiredService<IOutbox>().ListAsync(new OutboxQuery(Kind: kind), 0, 500, CancellationToken.None)).Items;

    /// <summary>The approval request sent to <paramref name="user"/> (exactly one).</summary>
    public async Task<OutboxEntry> RequestToAsync(TestUser user) =>
        Assert.Single(await OutboxAsync(ApprovalMailer.RequestTemplate), m => m.Message.To.Any(t => t.Address == user.Email));

    /// <summary>The Approve and Reject links of the approval request sent to <paramref name="user"/>, read from its text part.</summary>
    public async Task<(Uri Approve, Uri Reject)> LinksOfAsync(TestUser user)
    {
        var text = (await RequestToAsync(user)).Message.TextBody!;
        return (new Uri(LinkAfter(text, "Approve:")), new Uri(LinkAfter(text, "Reject:")));
    }

    /// <summary>The open task of <paramref name="user"/> on the change.</summary>
    public Task<JsonNode> TaskOfAsync(TestUser user) => ChangeApiDriver.OpenTaskAsync(user, Number);

    /// <summary>A task as the API shows it (to the change manager).</summary>
    public async Task<JsonNode> TaskAsync(string taskId) =>
        (await HttpAssert.StatusAsync(HttpStatusCode.OK, await Api.ChangeManager.Client.GetAsync($"api/tasks/{taskId}")))!;

    /// <summary>Opens a link as a browser would (GET).</summary>
    public async Task<Page> OpenAsync(Uri link)
    {
        using var response = await Browser.GetAsync(link);
        return await Page.ReadAsync(response);
    }

    /// <summary>Sends the confirmation form of <paramref name="link"/> with <paramref name="comment"/>, as the page's button does.</summary>
    public Task<Page> ConfirmAsync(Uri link, string? comment = null) => PostAsync(TokenOf(link), comment);

    /// <summary>Posts the confirmation form with any token (tampered ones included).</summary>
    public async Task<Page> PostAsync(string token, string? comment = null, Action<HttpRequestMessage>? adjust = null)
    {
        var fields = new Dictionary<string, string> { ["token"] = token };
        if (comment is not null)
        {
            fields["comment"] = comment;
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, "mail/approvals") { Content = new FormUrlEncodedContent(fields) };
        adjust?.Invoke(request);
        using var response = await Browser.SendAsync(request);
        return await Page.ReadAsync(response);
    }

    /// <summary>The token of a link (its last path segment).</summary>
    public static string TokenOf(Uri link)
    {
        ArgumentNullException.ThrowIfNull(link);
        return link.AbsolutePath[(link.AbsolutePath.LastIndexOf('/') + 1)..];
    }

    /// <summary>The change's timeline entries of an action.</summary>
    public async Task<IReadOnlyList<JsonNode>> TimelineAsync(string action) =>
        [.. (await Api.TimelineAsync(Number)).Where(e => e["action"]!.GetValue<string>() == action)];

    /// <inheritdoc />
    public ValueTask DisposeAsync() => Server.DisposeAsync();

    private static string LinkAfter(string text, string label)
    {
        var line = text.Split('\n').Single(l => l.StartsWith(label, StringComparison.Ordinal));
        return line[label.Length..].Trim();
    }

    /// <summary>A page the service answered with.</summary>
    /// <param name="Status">The status code.</param>
    /// <param name="Html">The body.</param>
    /// <param name="Headers">The response headers (content headers included).</param>
    public sealed partial record Page(HttpStatusCode Status, string Html, IReadOnlyDictionary<string, string> Headers)
    {
        /// <summary>The text of the page's first <c>h1</c>, decoded.</summary>
        public string Heading => WebUtility.HtmlDecode(H1().Match(Html).Groups[1].Value);

        /// <summary>Reads a response.</summary>
        public static async Task<Page> ReadAsync(HttpResponseMessage response)
        {
            ArgumentNullException.ThrowIfNull(response);
            var headers = response.Headers.Concat(response.Content.Headers)
                .ToDictionary(h => h.Key, h => string.Join(", ", h.Value), StringComparer.OrdinalIgnoreCase);
            return new Page(response.StatusCode, await response.Content.ReadAsStringAsync(), headers);
        }

        /// <summary>Asserts the status, saying what the page said when it differs.</summary>
        public Page Is(HttpStatusCode expected)
        {
            Assert.True(Status == expected, $"Expected {(int)expected} but the page answered {(int)Status} '{Heading}': {Html}");
            return this;
        }

        [GeneratedRegex("<h1>(.*?)</h1>", RegexOptions.Singleline)]
        private static partial Regex H1();
    }
}
