using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using ChangeFlow.Domain.Demo;
using ChangeFlow.Web.Tests.Approvals;
using ChangeFlow.Web.Tests.Changes;
using ChangeFlow.Web.Tests.Support;

namespace ChangeFlow.Web.Tests.Security;

/// <summary>
/// A state change signed by the browser's cookie must come from ChangeFlow's own pages and send JSON; a tool's bearer
/// token is not concerned.
/// </summary>
public sealed class CrossSiteRequestTests(ChangeCommandFixture fixture) : IClassFixture<ChangeCommandFixture>
{
    private const string Evil = "https://evil.example";

    private ChangeApiDriver Api => fixture.Api;

    [Fact]
    public async Task Cancel_IsRefusedAndChangesNothing_WhenACookieSignedRequestComesFromAnotherSite()
    {
        var number = await NewChangeAsync();
        var browser = await SignInAsync(Api.Requestor);

        // The reported attack: another origin, a JSON text sent without a content type.
        var fromEvil = await browser.SendAsync(Cancel(number, contentType: null, origin: Evil));
        var problem = (await HttpAssert.StatusAsync(HttpStatusCode.Forbidden, fromEvil))!;
        Assert.Equal("application/problem+json", fromEvil.Content.Headers.ContentType?.MediaType);
        Assert.Equal(403, problem["status"]!.GetValue<int>());

        using var crossSite = Cancel(number, "application/json", origin: null);
        crossSite.Headers.Add("Sec-Fetch-Site", "cross-site");
        await HttpAssert.StatusAsync(HttpStatusCode.Forbidden, await browser.SendAsync(crossSite));
        await HttpAssert.StatusAsync(HttpStatusCode.Forbidden, await browser.SendAsync(Cancel(number, "application/json", origin: "null")));
        await HttpAssert.StatusAsync(HttpStatusCode.Forbidden, await browser.SendAsync(Cancel(number, "application/json", origin: Evil)));

        Assert.Equal("New", await Api.StateAsync(number));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    public async Task Cancel_Answers415AndChangesNothing_WhenACookieSignedBodyIsNotJson(string? contentType)
    {
        var number = await NewChangeAsync();
        var browser = await SignInAsync(Api.Requestor);

        var response = await browser.SendAsync(Cancel(number, contentType, origin: SameOrigin));

        var problem = (await HttpAssert.StatusAsync(HttpStatusCode.UnsupportedMediaType, response))!;
        Assert.Equal(415, problem["status"]!.GetValue<int>());
        Assert.Equal("New", await Api.StateAsync(number));
    }

    [Fact]
    public async Task Cancel_Succeeds_WhenACookieSignedJsonRequestComesFromThisSite()
    {
        var number = await NewChangeAsync();
        var browser = await SignInAsync(Api.Requestor);
        using var request = Cancel(number, "application/json", origin: SameOrigin);
        request.Headers.Add("Sec-Fetch-Site", "same-origin");

        await HttpAssert.StatusAsync(HttpStatusCode.OK, await browser.SendAsync(request));

        Assert.Equal("Canceled", await Api.StateAsync(number));
    }

    [Fact]
    public async Task Cancel_Succeeds_WithABearerToken_WhateverTheOriginAndContentType()
    {
        var number = await NewChangeAsync();

        await HttpAssert.StatusAsync(HttpStatusCode.OK, await Api.Requestor.Client.SendAsync(Cancel(number, contentType: null, origin: Evil)));

        Assert.Equal("Canceled", await Api.StateAsync(number));
    }

    [Fact]
    public async Task Login_IsRefused_FromAnotherSite_AndLogoutWithoutABodyStillWorks()
    {
        var browser = fixture.Server.CreateClient();
        using var login = new HttpRequestMessage(HttpMethod.Post, "api/auth/login")
        {
            Content = JsonContent.Create(new { email = Api.Requestor.Email, password = Api.Requestor.Password }),
        };
        login.Headers.Add("Origin", Evil);

        var refused = await browser.SendAsync(login);

        await HttpAssert.StatusAsync(HttpStatusCode.Forbidden, refused);
        Assert.False(refused.Headers.Contains("Set-Cookie"));
        var signedIn = await SignInAsync(Api.Requestor);
        await HttpAssert.StatusAsync(HttpStatusCode.NoContent, await signedIn.PostAsync("api/auth/logout", null));
        await HttpAssert.StatusAsync(HttpStatusCode.Unauthorized, await signedIn.GetAsync("api/users/me"));
    }

    [Fact]
    public async Task MailApprovalForm_StillDecides_WhenTheApproverIsAlsoSignedInByCookie()
    {
        // The confirmation page is served with no-referrer, so its form posts with "Origin: null" and a form body; the
        // approver's browser sends the sign-in cookie along, which that endpoint does not use.
        await using var mail = await MailApprovalDriver.StartAsync();
        var approver = mail.Api.Quality;
        await HttpAssert.StatusAsync(HttpStatusCode.OK, await mail.Browser.PostAsJsonAsync("api/auth/login", new { email = approver.Email, password = approver.Password }));
        var (approve, _) = await mail.LinksOfAsync(approver);

        var page = await mail.PostAsync(MailApprovalDriver.TokenOf(approve), adjust: r => r.Headers.Add("Origin", "null"));

        page.Is(HttpStatusCode.OK);
    }

    private string SameOrigin => fixture.Server.BaseAddress.GetLeftPart(UriPartial.Authority);

    private async Task<string> NewChangeAsync()
    {
        var dossier = Api.Dossier(DemoData.Rfc2026014() with { Title = "LIMS upgrade, to be cancelled" });
        using var response = await Api.PostAsync(dossier, submit: false);
        return (await HttpAssert.StatusAsync(HttpStatusCode.Created, response))!["dossier"]!["number"]!.GetValue<string>();
    }

    private async Task<HttpClient> SignInAsync(TestUser user)
    {
        var browser = fixture.Server.CreateClient();
        await HttpAssert.StatusAsync(HttpStatusCode.OK, await browser.PostAsJsonAsync("api/auth/login", new { email = user.Email, password = user.Password }));
        return browser;
    }

    private static HttpRequestMessage Cancel(string number, string? contentType, string? origin)
    {
        var body = new JsonObject { ["expectedState"] = "New", ["reason"] = "Superseded" }.ToJsonString();
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        if (contentType is not null)
        {
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        }

        var request = new HttpRequestMessage(HttpMethod.Post, $"api/changes/{number}/cancel") { Content = content };
        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        return request;
    }
}
