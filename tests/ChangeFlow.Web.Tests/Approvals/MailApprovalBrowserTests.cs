using Microsoft.Playwright;
using ChangeFlow.Web.Tests.Support;

namespace ChangeFlow.Web.Tests.Approvals;

/// <summary>An approve link opened in a real browser (headless Chromium, JavaScript off, as some mail clients' viewers are).</summary>
public sealed class MailApprovalBrowserTests : IClassFixture<BrowserFixture>, IAsyncLifetime
{
    private readonly BrowserFixture _browser;
    private MailApprovalDriver? _mail;

    public MailApprovalBrowserTests(BrowserFixture browser)
    {
        _browser = browser;
    }

    public async Task InitializeAsync()
    {
        if (BrowserFixture.SkipReason is null)
        {
            _mail = await MailApprovalDriver.StartAsync();
        }
    }

    public async Task DisposeAsync()
    {
        if (_mail is not null)
        {
            await _mail.DisposeAsync();
        }
    }

    [BrowserFact]
    public async Task ApproveLink_ShowsTheChange_AndApprovesWithOneClick_WithoutJavaScript()
    {
        var mail = _mail!;
        var task = await mail.TaskOfAsync(mail.Api.Quality);
        var (approve, _) = await mail.LinksOfAsync(mail.Api.Quality);
        await using var context = await _browser.NewContextAsync(new BrowserNewContextOptions { JavaScriptEnabled = false });
        var page = await context.NewPageAsync();
        var policyViolations = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.Ordinal))
            {
                policyViolations.Add(message.Text);
            }
        };

        var opened = await page.GotoAsync(approve.AbsoluteUri);

        Assert.Equal(200, opened!.Status);
        Assert.Equal($"Approve {mail.Number}?", await page.Locator("h1").TextContentAsync());
        Assert.Contains("LIMS major version upgrade", await page.Locator("main").TextContentAsync(), StringComparison.Ordinal);
        var button = page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = $"Approve {mail.Number}" });
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "mail-approval-confirm.png"), FullPage = true });

        var answer = await page.RunAndWaitForResponseAsync(() => button.ClickAsync(), r => r.Request.Method == "POST" && r.Url.EndsWith("/mail/approvals", StringComparison.Ordinal));
        await page.WaitForLoadStateAsync(LoadState.DOMContentLoaded);

        Assert.Equal(200, answer.Status);
        Assert.Equal($"{mail.Number} approved", await page.Locator("h1").TextContentAsync());
        Assert.Contains("your approval of", await page.Locator("[role=status]").TextContentAsync(), StringComparison.Ordinal);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "mail-approval-done.png"), FullPage = true });
        Assert.Empty(policyViolations);
        var completed = await mail.TaskAsync(task["id"]!.GetValue<string>());
        Assert.Equal("Completed", completed["status"]!.GetValue<string>());
        Assert.Equal("Approved", completed["outcome"]!.GetValue<string>());
        Assert.Equal(mail.Api.Quality.Id, completed["completedBy"]!.GetValue<string>());
    }
}
