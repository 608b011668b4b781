using Microsoft.Playwright;

namespace ChangeFlow.Web.Tests.Support;

/// <summary>
/// One headless Chromium for the tests of a class (<c>IClassFixture&lt;BrowserFixture&gt;</c>), driven by Playwright.
/// It is the machine's own Chromium (Debian's <c>chromium</c> package, or <c>CHANGEFLOW_CHROMIUM</c>), so nothing is
/// downloaded; each test opens a context of its own (<see cref="NewContextAsync"/>) and closes it. Tests marked
/// <see cref="BrowserFactAttribute"/> are skipped, saying why, where no Chromium is installed.
/// </summary>
/// <example>
/// <code>
/// public sealed class MyPageTests(BrowserFixture browser) : IClassFixture&lt;BrowserFixture&gt;
/// {
///     [BrowserFact]
///     public async Task Page_Shows_X()
///     {
///         await using var context = await browser.NewContextAsync();
///         var page = await context.NewPageAsync();
///         await page.GotoAsync(server.BaseAddress + "...");
///     }
/// }
/// </code>
/// </example>
public sealed class BrowserFixture : IAsyncLifetime
{
    /// <summary>The environment variable that names another Chromium executable.</summary>
    public const string ExecutableVariable = "CHANGEFLOW_CHROMIUM";

    // Quiet, self-contained runs: no sandbox (containers run tests as root), no GPU, no calls home.
    private static readonly string[] Arguments =
        ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    /// <summary>The Chromium to drive, or null when none is installed.</summary>
    public static string? ExecutablePath { get; } =
        new[] { Environment.GetEnvironmentVariable(ExecutableVariable), "/usr/bin/chromium", "/usr/bin/chromium-browser" }
            .FirstOrDefault(path => !string.IsNullOrEmpty(path) && File.Exists(path));

    /// <summary>Why browser tests cannot run here, or null when they can.</summary>
    public static string? SkipReason { get; } = ExecutablePath is null
        ? $"No Chromium: install it (apt-get install -y chromium) or point {ExecutableVariable} at one."
        : null;

    /// <summary>The running browser.</summary>
    public IBrowser Browser => _browser ?? throw new InvalidOperationException(SkipReason ?? "The browser is not started.");

    /// <summary>Where tests put screenshots: <c>screenshots/</c> beside the test assembly.</summary>
    public static string ScreenshotDirectory { get; } = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "screenshots")).FullName;

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        if (ExecutablePath is null)
        {
            return;
        }

        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args = Arguments,
        });
    }

    /// <summary>A fresh context (its own cookies and storage); dispose it at the end of the test.</summary>
    public Task<IBrowserContext> NewContextAsync(BrowserNewContextOptions? options = null) => Browser.NewContextAsync(options);

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.CloseAsync();
        }

        _playwright?.Dispose();
    }
}

/// <summary>A test that needs a real browser: skipped, with <see cref="BrowserFixture.SkipReason"/>, where there is none.</summary>
public sealed class BrowserFactAttribute : FactAttribute
{
    /// <summary>Marks the test, skipping it when no Chromium is installed.</summary>
    public BrowserFactAttribute()
    {
        if (BrowserFixture.SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}
