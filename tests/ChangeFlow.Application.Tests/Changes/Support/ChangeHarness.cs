using ChangeFlow.Application.Changes;
using ChangeFlow.Application.Changes.Activities;
using ChangeFlow.Application.Changes.Catalog;
using ChangeFlow.Application.Common;
using ChangeFlow.Application.Improvement;
using ChangeFlow.Application.Notifications;
using ChangeFlow.Application.Security;
using ChangeFlow.Application.Tasks;
using ChangeFlow.Application.Workflows;
using ChangeFlow.Domain.Changes;
using ChangeFlow.Domain.Demo;
using ChangeFlow.Engine.Execution;
using ChangeFlow.Engine.Loading;
using ChangeFlow.Persistence.Stores;
using Microsoft.EntityFrameworkCore;
using ChangeFlow.Testing;
using ChangeFlow.Testing.InMemory;
using HumanTask = ChangeFlow.Application.Tasks.HumanTask;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace ChangeFlow.Application.Tests.Changes.Support;

/// <summary>
/// The durable runtime on a real SQLite instance store, with the change ports in memory (their run writes applied
/// by handlers in the commit), the real outbox in the same SQLite database, the shipped change workflows published,
/// the default catalogue seeded, the seed's people as users, and one fake clock. With notices on, the communication
/// plan is scheduled into the outbox (templates built in, attachments from a temporary folder). Timers run only when a test moves the clock with <see cref="AdvanceToAsync"/>,
/// which fires each due timer through <see cref="WorkflowRuntime.FireTimerAsync(string, string, CancellationToken)"/> at its own instant.
/// </summary>
public sealed class ChangeHarness : IAsyncDisposable
{
    /// <summary>The CAB chair and change manager.</summary>
    public const string ChangeManager = "change-manager";

    /// <summary>The seed's requestor (Head of IT Operations), also a CAB member and implementer.</summary>
    public const string Requestor = "it-ops-head";

    /// <summary>The security officer (CAB, ECAB).</summary>
    public const string Security = "security-officer";

    /// <summary>The application owner (CAB, ECAB).</summary>
    public const string Owner = "lab-services-director";

    /// <summary>The quality lead (CAB).</summary>
    public const string Quality = "quality-lead";

    /// <summary>An implementer on call.</summary>
    public const string Implementer = "sysadmin";

    private ChangeHarness(TestDatabase database, bool notices)
    {
        Database = database;
        Catalog = new ChangeCatalog(Ports.References, Clock);
        var factory = database.CreateFactory();
        Outbox = new EfOutbox(factory, Clock);
        AttachmentsDirectory = Directory.CreateTempSubdirectory("changeflow-attachments-").FullName;
        NoticeOptions = new NoticeOptions { AttachmentsDirectory = AttachmentsDirectory, PublicBaseUrl = new Uri("https://changes.example.org/") };
        Templates = new FluidMessageTemplates(null);
        Notices = notices
            ? new NoticeScheduler(
                Templates,
                new AudienceResolver(Ports.Users, Catalog, NoticeOptions),
                new NoticeFactsLoader(Catalog, Ports.Users, NoticeOptions),
                Outbox,
                NoticeOptions,
                new DirectoryNoticeAttachments(AttachmentsDirectory))
            : null;
        IReadOnlyList<IRunWriteHandler> handlers = [.. Ports.WriteHandlers, new OutboxWriteHandler(), new OutboxCancelWriteHandler()];
        var known = new Dictionary<Type, object>
        {
            [typeof(IChangeStore)] = Ports.Changes,
            [typeof(IHumanTaskStore)] = Ports.Tasks,
            [typeof(ITimelineStore)] = Ports.Timeline,
            [typeof(IReferenceStore)] = Ports.References,
            [typeof(ISequenceStore)] = Ports.Sequences,
            [typeof(IImprovementStore)] = Ports.Improvements,
            [typeof(IUserDirectory)] = Ports.Users,
            [typeof(ChangeCatalog)] = Catalog,
            [typeof(TimeProvider)] = Clock,
            [typeof(IOutbox)] = Outbox,
        };
        if (Notices is not null)
        {
            known[typeof(NoticeScheduler)] = Notices;
        }

        var services = new Services(known);
        DefinitionStore = new EfWorkflowDefinitionStore(factory);
        Instances = new EfWorkflowInstanceStore(factory, handlers);
        Definitions = new WorkflowDefinitionService(DefinitionStore, Loader, Clock, NullLogger<WorkflowDefinitionService>.Instance);
        Runtime = new WorkflowRuntime(
            Definitions,
            Instances,
            new EfStimulusStore(factory),
            Jobs,
            Clock,
            Microsoft.Extensions.Options.Options.Create(new RuntimeOptions()),
            NullLogger<WorkflowRuntime>.Instance,
            [new ChangeWorkflowGlobals()],
            services);
        Changes = new ChangeService(Ports.Changes, Ports.Timeline, Ports.Tasks, Ports.Users, Catalog, Runtime, Clock, Notices, new EfWriteCommitter(factory, handlers));
        Tasks = new TaskService(Ports.Tasks, Ports.Users, new TaskDeciders(Ports.Users, Ports.Changes, Catalog), Runtime, Ports.Timeline, Clock);
        Ports.Users
            .Add(ChangeManager, Roles.ChangeManager, Roles.CabMember)
            .Add(Requestor, Roles.Requestor, Roles.Implementer, Roles.CabMember)
            .Add(Security, Roles.CabMember)
            .Add(Owner, Roles.CabMember)
            .Add(Quality, Roles.CabMember)
            .Add(Implementer, Roles.Implementer);
    }

    public TestDatabase Database { get; }

    public FakeTimeProvider Clock { get; } = new(EngineFixture.StartInstant);

    public RecordingJobScheduler Jobs { get; } = new();

    public InMemoryPorts Ports { get; } = new();

    public WorkflowLoader Loader { get; } = new(ChangeEnablementActivities.CreateRegistry());

    public ChangeCatalog Catalog { get; }

    public IWorkflowDefinitionStore DefinitionStore { get; }

    public IWorkflowInstanceStore Instances { get; }

    public WorkflowDefinitionService Definitions { get; }

    public WorkflowRuntime Runtime { get; }

    public ChangeService Changes { get; }

    /// <summary>The outbox, in the harness's SQLite database.</summary>
    public EfOutbox Outbox { get; }

    /// <summary>The notice scheduler, when notices are on.</summary>
    public NoticeScheduler? Notices { get; }

    /// <summary>The built-in templates.</summary>
    public FluidMessageTemplates Templates { get; }

    /// <summary>How notices are composed (links under https://changes.example.org/).</summary>
    public NoticeOptions NoticeOptions { get; }

    /// <summary>The folder plan rows attach files from.</summary>
    public string AttachmentsDirectory { get; }

    public TaskService Tasks { get; }

    private static CancellationToken Ct => CancellationToken.None;

    /// <summary>A migrated SQLite database, the default catalogue and the shipped change workflows published.</summary>
    public static Task<ChangeHarness> CreateAsync() => CreateAsync(notices: false);

    /// <summary>As <see cref="CreateAsync()"/>, with the communication plan scheduled into the outbox when <paramref name="notices"/>.</summary>
    public static async Task<ChangeHarness> CreateAsync(bool notices)
    {
        var harness = new ChangeHarness(await TestDatabase.CreateAsync(DatabaseProvider.Sqlite), notices);
        await harness.Catalog.SeedDefaultsAsync("test", Ct);
        foreach (var outcome in await harness.Definitions.ImportDirectoryAsync(Path.Combine(RepositoryPaths.Workflows, "changes"), Ct))
        {
            Assert.True(outcome.Result == "added", $"{outcome.File}: {outcome.Result} {string.Join("; ", outcome.Problems)}");
        }

        return harness;
    }

    /// <summary>The roles of a harness user.</summary>
    public IReadOnlyCollection<string> RolesOf(string userId) => Ports.Users.FindAsync(userId, Ct).Result?.Roles ?? [];

    /// <summary>The seed's dossier, as a requestor writes it (the CAB date is left for the workflow to book).</summary>
    public static ChangeRequest SeedDossier() => DemoData.Rfc2026014() with { CabReviewAt = null };

    /// <summary>Creates and submits a change as <paramref name="by"/>, asserting both succeed.</summary>
    public async Task<ChangeRecord> CreateAndSubmitAsync(ChangeRequest dossier, string by = Requestor, string? templateId = null)
    {
        var created = await Changes.CreateAsync(dossier, templateId, by, RolesOf(by), Ct);
        Assert.True(created.IsOk, created.Message);
        var submitted = await Changes.SubmitAsync(created.Value!.Number, ChangeState.New, by, RolesOf(by), Ct);
        Assert.True(submitted.IsOk, submitted.Message);
        return submitted.Value!;
    }

    /// <summary>The stored change.</summary>
    public async Task<ChangeRecord> ChangeAsync(string number) => (await Changes.GetAsync(number, Ct)).Value!;

    /// <summary>The open tasks of a change.</summary>
    public IReadOnlyList<HumanTask> OpenTasks(string number) =>
        [.. Ports.Tasks.All.Where(t => t.SubjectId == number && t.Status == HumanTaskStatus.Open)];

    /// <summary>The open task of <paramref name="userId"/> on a change.</summary>
    public HumanTask OpenTaskOf(string number, string userId) =>
        Assert.Single(OpenTasks(number), t => t.AssigneeUserId == userId);

    /// <summary>Completes the open task of <paramref name="userId"/>, asserting it was accepted.</summary>
    public async Task CompleteAsync(string number, string userId, string outcome, string? comment = null, System.Text.Json.Nodes.JsonObject? data = null)
    {
        var result = await Tasks.CompleteAsync(OpenTaskOf(number, userId).Id, outcome, comment, data, userId, RolesOf(userId), Ct);
        Assert.True(result.IsOk, result.Message);
    }

    /// <summary>Reports a plan or rollback step as <paramref name="by"/>.</summary>
    public async Task ReportAsync(string number, string stepId, StepStatus status = StepStatus.Done, string by = Implementer, string? note = null)
    {
        var change = await ChangeAsync(number);
        var result = await Changes.ReportStepAsync(number, stepId, status, note, change.Change.State, by, RolesOf(by), Ct);
        Assert.True(result.IsOk, result.Message);
    }

    /// <summary>Moves the clock to <paramref name="until"/>, firing every timer due by then at its own instant, in order.</summary>
    public async Task AdvanceToAsync(DateTimeOffset until)
    {
        while (true)
        {
            var timers = await Instances.ListDueTimersAsync(until, 1, Ct);
            if (timers.Count == 0)
            {
                break;
            }

            var due = timers[0];

            if (due.DueAt > Clock.GetUtcNow())
            {
                Clock.SetUtcNow(due.DueAt);
            }

            await Runtime.FireTimerAsync(due.InstanceId, due.BookmarkId, Ct);
        }

        if (until > Clock.GetUtcNow())
        {
            Clock.SetUtcNow(until);
        }
    }

    /// <summary>The instance that drives a change.</summary>
    public async Task<WorkflowInstanceState> InstanceAsync(string number)
    {
        var change = await ChangeAsync(number);
        var snapshot = await Instances.LoadAsync(change.WorkflowInstanceId!, Ct);
        Assert.NotNull(snapshot);
        return snapshot.State;
    }

    /// <summary>The timeline of a change.</summary>
    public Task<IReadOnlyList<TimelineEntry>> TimelineAsync(string number) => Ports.Timeline.ListAsync(number, Ct);

    /// <summary>Asserts the instance has no incident and returns its status.</summary>
    public async Task<WorkflowStatus> HealthyStatusAsync(string number)
    {
        var state = await InstanceAsync(number);
        Assert.True(state.Incidents.Count == 0, string.Join("; ", state.Incidents.Select(i => $"{i.ActivityId}: {i.Message}")));
        return state.Status;
    }

    /// <summary>A WAT wall-clock instant of 2026.</summary>
    public static DateTimeOffset Wat(int month, int day, int hour, int minute = 0) =>
        new DateTimeOffset(2026, month, day, hour, minute, 0, TimeSpan.FromHours(1)).ToUniversalTime();

    /// <summary>Every outbox row of a change, oldest first.</summary>
    public async Task<IReadOnlyList<Application.Notifications.OutboxEntry>> OutboxAsync(string number)
    {
        var page = await Outbox.ListAsync(new OutboxQuery(CorrelationKey: NoticeScheduler.CorrelationKey(number)), 0, 10_000, Ct);
        return [.. page.Items.OrderBy(e => e.CreatedAt).ThenBy(e => e.Message.Id, StringComparer.Ordinal)];
    }

    /// <summary>Marks outbox rows sent, as the mail sender does once the SMTP server accepted them.</summary>
    public async Task MarkSentAsync(IEnumerable<string> ids)
    {
        var list = ids.ToList();
        await using var db = await Database.CreateFactory().CreateDbContextAsync(Ct);
        var sent = OutboxStatus.Sent.ToString();
        var at = Clock.GetUtcNow().UtcDateTime;
        await db.Outbox.Where(m => list.Contains(m.Id)).ExecuteUpdateAsync(s => s.SetProperty(m => m.Status, sent).SetProperty(m => m.SentAt, at), Ct);
    }

    public async ValueTask DisposeAsync()
    {
        await Database.DisposeAsync();
        try
        {
            Directory.Delete(AttachmentsDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A temporary folder left behind harms nothing.
        }
    }

    private sealed class Services(Dictionary<Type, object> services) : IServiceProvider
    {
        public object? GetService(Type serviceType) => services.GetValueOrDefault(serviceType);
    }
}

/// <summary>Gives each test a fresh <see cref="ChangeHarness"/>.</summary>
public abstract class ChangeTestBase : IAsyncLifetime
{
    private ChangeHarness? _harness;

    protected ChangeHarness H => _harness ?? throw new InvalidOperationException("The test is not initialized.");

    protected static CancellationToken Ct => CancellationToken.None;

    public async Task InitializeAsync() => _harness = await ChangeHarness.CreateAsync();

    public async Task DisposeAsync()
    {
        if (_harness is not null)
        {
            await _harness.DisposeAsync();
        }
    }
}
