using System.Text.Json.Nodes;
using ChangeFlow.Application.Changes;
using ChangeFlow.Application.Common;
using ChangeFlow.Application.Incidents.Config;
using ChangeFlow.Application.Notifications;
using ChangeFlow.Application.Security;
using ChangeFlow.Application.Workflows;
using ChangeFlow.Domain.Changes;
using ChangeFlow.Domain.Common;
using ChangeFlow.Domain.Incidents;
using ChangeFlow.Domain.Registry;
using ChangeFlow.Engine.Execution;
using Microsoft.Extensions.Logging;
using Incident = ChangeFlow.Domain.Incidents.Incident;

namespace ChangeFlow.Application.Incidents;

/// <summary>
/// The incident use cases, step by step through the lifecycle: open (identify and log), categorize, prioritize,
/// assign, acknowledge, diagnose, hold and resume, resolve, confirm or reopen (the reporter), close with lessons
/// learned, escalate by hand, declare a crisis, link the problem and the causing change. Each command returns a
/// typed result (Ok, NotFound, Invalid with field paths, Conflict for a move the lifecycle refuses or a stale
/// version, Forbidden), writes its timeline lines, and wakes the incident's workflow, which keeps the SLA clocks.
/// </summary>
public sealed partial class IncidentService
{
    /// <summary>The workflow definition every incident runs on.</summary>
    public const string WorkflowDefinitionId = "incident-lifecycle";

    /// <summary>The longest title.</summary>
    public const int MaxTitleLength = 200;

    private const int MaxAttempts = 3;

    private readonly IIncidentStore _incidents;
    private readonly IProblemStore _problems;
    private readonly IChangeStore _changes;
    private readonly ITimelineStore _timeline;
    private readonly IReferenceStore _references;
    private readonly IncidentCatalog _catalog;
    private readonly IncidentRecipients _recipients;
    private readonly IOutbox _outbox;
    private readonly WorkflowRuntime _runtime;
    private readonly TimeProvider _time;
    private readonly ILogger<IncidentService> _logger;

    /// <summary>Creates the service.</summary>
    public IncidentService(
        IIncidentStore incidents,
        IProblemStore problems,
        IChangeStore changes,
        ITimelineStore timeline,
        IReferenceStore references,
        IncidentCatalog catalog,
        IncidentRecipients recipients,
        IOutbox outbox,
        WorkflowRuntime runtime,
        TimeProvider time,
        ILogger<IncidentService> logger)
    {
        _incidents = incidents;
        _problems = problems;
        _changes = changes;
        _timeline = timeline;
        _references = references;
        _catalog = catalog;
        _recipients = recipients;
        _outbox = outbox;
        _runtime = runtime;
        _time = time;
        _logger = logger;
    }

    /// <summary>The roles that work incidents (the API's ServiceDesk policy).</summary>
    public static IReadOnlyList<string> AgentRoles => Permissions.ServiceDesk;

    /// <summary>An incident by number.</summary>
    public async Task<CommandResult<IncidentRecord>> GetAsync(string number, CancellationToken cancellationToken) =>
        await _incidents.FindAsync(number, cancellationToken) is { } record
            ? CommandResult.Ok(record)
            : CommandResult.NotFound<IncidentRecord>("number", $"No incident '{number}'.");

    /// <summary>An incident by number as <paramref name="userId"/> may read it: one they may not read does not exist for them (<see cref="ReadVisibility"/>).</summary>
    public async Task<CommandResult<IncidentRecord>> GetAsync(string number, string? userId, IReadOnlyCollection<string> roles, CancellationToken cancellationToken) =>
        await _incidents.FindAsync(number, cancellationToken) is { } record && ReadVisibility.MaySee(record, userId, roles)
            ? CommandResult.Ok(record)
            : CommandResult.NotFound<IncidentRecord>("number", $"No incident '{number}'.");

    /// <summary>The SLA clocks of an incident, now.</summary>
    public async Task<CommandResult<IReadOnlyList<SlaClockView>>> SlaAsync(string number, string? userId, IReadOnlyCollection<string> roles, CancellationToken cancellationToken)
    {
        var record = await _incidents.FindAsync(number, cancellationToken);
        if (record is null || !ReadVisibility.MaySee(record, userId, roles))
        {
            return CommandResult.NotFound<IReadOnlyList<SlaClockView>>("number", $"No incident '{number}'.");
        }

        var config = await _catalog.LoadAsync(cancellationToken);
        return CommandResult.Ok(IncidentSlaView.Describe(record.Incident, config, _time.GetUtcNow()));
    }

    /// <summary>
    /// Opens an incident (identification) and, as far as the report allows, logs, categorizes, prioritizes and
    /// assigns it, each step in the timeline; then starts its workflow, which keeps the SLA clocks. Everything is
    /// checked before a number is allocated, so a bad report uses no number.
    /// </summary>
    public Task<CommandResult<IncidentRecord>> OpenAsync(IncidentReport report, string userId, CancellationToken cancellationToken) =>
        OpenAsync(report, userId, null, cancellationToken);

    /// <summary>Opens an incident, with the monitoring alerts behind it when Alertmanager reported it.</summary>
    internal async Task<CommandResult<IncidentRecord>> OpenAsync(IncidentReport report, string userId, MonitoringAlert? alert, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        var config = await _catalog.LoadAsync(cancellationToken);
        var errors = await CheckReportAsync(report, config, cancellationToken);
        if (errors.Count > 0)
        {
            return CommandResult.Invalid<IncidentRecord>(errors);
        }

        var now = _time.GetUtcNow();
        var number = await _incidents.AllocateNumberAsync(now.UtcDateTime.Year, cancellationToken);
        var steps = new List<(string Action, string Summary, JsonObject? Data)>();
        var built = Build(report with { ReporterId = report.ReporterId ?? userId }, number, config, now, userId, steps);
        if (!built.IsSuccess)
        {
            return CommandResult.Invalid<IncidentRecord>(built.Errors);
        }

        var record = new IncidentRecord
        {
            Incident = built.Value.WithAlert(alert),
            CreatedBy = userId,
            WorkflowInstanceId = Guid.CreateVersion7(now).ToString("N"),
            CreatedAt = now,
            UpdatedAt = now,
            Version = 1,
        };
        try
        {
            await _incidents.AddAsync(record, cancellationToken);
        }
        catch (ConcurrencyConflictException ex)
        {
            return CommandResult.Conflict<IncidentRecord>("number", ex.Message);
        }

        foreach (var (action, summary, data) in steps)
        {
            await AddTimelineAsync(number, userId, action, summary, data, cancellationToken);
        }

        return CommandResult.Ok(await StartWorkflowAsync(record, userId, cancellationToken));
    }

    /// <summary>
    /// Builds an incident from a report: identification, then logging, categorization, prioritization and
    /// assignment as far as the report goes (used when opening, from a person or from monitoring).
    /// </summary>
    internal static Result<Incident> Build(IncidentReport report, string number, IncidentConfiguration config, DateTimeOffset now, string by, List<(string Action, string Summary, JsonObject? Data)> steps)
    {
        var source = report.Source ?? IncidentSource.Api;
        var opened = Incident.Open(number, report.Title ?? string.Empty, source, now, by);
        if (!opened.IsSuccess)
        {
            return opened;
        }

        var incident = opened.Value;
        steps.Add(("incident.identified", $"Identified ({Describe(source)}): {incident.Title}", new JsonObject { ["source"] = source.ToString() }));
        if (!string.IsNullOrWhiteSpace(report.Description) && report.ServiceId is not null && report.ReporterId is not null)
        {
            var logged = incident.Log(report.Description, report.ServiceId, report.ReporterId, report.ConfigurationItemId, config.PlanOf(incident with { ServiceId = report.ServiceId }), now, by);
            if (!logged.IsSuccess)
            {
                return logged;
            }

            incident = logged.Value;
            steps.Add(("incident.logged", $"Logged: service {incident.ServiceId}{(incident.ConfigurationItemId is { } ci ? $", CI {ci}" : string.Empty)}, reported by {incident.ReporterId}.", null));
            if (report.Category is { } category)
            {
                incident = incident.Categorize(category, null, null, config.PlanOf(incident), now, by).Value;
                steps.Add(("incident.categorized", $"Categorized as {category}.", new JsonObject { ["category"] = category }));
                if (report.Impact is { } impact && report.Urgency is { } urgency)
                {
                    incident = incident.Prioritize(impact, urgency, config.Matrix, p => config.PlanFor(incident.ServiceId, p) ?? config.PlanOf(incident), now, by).Value;
                    steps.Add(("incident.prioritized", $"Prioritized {incident.Priority}: {impact} impact, {urgency} urgency.", PriorityData(incident)));
                }
            }

            var group = report.AssignmentGroup ?? config.SupportGroupsOf(incident.ServiceId)[0];
            incident = incident.Assign(group, report.AssigneeId, now, by).Value;
            steps.Add(("incident.assigned", $"Assigned to {group}{(report.AssigneeId is { } a ? $" ({a})" : string.Empty)}.", new JsonObject { ["group"] = group, ["assignee"] = report.AssigneeId }));
        }

        return Result.Success(incident);
    }

    /// <summary>Completes the record of an identified incident (step 2).</summary>
    public Task<CommandResult<IncidentRecord>> LogAsync(string number, string? description, string? serviceId, string? reporterId, string? configurationItemId, IncidentActor actor, CancellationToken cancellationToken) =>
        UpdateAsync(number, actor, AgentRoles, async (record, config) =>
        {
            var errors = new PathErrors();
            await CheckServiceAndCiAsync(errors, serviceId, configurationItemId, config, required: true, cancellationToken);
            if (errors.Count > 0)
            {
                return Result.Failure<Incident>(errors.ToList());
            }

            var incident = record.Incident;
            var logged = incident.Log(description, serviceId, reporterId ?? actor.UserId, configurationItemId, config.PlanOf(incident with { ServiceId = serviceId }), Now, actor.UserId);
            return logged.IsSuccess && logged.Value.AssignmentGroup is null
                ? logged.Value.Assign(config.SupportGroupsOf(serviceId)[0], null, Now, actor.UserId)
                : logged;
        },
        (before, after) => [("incident.logged", $"Logged: service {after.ServiceId}, reported by {after.ReporterId}.", null), ("incident.assigned", $"Assigned to {after.AssignmentGroup}.", new JsonObject { ["group"] = after.AssignmentGroup })],
        cancellationToken);

    /// <summary>Categorizes (step 3), or corrects the category, service or CI later; a new service retargets the clocks.</summary>
    public Task<CommandResult<IncidentRecord>> CategorizeAsync(string number, string? category, string? serviceId, string? configurationItemId, IncidentActor actor, CancellationToken cancellationToken) =>
        UpdateAsync(number, actor, AgentRoles, async (record, config) =>
        {
            var errors = new PathErrors();
            if (category is not null && !config.Settings.Categories.Contains(category))
            {
                errors.Add("category", ErrorCodes.Unknown, $"'{category}' is not a category; use one of {string.Join(", ", config.Settings.Categories)}.");
            }

            await CheckServiceAndCiAsync(errors, serviceId, configurationItemId, config, required: false, cancellationToken);
            if (errors.Count > 0)
            {
                return Result.Failure<Incident>(errors.ToList());
            }

            var incident = record.Incident;
            var service = serviceId ?? incident.ServiceId;
            return incident.Categorize(category, serviceId, configurationItemId, config.PlanOf(incident with { ServiceId = service }), Now, actor.UserId);
        },
        (before, after) => [("incident.categorized",
            $"Categorized as {after.Category}{(before.ServiceId != after.ServiceId ? $"; service {before.ServiceId} → {after.ServiceId}" : string.Empty)}{(after.ConfigurationItemId is { } ci ? $", CI {ci}" : string.Empty)}.",
            new JsonObject { ["category"] = after.Category, ["serviceId"] = after.ServiceId, ["configurationItemId"] = after.ConfigurationItemId })],
        cancellationToken);

    /// <summary>Prioritizes (step 4) with the matrix, or re-prioritizes later: the clocks keep their time and run against the new priority's targets.</summary>
    public Task<CommandResult<IncidentRecord>> PrioritizeAsync(string number, Impact impact, Urgency urgency, string? reason, IncidentActor actor, CancellationToken cancellationToken) =>
        UpdateAsync(number, actor, AgentRoles, (record, config) =>
        {
            var incident = record.Incident;
            return Task.FromResult(incident.Prioritize(impact, urgency, config.Matrix, p => config.PlanFor(incident.ServiceId, p) ?? config.PlanOf(incident), Now, actor.UserId, reason));
        },
        (before, after) => [("incident.prioritized",
            before.Priority is { } old && old != after.Priority
                ? $"Priority {old} → {after.Priority}: {after.Impact} impact, {after.Urgency} urgency{(reason is null ? string.Empty : $" ({reason})")}."
                : $"Prioritized {after.Priority}: {after.Impact} impact, {after.Urgency} urgency{(reason is null ? string.Empty : $" ({reason})")}.",
            PriorityData(after))],
        cancellationToken);

    /// <summary>Assigns a group and/or a person. The clocks go on as they were.</summary>
    public Task<CommandResult<IncidentRecord>> AssignAsync(string number, string? group, string? assigneeId, IncidentActor actor, CancellationToken cancellationToken) =>
        UpdateAsync(number, actor, AgentRoles, (record, _) =>
        {
            if (group is not null && !ConfigurationRegistry.IsWellFormedId(group))
            {
                return Task.FromResult(Result.Failure<Incident>("assignmentGroup", ErrorCodes.Invalid, $"'{group}' is not a group slug."));
            }

            return Task.FromResult(record.Incident.Assign(group, assigneeId, Now, actor.UserId));
        },
        (before, after) => [("incident.assigned", $"Assigned to {after.AssignmentGroup}{(after.AssigneeId is { } a ? $" ({a})" : string.Empty)}{(before.AssignmentGroup != after.AssignmentGroup && before.AssignmentGroup is not null ? $", from {before.AssignmentGroup}" : string.Empty)}; the SLA clocks go on.", new JsonObject { ["group"] = after.AssignmentGroup, ["assignee"] = after.AssigneeId })],
        cancellationToken,
        wake: false);

    /// <summary>Someone starts working on it (step 5, diagnosis): the response target is met or missed now.</summary>
    public Task<CommandResult<IncidentRecord>> AcknowledgeAsync(string number, string? note, IncidentActor actor, CancellationToken cancellationToken) =>
        UpdateAsync(number, actor, AgentRoles, (record, config) => Task.FromResult(record.Incident.Acknowledge(config.PlanOf(record.Incident), Now, actor.UserId, note)),
            (before, after) => [("incident.diagnosis", $"Diagnosis started by {actor.UserId}; response {(after.ResponseClock?.IsBreached == true ? "target missed" : "within target")}{(note is null ? string.Empty : $": {note}")}.", null)],
            cancellationToken);

    /// <summary>Records the probable cause found so far.</summary>
    public Task<CommandResult<IncidentRecord>> RecordDiagnosisAsync(string number, string? probableCause, IncidentActor actor, CancellationToken cancellationToken) =>
        UpdateAsync(number, actor, AgentRoles, (record, _) => Task.FromResult(record.Incident.RecordDiagnosis(probableCause)),
            (before, after) => [("incident.diagnosed", $"Probable cause: {after.ProbableCause}", null)],
            cancellationToken,
            wake: false);

    /// <summary>Puts it on hold (AwaitingUser, PendingVendor); the clocks pause when the settings say that hold state pauses them.</summary>
    public Task<CommandResult<IncidentRecord>> HoldAsync(string number, IncidentState hold, string? reason, IncidentActor actor, CancellationToken cancellationToken) =>
        UpdateAsync(number, actor, AgentRoles, (record, config) => Task.FromResult(record.Incident.Hold(hold, reason, config.Settings.Pauses(hold), config.PlanOf(record.Incident), Now, actor.UserId)),
            (before, after) => [("incident.on-hold", $"{before.State} → {after.State}: {reason}{(after.HoldPausesClocks ? " (SLA clocks paused)" : " (SLA clocks keep running)")}.", new JsonObject { ["from"] = before.State.ToString(), ["to"] = after.State.ToString(), ["clocksPaused"] = after.HoldPausesClocks })],
            cancellationToken);

    /// <summary>Ends a hold; paused clocks count again and their due times move by the pause.</summary>
    public Task<CommandResult<IncidentRecord>> ResumeAsync(string number, string? note, IncidentActor actor, CancellationToken cancellationToken) =>
        UpdateAsync(number, actor, AgentRoles, (record, _) => Task.FromResult(record.Incident.Resume(Now, actor.UserId, note)),
            (before, after) => [("incident.resumed", $"{before.State} → {after.State}{(before.HoldPausesClocks ? "; SLA clocks running again" : string.Empty)}{(note is null ? string.Empty : $": {note}")}.", new JsonObject { ["from"] = before.State.ToString(), ["to"] = after.State.ToString() })],
            cancellationToken);

    /// <summary>Resolves it (step 6): the fix is applied and the service restored.</summary>
    public Task<CommandResult<IncidentRecord>> ResolveAsync(string number, string? code, string? resolution, IncidentActor actor, CancellationToken cancellationToken) =>
        UpdateAsync(number, actor, AgentRoles, (record, config) => Task.FromResult(record.Incident.Resolve(code, resolution, config.PlanOf(record.Incident), Now, actor.UserId)),
            (before, after) => [("incident.resolved", $"Resolved ({after.Resolution!.Code}): {after.Resolution.Notes}; resolution {(after.ResolutionClock?.IsBreached == true ? "target missed" : "within target")}.", new JsonObject { ["code"] = after.Resolution.Code })],
            cancellationToken);

    /// <summary>The reporter confirms the resolution (step 7): closed.</summary>
    public async Task<CommandResult<IncidentRecord>> ConfirmAsync(string number, string? comment, IncidentActor actor, CancellationToken cancellationToken) =>
        await ReporterMayAsync(number, actor, cancellationToken) ?? await UpdateAsync(number, actor, null, (record, config) =>
            Task.FromResult(record.Incident.Close(ClosureKind.Confirmed, comment, null, null, config.PlanOf(record.Incident), Now, actor.UserId)),
            (before, after) => [("incident.closed", $"Resolution confirmed by {actor.UserId}{(comment is null ? string.Empty : $": {comment}")}.", new JsonObject { ["kind"] = nameof(ClosureKind.Confirmed) })],
            cancellationToken);

    /// <summary>The reporter (or an agent) says the fix did not hold: back to diagnosis, the resolution clock runs on.</summary>
    public async Task<CommandResult<IncidentRecord>> ReopenAsync(string number, string? reason, IncidentActor actor, CancellationToken cancellationToken) =>
        await ReporterMayAsync(number, actor, cancellationToken) ?? await UpdateAsync(number, actor, null, (record, _) => Task.FromResult(record.Incident.Reopen(reason, Now, actor.UserId)),
            (before, after) => [("incident.reopened", $"Reopened by {actor.UserId}: {reason}", null)],
            cancellationToken);

    /// <summary>
    /// An agent closes it (step 7) with lessons learned and a knowledge-base link; the lessons are required for P1
    /// and P2 incidents, where the seed insists on documenting them.
    /// </summary>
    public Task<CommandResult<IncidentRecord>> CloseAsync(string number, string? lessonsLearned, string? knowledgeArticle, string? comment, IncidentActor actor, CancellationToken cancellationToken) =>
        UpdateAsync(number, actor, AgentRoles, (record, config) =>
        {
            var incident = record.Incident;
            if (incident.Priority is Priority.P1 or Priority.P2 && string.IsNullOrWhiteSpace(lessonsLearned) && incident.LessonsLearned is null)
            {
                return Task.FromResult(Result.Failure<Incident>("lessonsLearned", ErrorCodes.Required, $"{incident.Number} is {incident.Priority}: document the lessons learned to close it."));
            }

            return Task.FromResult(incident.Close(ClosureKind.ClosedByAgent, comment, lessonsLearned, knowledgeArticle, config.PlanOf(incident), Now, actor.UserId));
        },
        (before, after) => [("incident.closed", $"Closed by {actor.UserId}{(after.KnowledgeArticle is { } kb ? $"; knowledge base: {kb}" : string.Empty)}{(comment is null ? string.Empty : $": {comment}")}.", new JsonObject { ["kind"] = nameof(ClosureKind.ClosedByAgent), ["lessonsLearned"] = after.LessonsLearned, ["knowledgeArticle"] = after.KnowledgeArticle })],
        cancellationToken);

    /// <summary>Documents lessons learned and the knowledge-base article (resolved or closed incidents).</summary>
    public Task<CommandResult<IncidentRecord>> RecordLessonsAsync(string number, string? lessonsLearned, string? knowledgeArticle, IncidentActor actor, CancellationToken cancellationToken) =>
        UpdateAsync(number, actor, AgentRoles, (record, _) => Task.FromResult(record.Incident.RecordLessons(lessonsLearned, knowledgeArticle)),
            (before, after) => [("incident.lessons", $"Lessons learned documented{(after.KnowledgeArticle is { } kb ? $"; knowledge base: {kb}" : string.Empty)}.", new JsonObject { ["lessonsLearned"] = after.LessonsLearned, ["knowledgeArticle"] = after.KnowledgeArticle })],
            cancellationToken,
            wake: false);

    /// <summary>Links the problem behind the incident (null unlinks); the problem must exist.</summary>
    public Task<CommandResult<IncidentRecord>> LinkProblemAsync(string number, string? problemNumber, IncidentActor actor, CancellationToken cancellationToken) =>
        UpdateAsync(number, actor, AgentRoles, async (record, _) =>
            problemNumber is not null && await _problems.FindAsync(problemNumber, cancellationToken) is null
                ? Result.Failure<Incident>("problem", ErrorCodes.Unknown, $"No problem '{problemNumber}'.")
                : record.Incident.LinkProblem(problemNumber),
            (before, after) => [("incident.problem", after.ProblemNumber is { } p ? $"Linked to problem {p}." : $"Unlinked from problem {before.ProblemNumber}.", new JsonObject { ["problem"] = after.ProblemNumber })],
            cancellationToken,
            wake: false);

    /// <summary>Links the change that caused the incident (null unlinks); the change must exist. This feeds the change failure rate.</summary>
    public Task<CommandResult<IncidentRecord>> LinkCausingChangeAsync(string number, string? changeNumber, IncidentActor actor, CancellationToken cancellationToken) =>
        UpdateAsync(number, actor, AgentRoles, async (record, _) =>
        {
            if (changeNumber is null)
            {
                return record.Incident.LinkCausingChange(null);
            }

            var parsed = ChangeNumber.Parse(changeNumber);
            if (!parsed.IsSuccess)
            {
                return Result.Failure<Incident>("change", ErrorCodes.Invalid, parsed.Errors[0].Message);
            }

            return await _changes.FindAsync(parsed.Value, cancellationToken) is null
                ? Result.Failure<Incident>("change", ErrorCodes.Unknown, $"No change '{changeNumber}'.")
                : record.Incident.LinkCausingChange(changeNumber);
        },
        (before, after) => [("incident.caused-by", after.CausedByChange is { } c ? $"Caused by change {c}." : $"No longer attributed to change {before.CausedByChange}.", new JsonObject { ["change"] = after.CausedByChange })],
        cancellationToken,
        wake: false);

    /// <summary>
    /// Escalates by hand: the next level of that kind in the service's policy (or, past its levels, the next support
    /// tier / the team manager). The notices are queued in the outbox with a key per escalation.
    /// </summary>
    public async Task<CommandResult<IncidentRecord>> EscalateAsync(string number, EscalationKind kind, string? reason, IncidentActor actor, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(reason))
        {
            return CommandResult.Invalid<IncidentRecord>("reason", ErrorCodes.Required, "Say why the incident is escalated.");
        }

        EscalationEntry? applied = null;
        EscalationLevel? appliedLevel = null;
        var result = await UpdateAsync(number, actor, AgentRoles, (record, config) =>
        {
            var incident = record.Incident;
            if (kind == EscalationKind.Functional)
            {
                var tiers = config.SupportGroupsOf(incident.ServiceId);
                if (incident.AssignmentGroup is { } g && tiers.Contains(g) && tiers[^1] == g)
                {
                    return Task.FromResult(Result.Failure<Incident>("kind", ErrorCodes.NotAllowed, $"{number} is with {g}, the last support tier of {incident.ServiceId}; escalate hierarchically."));
                }
            }

            var done = incident.Escalations.Select(e => e.LevelId).OfType<string>().ToList();
            appliedLevel = config.PolicyOf(incident.ServiceId)?.NextLevel(kind, done);
            applied = SlaWatch.Entry(incident, config, appliedLevel, Now, actor.UserId, reason.Trim(), manual: true, kind);
            return Task.FromResult(incident.Escalate(applied));
        },
        (before, after) => [("incident.escalated",
            applied!.Kind == EscalationKind.Functional
                ? $"Escalated by hand ({appliedLevel?.Name ?? "next support tier"}): {reason}; handed from {applied.FromGroup ?? "no group"} to {applied.ToGroup}."
                : $"Escalated by hand to management ({appliedLevel?.Name ?? "team manager"}): {reason}.",
            new JsonObject { ["level"] = applied.LevelId, ["kind"] = applied.Kind.ToString(), ["fromGroup"] = applied.FromGroup, ["toGroup"] = applied.ToGroup, ["manual"] = true })],
        cancellationToken,
        wake: false);
        if (!result.IsOk)
        {
            return result;
        }

        var stored = result.Value!;
        var config = await _catalog.LoadAsync(cancellationToken);
        var notice = IncidentNotices.Escalation(stored.Incident, applied!, appliedLevel?.Name, stored.Incident.Escalations.Count, config.CalendarOf(stored.Incident.ServiceId));
        await EnqueueAsync(notice, applied!.Notify, stored.Incident, config, cancellationToken);
        return result;
    }

    /// <summary>Declares a P1 with business-wide impact a crisis: the executive notification list is told at once.</summary>
    public async Task<CommandResult<IncidentRecord>> DeclareCrisisAsync(string number, string? reason, IncidentActor actor, CancellationToken cancellationToken)
    {
        var result = await UpdateAsync(number, actor, AgentRoles, (record, _) => Task.FromResult(record.Incident.DeclareCrisis(reason, Now, actor.UserId)),
            (before, after) => [("incident.crisis", $"Declared a crisis by {actor.UserId}: {reason}", null)],
            cancellationToken,
            wake: false);
        if (!result.IsOk)
        {
            return result;
        }

        var config = await _catalog.LoadAsync(cancellationToken);
        var incident = result.Value!.Incident;
        var to = await EnqueueAsync(IncidentNotices.Crisis(incident, config.CalendarOf(incident.ServiceId)), config.Settings.CrisisNotificationList, incident, config, cancellationToken);
        await AddTimelineAsync(number, actor.UserId, "incident.crisis-notified", to.Count == 0 ? "Nobody on the executive notification list could be reached." : $"Executive notification list told: {string.Join(", ", to.Select(r => r.Address))}.", null, cancellationToken);
        return result;
    }

    private DateTimeOffset Now => _time.GetUtcNow();

    private async Task<IReadOnlyList<MailRecipient>> EnqueueAsync(IncidentNotice notice, IEnumerable<string> specs, Incident incident, IncidentConfiguration config, CancellationToken cancellationToken)
    {
        var to = await _recipients.ResolveAsync(specs, incident, config, cancellationToken);
        if (to.Count > 0)
        {
            await _outbox.EnqueueAsync(IncidentNotices.ToMessage(notice, OutboxIds.New(_time), incident.Number, to), cancellationToken);
        }
        else
        {
            LogNobodyToNotify(_logger, incident.Number, notice.Kind);
        }

        return to;
    }

    private async Task<IncidentRecord> StartWorkflowAsync(IncidentRecord record, string userId, CancellationToken cancellationToken)
    {
        var started = await _runtime.StartAsync(
            WorkflowDefinitionId,
            new StartRequest
            {
                InstanceId = record.WorkflowInstanceId,
                CorrelationId = record.Number,
                Input = new Dictionary<string, JsonNode?> { [IncidentSnapshot.InputName] = IncidentSnapshot.ToJson(record.Incident) },
            },
            cancellationToken,
            userId);
        if (started.Succeeded)
        {
            return (await _incidents.FindAsync(record.Number, cancellationToken))!;
        }

        // An incident is never refused because its workflow is missing: it is recorded, and the gap is visible.
        LogWorkflowNotStarted(_logger, record.Number, started.Message);
        for (var attempt = 1; ; attempt++)
        {
            var current = (await _incidents.FindAsync(record.Number, cancellationToken))!;
            try
            {
                var unwatched = current with { WorkflowInstanceId = null, Version = current.Version + 1, UpdatedAt = Now };
                await _incidents.UpdateAsync(unwatched, current.Version, cancellationToken);
                await AddTimelineAsync(record.Number, Incident.SystemActor, "sla.unwatched", $"The {WorkflowDefinitionId} workflow could not start ({started.Message}); the SLA clocks are recorded but no timer watches them.", null, cancellationToken);
                return unwatched;
            }
            catch (ConcurrencyConflictException) when (attempt < MaxAttempts)
            {
            }
        }
    }

    private async Task<CommandResult<IncidentRecord>> UpdateAsync(
        string number,
        IncidentActor actor,
        IReadOnlyList<string>? roles,
        Func<IncidentRecord, IncidentConfiguration, Task<Result<Incident>>> change,
        Func<Incident, Incident, IEnumerable<(string Action, string Summary, JsonObject? Data)>> timeline,
        CancellationToken cancellationToken,
        bool wake = true)
    {
        if (roles is not null && !roles.Any(actor.Roles.Contains))
        {
            return CommandResult.Forbidden<IncidentRecord>("Only service desk agents, change managers and administrators work incidents.");
        }

        var config = await _catalog.LoadAsync(cancellationToken);
        for (var attempt = 1; ; attempt++)
        {
            var record = await _incidents.FindAsync(number, cancellationToken);
            if (record is null)
            {
                return CommandResult.NotFound<IncidentRecord>("number", $"No incident '{number}'.");
            }

            if (actor.ExpectedVersion is { } expected && expected != record.Version)
            {
                return CommandResult.Conflict<IncidentRecord>("version", $"{number} is at version {record.Version}, not {expected}; reload it and try again.");
            }

            var changed = await change(record, config);
            if (!changed.IsSuccess)
            {
                return changed.Errors.Any(e => e.Code is ErrorCodes.NotAllowed or ErrorCodes.Conflict or ErrorCodes.Duplicate)
                    ? new CommandResult<IncidentRecord>(CommandStatus.Conflict, null, changed.Errors)
                    : CommandResult.Invalid<IncidentRecord>(changed.Errors);
            }

            var next = record with { Incident = changed.Value, Version = record.Version + 1, UpdatedAt = Now };
            try
            {
                await _incidents.UpdateAsync(next, record.Version, cancellationToken);
            }
            catch (ConcurrencyConflictException) when (attempt < MaxAttempts && actor.ExpectedVersion is null)
            {
                // The workflow (a warning, an escalation) or another user wrote it meanwhile: decide again on the fresh version.
                continue;
            }
            catch (ConcurrencyConflictException)
            {
                return CommandResult.Conflict<IncidentRecord>("version", $"{number} changed meanwhile; reload it and try again.");
            }

            foreach (var (action, summary, data) in timeline(record.Incident, next.Incident))
            {
                await AddTimelineAsync(number, actor.UserId, action, summary, data, cancellationToken);
            }

            if (wake && next.WorkflowInstanceId is not null && record.Incident.State != IncidentState.Closed)
            {
                await _runtime.DeliverAsync(
                    new StimulusRequest(IncidentStimuli.Changed, IncidentStimuli.Payload(number), new JsonObject { ["by"] = actor.UserId }, CorrelationId: number, Actor: actor.UserId),
                    cancellationToken);
                return CommandResult.Ok((await _incidents.FindAsync(number, cancellationToken))!);
            }

            return CommandResult.Ok(next);
        }
    }

    private async Task<List<DomainError>> CheckReportAsync(IncidentReport report, IncidentConfiguration config, CancellationToken cancellationToken)
    {
        var errors = new PathErrors();
        if (errors.RequireText("title", report.Title, "A title") && report.Title!.Length > MaxTitleLength)
        {
            errors.Add("title", ErrorCodes.OutOfRange, $"A title has at most {MaxTitleLength} characters.");
        }

        await CheckServiceAndCiAsync(errors, report.ServiceId, report.ConfigurationItemId, config, required: false, cancellationToken);
        if (report.Category is { } category && !config.Settings.Categories.Contains(category))
        {
            errors.Add("category", ErrorCodes.Unknown, $"'{category}' is not a category; use one of {string.Join(", ", config.Settings.Categories)}.");
        }

        if ((report.Impact is null) != (report.Urgency is null))
        {
            errors.Add(report.Impact is null ? "impact" : "urgency", ErrorCodes.Required, "Give both the impact and the urgency (the matrix needs both).");
        }

        if (report.Impact is not null && report.Category is null)
        {
            errors.Add("category", ErrorCodes.Required, "An incident is categorized before it is prioritized: give the category with the impact and urgency.");
        }

        if ((report.Category is not null || report.Impact is not null) && (string.IsNullOrWhiteSpace(report.Description) || report.ServiceId is null))
        {
            errors.Add(string.IsNullOrWhiteSpace(report.Description) ? "description" : "serviceId", ErrorCodes.Required, "An incident is logged (description and service) before it is categorized or prioritized.");
        }

        if (report.AssignmentGroup is { } group && !ConfigurationRegistry.IsWellFormedId(group))
        {
            errors.Add("assignmentGroup", ErrorCodes.Invalid, $"'{group}' is not a group slug.");
        }

        if (report.Source is { } source && !Enum.IsDefined(source))
        {
            errors.Add("source", ErrorCodes.Invalid, "The source is not defined.");
        }

        return [.. errors.ToList()];
    }

    private async Task CheckServiceAndCiAsync(PathErrors errors, string? serviceId, string? configurationItemId, IncidentConfiguration config, bool required, CancellationToken cancellationToken)
    {
        if (serviceId is null)
        {
            if (required)
            {
                errors.Add("serviceId", ErrorCodes.Required, "The affected service is required.");
            }
        }
        else if (!config.Services.ContainsKey(serviceId))
        {
            errors.Add("serviceId", ErrorCodes.Unknown, $"No service '{serviceId}' is in the service catalogue; use one of {string.Join(", ", config.Services.Keys)}.");
        }

        if (!string.IsNullOrEmpty(configurationItemId) && await _references.FindAsync(ReferenceKinds.ConfigurationItem, configurationItemId, cancellationToken) is null)
        {
            errors.Add("configurationItemId", ErrorCodes.Unknown, $"No configuration item '{configurationItemId}' is in the catalogue.");
        }
    }

    /// <summary>Null when the caller is the reporter (or opened it) or an agent; otherwise the refusal.</summary>
    private async Task<CommandResult<IncidentRecord>?> ReporterMayAsync(string number, IncidentActor actor, CancellationToken cancellationToken)
    {
        var record = await _incidents.FindAsync(number, cancellationToken);
        if (record is null || !ReadVisibility.MaySee(record, actor.UserId, actor.Roles))
        {
            return CommandResult.NotFound<IncidentRecord>("number", $"No incident '{number}'.");
        }

        return record.Incident.ReporterId == actor.UserId || record.CreatedBy == actor.UserId || AgentRoles.Any(actor.Roles.Contains)
            ? null
            : CommandResult.Forbidden<IncidentRecord>($"Only the reporter of {number} or a service desk agent does this.");
    }

    private Task AddTimelineAsync(string number, string actor, string action, string summary, JsonObject? data, CancellationToken cancellationToken)
    {
        var now = Now;
        return _timeline.AddAsync(new TimelineEntry(TimelineIds.Next(now), number, now, actor, action, summary, Data: data), cancellationToken);
    }

    private static JsonObject PriorityData(Incident incident) => new()
    {
        ["impact"] = incident.Impact?.ToString(),
        ["urgency"] = incident.Urgency?.ToString(),
        ["priority"] = incident.Priority?.ToString(),
    };

    private static string Describe(IncidentSource source) => source switch
    {
        IncidentSource.MonitoringAlert => "monitoring alert",
        IncidentSource.Phone => "phone call",
        IncidentSource.Ui => "user report",
        _ => "user report through the API",
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Incident {Number}: the incident-lifecycle workflow did not start ({Reason}); its SLA clocks are not watched.")]
    private static partial void LogWorkflowNotStarted(ILogger logger, string number, string? reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Incident {Number}: nobody to send the {Kind} notice to.")]
    private static partial void LogNobodyToNotify(ILogger logger, string number, string kind);
}
