using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ChangeFlow.Application.Workflows;
using ChangeFlow.Testing;
using ChangeFlow.Web.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace ChangeFlow.Web.Tests.Support;

/// <summary>
/// The real ChangeFlow service, built by <see cref="ChangeFlowHost"/> exactly as <c>Program.cs</c> builds it, listening
/// on Kestrel at <c>127.0.0.1</c> on a free port, with a database of its own (a migrated SQLite file in a temporary
/// directory, or a fresh PostgreSQL database), a temporary data directory, the one <see cref="FakeTimeProvider"/> and
/// a first-start administrator whose e-mail, password and API token the test knows.
/// </summary>
/// <example>
/// <code>
/// await using var server = await ChangeFlowServer.StartAsync();
/// var requestor = await server.CreateClientAsync(Roles.Requestor);   // a new user, authenticated by their own token
/// var response = await requestor.PostAsJsonAsync("api/changes", new { ... });
/// server.Clock.Advance(TimeSpan.FromHours(1));                         // the service's time moves on
/// </code>
/// </example>
public sealed class ChangeFlowServer : IAsyncDisposable
{
    private readonly ChangeFlowServerOptions _options;
    private readonly TestDatabase _database;
    private readonly string _dataDirectory;
    private readonly List<HttpClient> _clients = [];
    private readonly FakeTimeProvider? _clock;
    private WebApplication? _app;
    private HttpClient? _admin;
    private int _userCounter;
    private bool _runJobServer;

    private ChangeFlowServer(ChangeFlowServerOptions options, TestDatabase database, string dataDirectory)
    {
        _options = options;
        _database = database;
        _dataDirectory = dataDirectory;
        _runJobServer = options.RunJobServer;
        _clock = options.UseSystemClock ? null : new FakeTimeProvider(options.ClockStart);
        Time = _clock ?? TimeProvider.System;
    }

    /// <summary>
    /// The service's clock: advance it to move the service's time (expiries, lockouts); <see cref="AdvanceToAsync"/>
    /// also fires the workflow timers that fall due. Not available with <see cref="ChangeFlowServerOptions.UseSystemClock"/>.
    /// </summary>
    public FakeTimeProvider Clock => _clock ?? throw new InvalidOperationException("This server runs on the system clock (ChangeFlowServerOptions.UseSystemClock).");

    /// <summary>The clock the service runs on: <see cref="Clock"/>, or the system clock.</summary>
    public TimeProvider Time { get; }

    /// <summary>The service's root address, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The service's services (stores, <c>UserService</c>, options), for arranging state and looking at it.</summary>
    public IServiceProvider Services => App.Services;

    /// <summary>The test database (for looking at rows directly).</summary>
    public TestDatabase Database => _database;

    /// <summary>Every log line since the last (re)start.</summary>
    public LogCapture Logs { get; private set; } = new();

    /// <summary>The bootstrap administrator's e-mail.</summary>
    public string AdminEmail => _options.AdminEmail;

    /// <summary>A client authenticated as the bootstrap administrator by the configured API token.</summary>
    public HttpClient Admin => _admin ??= CreateClient(_options.AdminApiToken
        ?? throw new InvalidOperationException("This server was started without ChangeFlowServerOptions.AdminApiToken."));

    private WebApplication App => _app ?? throw new InvalidOperationException("The server is not running.");

    /// <summary>Starts a server; dispose it to stop it and delete its database and data directory.</summary>
    public static async Task<ChangeFlowServer> StartAsync(ChangeFlowServerOptions? options = null)
    {
        options ??= new ChangeFlowServerOptions();
        var database = await TestDatabase.CreateAsync(options.Provider);
        var server = new ChangeFlowServer(options, database, Directory.CreateTempSubdirectory("changeflow-web-").FullName);
        try
        {
            await server.StartAppAsync();
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    /// <summary>Stops the service and starts it again on the same database, data directory and clock (a new process would see the same).</summary>
    /// <param name="runJobServer">Whether the new process runs a Hangfire server; by default as before.</param>
    /// <param name="whileStopped">Runs between stop and start (e.g. deletes Hangfire's storage).</param>
    public async Task RestartAsync(bool? runJobServer = null, Action? whileStopped = null)
    {
        await StopAppAsync();
        _runJobServer = runJobServer ?? _runJobServer;
        whileStopped?.Invoke();
        await StartAppAsync();
    }

    /// <summary>The service's data directory (SQLite's Hangfire storage, the mail pickup directory).</summary>
    public string DataDirectory => _dataDirectory;

    /// <summary>Moves the fake clock on by <paramref name="by"/>; see <see cref="AdvanceToAsync"/>.</summary>
    public Task AdvanceAsync(TimeSpan by) => AdvanceToAsync(Clock.GetUtcNow() + by);

    /// <summary>
    /// Moves the fake clock to <paramref name="until"/> and does what the job server would have done meanwhile: fires
    /// every workflow timer due by then through <see cref="WorkflowRuntime.FireTimerAsync"/>, earliest first, each at
    /// its own due instant (the clock stops there while it fires), including timers that firing creates, until none
    /// is due. The clock never moves back; a timer already overdue fires at the current time.
    /// </summary>
    public async Task AdvanceToAsync(DateTimeOffset until)
    {
        var instances = Services.GetRequiredService<IWorkflowInstanceStore>();
        var runtime = Services.GetRequiredService<WorkflowRuntime>();
        for (var fired = 0; ; fired++)
        {
            // A workflow that keeps re-arming a timer in the past would loop forever; no shipped workflow does.
            Assert.True(fired < 10_000, $"Timers keep falling due before {until:O}.");
            var due = await instances.ListDueTimersAsync(until, 1, CancellationToken.None);
            if (due.Count == 0)
            {
                break;
            }

            if (due[0].DueAt > Clock.GetUtcNow())
            {
                Clock.SetUtcNow(due[0].DueAt);
            }

            await runtime.FireTimerAsync(due[0].InstanceId, due[0].BookmarkId, CancellationToken.None);
        }

        if (until > Clock.GetUtcNow())
        {
            Clock.SetUtcNow(until);
        }
    }

    /// <summary>A client without credentials (cookies are kept, so it can sign in with <c>POST /api/auth/login</c>).</summary>
    public HttpClient CreateClient() => Track(new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = BaseAddress });

    /// <summary>A client that sends <c>Authorization: Bearer <paramref name="token"/></c>.</summary>
    public HttpClient CreateClient(string token)
    {
        var client = Track(new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = BaseAddress });
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>
    /// Creates an active user with <paramref name="roles"/> (and a password), issues them an API token, and returns
    /// them with a client authenticated by that token. E-mails are unique per server (<c>user7@changeflow.test</c>).
    /// </summary>
    public async Task<TestUser> CreateUserAsync(params string[] roles) => await CreateUserAsync(roles, []);

    /// <summary>Like <see cref="CreateUserAsync(string[])"/>, with assignment groups.</summary>
    public async Task<TestUser> CreateUserAsync(IReadOnlyList<string> roles, IReadOnlyList<string> groups)
    {
        var n = Interlocked.Increment(ref _userCounter);
        var email = $"user{n}@changeflow.test";
        var password = $"password-of-user-{n}";
        using var created = await Admin.PostAsJsonAsync("api/users", new { email, displayName = $"User {n}", roles, groups, password });
        var user = await ReadSuccessAsync(created, "creating a user");
        var id = user["id"]!.GetValue<string>();
        using var issued = await Admin.PostAsJsonAsync($"api/users/{id}/tokens", new { name = "tests" });
        var token = (await ReadSuccessAsync(issued, "issuing a token"))["token"]!.GetValue<string>();
        return new TestUser(id, email, password, token, CreateClient(token));
    }

    /// <summary>A client authenticated as a new user with <paramref name="roles"/>.</summary>
    public async Task<HttpClient> CreateClientAsync(params string[] roles) => (await CreateUserAsync(roles)).Client;

    /// <summary>Stops the service and deletes its database and data directory.</summary>
    public async ValueTask DisposeAsync()
    {
        await StopAppAsync();
        await _database.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open elsewhere keeps the temporary directory; nothing depends on it.
        }
    }

    private async Task StartAppAsync()
    {
        var settings = new Dictionary<string, string?>
        {
            // Port 0: Kestrel picks a free port, read back below; nothing can take it between choosing and binding.
            ["urls"] = "http://127.0.0.1:0",
            ["ChangeFlow:DataDirectory"] = _dataDirectory,
            ["ChangeFlow:WorkflowsDirectory"] = _options.WorkflowsDirectory ?? Directory.CreateDirectory(Path.Combine(_dataDirectory, "workflows")).FullName,
            ["ChangeFlow:NodeName"] = "web-tests",
            ["ChangeFlow:Database:Provider"] = _database.Provider.ToString(),
            ["ConnectionStrings:ChangeFlow"] = _database.ConnectionString,
            ["ChangeFlow:Hangfire:ServerEnabled"] = _runJobServer ? "true" : "false",
            ["ChangeFlow:Bootstrap:AdminEmail"] = _options.AdminEmail,
            ["ChangeFlow:Bootstrap:AdminPassword"] = _options.AdminPassword,
            ["ChangeFlow:Bootstrap:AdminApiToken"] = _options.AdminApiToken,
            ["ChangeFlow:Security:PasswordIterations"] = "1000",
        };
        foreach (var (key, value) in _options.Settings)
        {
            settings[key] = value;
        }

        HangfireStatics.Initialize();
        Logs = new LogCapture();
        var builder = ChangeFlowHost.CreateBuilder([], b =>
        {
            b.Configuration.AddInMemoryCollection(settings);
            b.Services.AddSingleton(Time);
            b.Logging.AddProvider(Logs);
        });
        var app = builder.Build();
        try
        {
            HangfireStatics.Detach(app.Services);
            await app.PrepareAsync();
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        _app = app;
        var address = app.Urls.First();
        BaseAddress = new Uri(address.EndsWith('/') ? address : address + "/");
    }

    private async Task StopAppAsync()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }

        _clients.Clear();
        _admin = null;
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
            _app = null;
        }
    }

    private HttpClient Track(HttpClient client)
    {
        _clients.Add(client);
        return client;
    }

    private static async Task<JsonNode> ReadSuccessAsync(HttpResponseMessage response, string what)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{what} answered {(int)response.StatusCode}: {body}");
        return JsonNode.Parse(body)!;
    }
}

/// <summary>A user made by <see cref="ChangeFlowServer.CreateUserAsync(string[])"/>.</summary>
/// <param name="Id">The user id.</param>
/// <param name="Email">The sign-in e-mail.</param>
/// <param name="Password">The password (for cookie sign-in tests).</param>
/// <param name="Token">The API token's secret.</param>
/// <param name="Client">A client sending that token.</param>
public sealed record TestUser(string Id, string Email, string Password, string Token, HttpClient Client);

/// <summary>One server shared by the tests of a class (tests create the users they need, so they do not interfere).</summary>
public class ChangeFlowServerFixture : IAsyncLifetime
{
    private ChangeFlowServer? _server;

    /// <summary>The server.</summary>
    public ChangeFlowServer Server => _server ?? throw new InvalidOperationException("The fixture is not initialized.");

    /// <summary>The options the server starts with; override to change them.</summary>
    protected virtual ChangeFlowServerOptions Options => new();

    public virtual async Task InitializeAsync() => _server = await ChangeFlowServer.StartAsync(Options);

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
