using ChangeFlow.Application.Incidents;
using ChangeFlow.Application.Workflows;
using ChangeFlow.Domain.Incidents;
using ChangeFlow.Domain.Problems;
using ChangeFlow.Domain.Time;
using ChangeFlow.Engine.Execution;
using ChangeFlow.Persistence.Stores;
using ChangeFlow.Testing;
using Microsoft.EntityFrameworkCore;
using Incident = ChangeFlow.Domain.Incidents.Incident;

namespace ChangeFlow.Persistence.Tests.Stores;

/// <summary>
/// What every database provider must do for the incident and problem stores and the incident run write. The tests
/// of a class share one database: each takes a year of its own (numbers are per year) and ids of its own.
/// </summary>
public abstract class IncidentStoreContractTests
{
    private static int _lastYear = 4000;

    private static readonly BusinessCalendar Office = BusinessCalendar.Create(
        "office", "Office", "Africa/Lagos",
        new Dictionary<DayOfWeek, IReadOnlyList<WorkingHours>> { [DayOfWeek.Monday] = [new(new TimeOnly(8, 0), new TimeOnly(17, 0))], [DayOfWeek.Tuesday] = [new(new TimeOnly(8, 0), new TimeOnly(17, 0))] },
        []).Value;

    protected IncidentStoreContractTests(TestDatabase database)
    {
        Database = database;
        var factory = database.CreateFactory();
        var sequences = new EfSequenceStore(factory);
        Incidents = new EfIncidentStore(factory, sequences);
        Problems = new EfProblemStore(factory, sequences);
        Instances = new EfWorkflowInstanceStore(factory, [.. ChangeStoresServiceCollectionExtensions.RunWriteHandlers(), .. IncidentStoresServiceCollectionExtensions.RunWriteHandlers()]);
    }

    protected TestDatabase Database { get; }

    private EfIncidentStore Incidents { get; }

    private EfProblemStore Problems { get; }

    private EfWorkflowInstanceStore Instances { get; }

    private static CancellationToken Ct => CancellationToken.None;

    [Fact]
    public async Task AllocateNumberAsync_HandsOutDistinctNumbers_PerYear_InParallel()
    {
        var year = NewYear();
        var otherNode = new EfIncidentStore(Database.CreateFactory(), new EfSequenceStore(Database.CreateFactory()));

        var numbers = await Task.WhenAll(Enumerable.Range(0, 30).Select(i => Task.Run(() => (i % 2 == 0 ? Incidents : otherNode).AllocateNumberAsync(year, Ct))));

        Assert.Equal(Enumerable.Range(1, 30).Select(i => $"INC-{year}-{i:D4}"), numbers.Order(StringComparer.Ordinal));
        Assert.Equal($"PRB-{year}-0001", await Problems.AllocateNumberAsync(year, Ct));
    }

    [Fact]
    public async Task FindAsync_ReturnsTheIncidentAsAdded_WithClocksMarksEscalationsCrisisAndAlerts()
    {
        var record = await NewIncidentAsync(NewYear(), impact: Impact.High, urgency: Urgency.High, alertKey: NewId("group"));
        var incident = record.Incident.MarkReached(SlaClockKind.Resolution, 0.5, record.Incident.OpenedAt.AddHours(2))
            .Escalate(new EscalationEntry("next-tier", EscalationKind.Functional, record.Incident.OpenedAt.AddHours(2), "system", "50 %", "service-desk", "it-operations", ["assignment-group"], false)).Value
            .DeclareCrisis("All labs", record.Incident.OpenedAt.AddHours(3), "manager").Value;
        record = record with { Incident = incident };

        await Incidents.AddAsync(record, Ct);
        var found = await Incidents.FindAsync(record.Number, Ct);

        Assert.NotNull(found);
        Assert.Equal(IncidentJson.Write(record.Incident), IncidentJson.Write(found.Incident));
        Assert.Equal((1L, record.WorkflowInstanceId, record.CreatedBy), (found.Version, found.WorkflowInstanceId, found.CreatedBy));
        Assert.Equal(record.Incident.ResolutionClock!.DueAt(1, Office), found.Incident.ResolutionClock!.DueAt(1, Office));
        Assert.Equal("lims-prod-01", found.Incident.Alert!.Alerts[0].Labels["instance"]);
        Assert.Null(await Incidents.FindAsync($"INC-{record.Number[4..8]}-9999", Ct));
    }

    [Fact]
    public async Task AddAsync_RefusesATakenNumber_AndASecondOpenIncidentForOneAlert_UntilTheFirstCloses()
    {
        var year = NewYear();
        var key = NewId("group");
        var first = await NewIncidentAsync(year, alertKey: key);
        await Incidents.AddAsync(first, Ct);

        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Incidents.AddAsync(first, Ct));
        var second = await NewIncidentAsync(year, alertKey: key);
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Incidents.AddAsync(second, Ct));
        Assert.Equal(first.Number, (await Incidents.FindByAlertKeyAsync(key, Ct))!.Number);

        var closed = Closed(first);
        await Incidents.UpdateAsync(closed with { Version = 2 }, expectedVersion: 1, Ct);
        Assert.Null(await Incidents.FindByAlertKeyAsync(key, Ct));
        await Incidents.AddAsync(second, Ct);
        Assert.Equal(second.Number, (await Incidents.FindByAlertKeyAsync(key, Ct))!.Number);
    }

    [Fact]
    public async Task UpdateAsync_ReplacesAtTheExpectedVersion_AndRefusesAStaleOne()
    {
        var record = await NewIncidentAsync(NewYear());
        await Incidents.AddAsync(record, Ct);
        var assigned = record with { Incident = record.Incident.Assign("network", "engineer", record.Incident.OpenedAt, "agent").Value, Version = 2 };

        await Incidents.UpdateAsync(assigned, expectedVersion: 1, Ct);

        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Incidents.UpdateAsync(record with { Version = 2 }, expectedVersion: 1, Ct));
        var found = await Incidents.FindAsync(record.Number, Ct);
        Assert.Equal(("network", 2L), (found!.Incident.AssignmentGroup, found.Version));
    }

    [Fact]
    public async Task ListAsync_FiltersByEveryColumn_AndOrdersNewestFirst()
    {
        var year = NewYear();
        var service = NewId("svc");
        var problem = $"PRB-{year}-0001";
        var a = await NewIncidentAsync(year, service: service, opened: Instant(year, 3, 1));
        var b = await NewIncidentAsync(year, service: service, opened: Instant(year, 3, 2), impact: Impact.High, urgency: Urgency.High);
        b = b with { Incident = b.Incident.Assign("network", "eng-" + year, b.Incident.OpenedAt, "agent").Value.LinkProblem(problem).Value.LinkCausingChange("RFC-2026-014").Value };
        var c = Closed(await NewIncidentAsync(year, service: service, opened: Instant(year, 3, 3)));
        foreach (var record in new[] { a, b, c })
        {
            await Incidents.AddAsync(record, Ct);
        }

        var mine = new IncidentQuery(ServiceId: service);
        Assert.Equal([c.Number, b.Number, a.Number], (await Incidents.ListAsync(mine, Ct)).Items.Select(r => r.Number));
        Assert.Equal([b.Number], (await Incidents.ListAsync(mine with { Priority = Priority.P1 }, Ct)).Items.Select(r => r.Number));
        Assert.Equal([b.Number, a.Number], (await Incidents.ListAsync(mine with { Open = true }, Ct)).Items.Select(r => r.Number));
        Assert.Equal([c.Number], (await Incidents.ListAsync(mine with { State = IncidentState.Closed }, Ct)).Items.Select(r => r.Number));
        Assert.Equal([b.Number], (await Incidents.ListAsync(new IncidentQuery(AssigneeId: "eng-" + year), Ct)).Items.Select(r => r.Number));
        Assert.Equal([b.Number], (await Incidents.ListAsync(new IncidentQuery(ProblemNumber: problem), Ct)).Items.Select(r => r.Number));
        Assert.Equal([b.Number], (await Incidents.ListAsync(mine with { CausedByChange = "RFC-2026-014", AssignmentGroup = "network" }, Ct)).Items.Select(r => r.Number));
        Assert.Equal([b.Number], (await Incidents.ListAsync(mine with { OpenedFrom = Instant(year, 3, 2), OpenedTo = Instant(year, 3, 3) }, Ct)).Items.Select(r => r.Number));
        var page = await Incidents.ListAsync(mine with { Skip = 1, Take = 1 }, Ct);
        Assert.Equal((3, b.Number), (page.Total, page.Items.Single().Number));
        Assert.Equal(3, (await Incidents.ListAllAsync(mine, Ct)).Count);
    }

    [Fact]
    public async Task IncidentWrite_InsertsAndUpdatesInTheRunsTransaction_AndAStaleOneRollsTheRunBack()
    {
        var record = await NewIncidentAsync(NewYear());
        var instance = await NewInstanceAsync();

        instance = await CommitAsync(instance, [new IncidentWrite(record, ExpectedVersion: 0)]);
        var marked = record with { Incident = record.Incident.MarkReached(SlaClockKind.Response, 0.5, record.Incident.OpenedAt.AddHours(1)), Version = 2 };
        instance = await CommitAsync(instance, [new IncidentWrite(marked, ExpectedVersion: 1)]);
        Assert.True((await Incidents.FindAsync(record.Number, Ct))!.Incident.ResponseClock!.HasReached(0.5));

        var stale = record with { Incident = record.Incident.Assign("stale", null, record.Incident.OpenedAt, "x").Value, Version = 2 };
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => CommitAsync(instance, [new IncidentWrite(stale, ExpectedVersion: 1)]));
        var found = await Incidents.FindAsync(record.Number, Ct);
        Assert.Equal((2L, "service-desk"), (found!.Version, found.Incident.AssignmentGroup));
        Assert.Equal(instance.Version, (await Instances.LoadAsync(instance.State.Id, Ct))!.Version);
    }

    [Fact]
    public async Task ProblemStore_AddsFindsListsAndUpdatesWithVersions()
    {
        var year = NewYear();
        var service = NewId("svc");
        var number = await Problems.AllocateNumberAsync(year, Ct);
        var problem = Problem.Log(number, "Index bloat", "Weekly slowness", service, Instant(year, 1, 5), "pm").Value;
        var record = new ProblemRecord { Problem = problem, UpdatedAt = Instant(year, 1, 5), Version = 1 };
        await Problems.AddAsync(record, Ct);
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Problems.AddAsync(record, Ct));

        var known = record with { Problem = problem.MarkKnownError("Restart nightly", "Autovacuum off", Instant(year, 1, 6), "dba").Value, Version = 2 };
        await Problems.UpdateAsync(known, expectedVersion: 1, Ct);
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Problems.UpdateAsync(known, expectedVersion: 1, Ct));

        var found = await Problems.FindAsync(number, Ct);
        Assert.Equal((ProblemState.KnownError, "Restart nightly", 2L), (found!.Problem.State, found.Problem.Workaround, found.Version));
        Assert.Equal([number], (await Problems.ListAsync(new ProblemQuery(ProblemState.KnownError, service), Ct)).Items.Select(p => p.Number));
        Assert.Empty((await Problems.ListAsync(new ProblemQuery(ProblemState.Logged, service), Ct)).Items);
    }

    [Fact]
    public async Task Database_HasTheIncidentTables_WhenMigrated()
    {
        await using var db = Database.CreateContext();

        Assert.Equal(["incidents", "problems"], new[] { typeof(IncidentTicketEntity), typeof(ProblemEntity) }.Select(t => db.Model.FindEntityType(t)!.GetTableName()));
        Assert.Equal(0, await db.Set<IncidentTicketEntity>().CountAsync(i => i.OpenAlertKey == "never-used"));
    }

    // ---- Helpers ----

    private static int NewYear() => Interlocked.Increment(ref _lastYear);

    private static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    private static DateTimeOffset Instant(int year, int month, int day, int hour = 9) => new(year, month, day, hour, 0, 0, TimeSpan.Zero);

    private static SlaPlan Plan(Priority priority) => new(priority, SlaTarget.Within(TimeSpan.FromHours(4)), SlaTarget.BusinessDays(1), Office);

    /// <summary>A prioritized incident of <paramref name="year"/>, with a fresh number, on the service-desk group.</summary>
    private async Task<IncidentRecord> NewIncidentAsync(int year, string? service = null, DateTimeOffset? opened = null, Impact impact = Impact.Medium, Urgency urgency = Urgency.Medium, string? alertKey = null)
    {
        var at = opened ?? Instant(year, 5, 4);
        var number = await Incidents.AllocateNumberAsync(year, Ct);
        var incident = Incident.Open(number, "LIMS result entry fails", IncidentSource.Api, at, "agent").Value
            .Log("Every sample", service ?? "application-support", "lab-tech", null, Plan(Priority.P3), at, "agent").Value
            .Categorize("software", null, null, Plan(Priority.P3), at, "agent").Value
            .Prioritize(impact, urgency, PriorityMatrix.Default, Plan, at, "agent").Value
            .Assign("service-desk", null, at, "agent").Value;
        if (alertKey is not null)
        {
            incident = incident.WithAlert(new MonitoringAlert(alertKey, "changeflow", "{}:{alertname=\"LimsDown\"}", null, "firing",
                [new AlertInstance("abc", "LimsDown", "firing", at, null, "LIMS is unreachable", null, new Dictionary<string, string> { ["instance"] = "lims-prod-01" })], at));
        }

        return new IncidentRecord { Incident = incident, CreatedBy = "agent", WorkflowInstanceId = NewId("wf"), CreatedAt = at, UpdatedAt = at, Version = 1 };
    }

    private static IncidentRecord Closed(IncidentRecord record)
    {
        var at = record.Incident.OpenedAt.AddHours(1);
        var incident = record.Incident.Resolve("fixed", "Done", Plan(Priority.P3), at, "agent").Value
            .Close(ClosureKind.ClosedByAgent, null, null, null, Plan(Priority.P3), at, "agent").Value;
        return record with { Incident = incident };
    }

    private async Task<InstanceSnapshot> NewInstanceAsync()
    {
        var state = new WorkflowInstanceState
        {
            Id = NewId("instance"),
            DefinitionId = "incident-lifecycle",
            DefinitionVersionId = "incident-lifecycle:v1",
            DefinitionVersion = 1,
            Status = WorkflowStatus.Suspended,
            CreatedAt = EngineFixture.StartInstant,
            UpdatedAt = EngineFixture.StartInstant,
        };
        await Instances.CommitAsync(new InstanceCommit { State = state }, Ct);
        return (await Instances.LoadAsync(state.Id, Ct))!;
    }

    private async Task<InstanceSnapshot> CommitAsync(InstanceSnapshot instance, IReadOnlyList<IRunWrite> writes)
    {
        await Instances.CommitAsync(new InstanceCommit { State = instance.State, ExpectedVersion = instance.Version, Writes = writes }, Ct);
        return (await Instances.LoadAsync(instance.State.Id, Ct))!;
    }
}

/// <summary>The incident stores' contract on a real SQLite file.</summary>
public sealed class SqliteIncidentStoreTests(SqliteDatabaseFixture fixture)
    : IncidentStoreContractTests(fixture.Database), IClassFixture<SqliteDatabaseFixture>;

/// <summary>The incident stores' contract on a real PostgreSQL database.</summary>
public sealed class PostgreSqlIncidentStoreTests(PostgreSqlDatabaseFixture fixture)
    : IncidentStoreContractTests(fixture.Database), IClassFixture<PostgreSqlDatabaseFixture>;
