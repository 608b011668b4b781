using System.Net;
using System.Net.Http.Json;
using ChangeFlow.Application.Security;
using ChangeFlow.Web.Tests.Support;
using Microsoft.Playwright;

namespace ChangeFlow.Web.Tests.Pages;

/// <summary><c>/</c> says what ChangeFlow is, where the API reference is and how to sign in, to anyone.</summary>
public sealed class HomePageTests(ChangeFlowServerFixture fixture, BrowserFixture browser) : IClassFixture<ChangeFlowServerFixture>, IClassFixture<BrowserFixture>
{
    private ChangeFlowServer Server => fixture.Server;

    [Fact]
    public async Task Home_IsAPublicPage_WithTheApiReferenceAndHowToSignIn_WhenNotSignedIn()
    {
        var response = await Server.CreateClient().GetAsync(string.Empty);

        var html = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {response.Headers.Location}: {html}");
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<h1>ChangeFlow", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/api-reference\"", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/openapi/v1.json\"", html, StringComparison.Ordinal);
        Assert.Contains("POST /api/auth/login", html, StringComparison.Ordinal);
        Assert.DoesNotContain("signed in as", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Home_SaysWhoIsSignedIn_WhenSignedInByCookie()
    {
        var user = await Server.CreateUserAsync(Roles.Requestor);
        var signedIn = Server.CreateClient();
        await HttpAssert.StatusAsync(HttpStatusCode.OK, await signedIn.PostAsJsonAsync("api/auth/login", new { email = user.Email, password = user.Password }));

        var response = await signedIn.GetAsync(string.Empty);

        var html = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {html}");
        var text = WebUtility.HtmlDecode(html);
        Assert.Contains("You are signed in as User ", text, StringComparison.Ordinal);
        Assert.Contains($"({user.Email})", text, StringComparison.Ordinal);
        Assert.Contains("href=\"/api-reference\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PageNeedingSignIn_RedirectsOnceToTheHomePage_WhenNotSignedIn()
    {
        var anonymous = Server.CreateClient();

        var login = await anonymous.GetAsync("login");

        Assert.Equal(HttpStatusCode.Found, login.StatusCode);
        var home = new Uri(Server.BaseAddress, login.Headers.Location!);
        Assert.Equal("/", home.AbsolutePath);
        var landed = await anonymous.GetAsync(home);
        Assert.Equal(HttpStatusCode.OK, landed.StatusCode);
        Assert.Null(landed.Headers.Location);

        // The API never redirects.
        var api = await anonymous.GetAsync("api/users/me");
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
        Assert.Null(api.Headers.Location);
    }

    [BrowserFact]
    public async Task Home_OpensInABrowser_WhenAnAnonymousUserTypesAnyAddress()
    {
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();

        var opened = await page.GotoAsync(new Uri(Server.BaseAddress, "login").AbsoluteUri);

        Assert.Equal(200, opened!.Status);
        Assert.Equal(new Uri(Server.BaseAddress, "/").AbsolutePath, new Uri(page.Url).AbsolutePath);
        Assert.StartsWith("ChangeFlow", await page.Locator("h1").TextContentAsync(), StringComparison.Ordinal);
        Assert.Equal("/api-reference", await page.GetByRole(AriaRole.Link, new PageGetByRoleOptions { Name = "API reference" }).GetAttributeAsync("href"));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "home.png"), FullPage = true });
    }
}
