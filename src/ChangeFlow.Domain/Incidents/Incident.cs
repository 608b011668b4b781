using ChangeFlow.Domain.Common;

namespace ChangeFlow.Domain.Incidents;

/// <summary>
/// An incident: "an unplanned interruption or reduction in the quality of a service", from identification to
/// closure (<see cref="IncidentLifecycle"/>), with its priority, assignment, SLA clocks, escalations, crisis
/// declaration and links to the problem behind it and the change that caused it.
/// </summary>
/// <remarks>
/// Immutable: every command returns the next version or the reasons it was refused (<see cref="ErrorCodes.NotAllowed"/>
/// for a move the lifecycle does not allow, <see cref="ErrorCodes.Required"/> and friends for bad input). Commands
/// that touch the clocks take the <see cref="SlaPlan"/> that applies now (the service's targets at the priority and
/// the service's calendar); the caller resolves it from configuration. A reassignment never touches the clocks.
/// </remarks>
public sealed record Incident
{
    /// <summary>The actor of automatic steps (timers, monitoring).</summary>
    public const string SystemActor = "system";

    /// <summary>The number, e.g. <c>INC-2026-0001</c>.</summary>
    public required string Number { get; init; }

    /// <summary>A one-line summary.</summary>
    public required string Title { get; init; }

    /// <summary>What is wrong, as reported.</summary>
    public string? Description { get; init; }

    /// <summary>Where it is in its lifecycle.</summary>
    public required IncidentState State { get; init; }

    /// <summary>How it was identified.</summary>
    public required IncidentSource Source { get; init; }

    /// <summary>The affected service (a service-level id of the catalogue).</summary>
    public string? ServiceId { get; init; }

    /// <summary>The affected configuration item, if known.</summary>
    public string? ConfigurationItemId { get; init; }

    /// <summary>The type of incident (from the configured categories).</summary>
    public string? Category { get; init; }

    /// <summary>Who reported it (a user id or e-mail; <c>system</c> for monitoring).</summary>
    public string? ReporterId { get; init; }

    /// <summary>How many users or processes are affected.</summary>
    public Impact? Impact { get; init; }

    /// <summary>How quickly the business needs it resolved.</summary>
    public Urgency? Urgency { get; init; }

    /// <summary>The priority from the matrix; null until prioritized (the clocks then run at the default priority).</summary>
    public Priority? Priority { get; init; }

    /// <summary>The support group working on it.</summary>
    public string? AssignmentGroup { get; init; }

    /// <summary>The person working on it.</summary>
    public string? AssigneeId { get; init; }

    /// <summary>When it was identified (the clocks start here).</summary>
    public required DateTimeOffset OpenedAt { get; init; }

    /// <summary>When the full record was made.</summary>
    public DateTimeOffset? LoggedAt { get; init; }

    /// <summary>When someone started working on it (diagnosis began): the response.</summary>
    public DateTimeOffset? AcknowledgedAt { get; init; }

    /// <summary>When it was last resolved.</summary>
    public DateTimeOffset? ResolvedAt { get; init; }

    /// <summary>When it was closed.</summary>
    public DateTimeOffset? ClosedAt { get; init; }

    /// <summary>While on hold: the state it returns to.</summary>
    public IncidentState? ResumeState { get; init; }

    /// <summary>While on hold: why.</summary>
    public string? HoldReason { get; init; }

    /// <summary>While on hold: whether the hold paused the clocks (configuration decides per hold state).</summary>
    public bool HoldPausesClocks { get; init; }

    /// <summary>The diagnosis so far: the probable cause.</summary>
    public string? ProbableCause { get; init; }

    /// <summary>The latest resolution.</summary>
    public Resolution? Resolution { get; init; }

    /// <summary>How it was closed.</summary>
    public Closure? Closure { get; init; }

    /// <summary>What was learnt (closure).</summary>
    public string? LessonsLearned { get; init; }

    /// <summary>The knowledge-base article written or updated (an id or a link).</summary>
    public string? KnowledgeArticle { get; init; }

    /// <summary>The response clock; null until logged.</summary>
    public SlaClock? ResponseClock { get; init; }

    /// <summary>The resolution clock; null until logged.</summary>
    public SlaClock? ResolutionClock { get; init; }

    /// <summary>Escalations applied, in order.</summary>
    public IReadOnlyList<EscalationEntry> Escalations { get; init; } = [];

    /// <summary>The crisis declaration, if any.</summary>
    public Crisis? Crisis { get; init; }

    /// <summary>The problem behind it (<c>PRB-YYYY-NNNN</c>).</summary>
    public string? ProblemNumber { get; init; }

    /// <summary>The change that caused it (<c>RFC-YYYY-NNN</c>): what the change failure rate counts.</summary>
    public string? CausedByChange { get; init; }

    /// <summary>The monitoring alerts behind it, when Alertmanager opened it.</summary>
    public MonitoringAlert? Alert { get; init; }

    /// <summary>How often it was reopened.</summary>
    public int ReopenCount { get; init; }

    /// <summary>Every move, oldest first.</summary>
    public IReadOnlyList<IncidentTransition> History { get; init; } = [];

    /// <summary>The clock of <paramref name="kind"/>.</summary>
    public SlaClock? ClockOf(SlaClockKind kind) => kind == SlaClockKind.Response ? ResponseClock : ResolutionClock;

    /// <summary>The clocks that exist, response first.</summary>
    public IEnumerable<SlaClock> Clocks => new[] { ResponseClock, ResolutionClock }.OfType<SlaClock>();

    /// <summary>Step 1: identification. The incident exists with a title and its source, in state Identified.</summary>
    public static Result<Incident> Open(string number, string title, IncidentSource source, DateTimeOffset at, string by)
    {
        var errors = new ErrorList();
        errors.RequireText("number", number, "The number");
        errors.RequireText("title", title, "A title");
        errors.RequireDefined("source", source, "The source");
        errors.RequireText("by", by, "The actor");
        if (errors.Count > 0)
        {
            return Result.Failure<Incident>(errors.ToList());
        }

        var utc = at.ToUniversalTime();
        return Result.Success(new Incident
        {
            Number = number,
            Title = title.Trim(),
            State = IncidentState.Identified,
            Source = source,
            OpenedAt = utc,
            History = [new IncidentTransition(null, IncidentState.Identified, utc, by)],
        });
    }

    /// <summary>Step 2: logging. Records the description, service, reporter (and CI), and starts both clocks at the opening instant.</summary>
    public Result<Incident> Log(string? description, string? serviceId, string? reporterId, string? configurationItemId, SlaPlan plan, DateTimeOffset at, string by)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var errors = new ErrorList();
        errors.RequireText("description", description, "A description");
        errors.RequireText("serviceId", serviceId, "The affected service");
        errors.RequireText("reporter", reporterId, "The reporter");
        if (errors.Count > 0)
        {
            return Result.Failure<Incident>(errors.ToList());
        }

        return Move(IncidentState.Logged, at, by, null, i => i with
        {
            Description = description!.Trim(),
            ServiceId = serviceId,
            ReporterId = reporterId,
            ConfigurationItemId = string.IsNullOrWhiteSpace(configurationItemId) ? null : configurationItemId,
            LoggedAt = at.ToUniversalTime(),
            ResponseClock = SlaClock.Start(SlaClockKind.Response, OpenedAt, plan.Response, plan.Priority, plan.Calendar),
            ResolutionClock = SlaClock.Start(SlaClockKind.Resolution, OpenedAt, plan.Resolution, plan.Priority, plan.Calendar),
        });
    }

    /// <summary>
    /// Step 3: categorization (from Logged), or a correction later on. A new service retargets the clocks with
    /// <paramref name="plan"/> (the new service's targets and calendar).
    /// </summary>
    public Result<Incident> Categorize(string? category, string? serviceId, string? configurationItemId, SlaPlan plan, DateTimeOffset at, string by)
    {
        ArgumentNullException.ThrowIfNull(plan);
        if (string.IsNullOrWhiteSpace(category))
        {
            return Result.Failure<Incident>("category", ErrorCodes.Required, "A category is required.");
        }

        var service = string.IsNullOrWhiteSpace(serviceId) ? ServiceId : serviceId;
        var ci = configurationItemId is null ? ConfigurationItemId : Blank(configurationItemId);
        Incident Apply(Incident i) => i.Retarget(plan, at) with { Category = category.Trim(), ServiceId = service, ConfigurationItemId = ci };
        if (State == IncidentState.Logged)
        {
            return Move(IncidentState.Categorized, at, by, null, Apply);
        }

        return IncidentLifecycle.IsOpen(State) && State != IncidentState.Identified
            ? Result.Success(Apply(this))
            : NotAllowed("state", $"{Number} is {State}; it is categorized once logged and before resolution.");
    }

    /// <summary>
    /// Step 4: prioritization (from Categorized), or a new impact or urgency later on: the matrix gives the
    /// priority, and the clocks run against the targets of that priority (<paramref name="planFor"/>), keeping the
    /// time already used.
    /// </summary>
    public Result<Incident> Prioritize(Impact impact, Urgency urgency, PriorityMatrix matrix, Func<Priority, SlaPlan> planFor, DateTimeOffset at, string by, string? note = null)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        ArgumentNullException.ThrowIfNull(planFor);
        var errors = new ErrorList();
        errors.RequireDefined("impact", impact, "The impact");
        errors.RequireDefined("urgency", urgency, "The urgency");
        if (errors.Count > 0)
        {
            return Result.Failure<Incident>(errors.ToList());
        }

        var priority = matrix.PriorityOf(impact, urgency);
        Incident Apply(Incident i) => i.Retarget(planFor(priority), at) with { Impact = impact, Urgency = urgency, Priority = priority };
        if (State == IncidentState.Categorized)
        {
            return Move(IncidentState.Prioritized, at, by, note, Apply);
        }

        return IncidentLifecycle.IsOpen(State) && State is not (IncidentState.Identified or IncidentState.Logged)
            ? Result.Success(Apply(this))
            : NotAllowed("state", $"{Number} is {State}; it is prioritized once categorized and before resolution.");
    }

    /// <summary>
    /// Runs both clocks against <paramref name="plan"/> (the priority, the service or the configuration changed),
    /// keeping the time used and the fractions reached.
    /// </summary>
    public Incident Retarget(SlaPlan plan, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return this with
        {
            ResponseClock = ResponseClock?.Retarget(plan.Response, plan.Priority, plan.Calendar, at),
            ResolutionClock = ResolutionClock?.Retarget(plan.Resolution, plan.Priority, plan.Calendar, at),
        };
    }

    /// <summary>Assigns a group and/or a person. The clocks are not touched: a reassignment never resets a clock.</summary>
    public Result<Incident> Assign(string? group, string? assigneeId, DateTimeOffset at, string by)
    {
        _ = at;
        _ = by;
        if (string.IsNullOrWhiteSpace(group) && string.IsNullOrWhiteSpace(assigneeId))
        {
            return Result.Failure<Incident>("assignmentGroup", ErrorCodes.Required, "Give the group, the assignee or both.");
        }

        if (State == IncidentState.Closed)
        {
            return NotAllowed("assign", $"{Number} is closed.");
        }

        var newGroup = string.IsNullOrWhiteSpace(group) ? AssignmentGroup : group;
        return Result.Success(this with
        {
            AssignmentGroup = newGroup,
            AssigneeId = string.IsNullOrWhiteSpace(assigneeId) ? (newGroup == AssignmentGroup ? AssigneeId : null) : assigneeId,
        });
    }

    /// <summary>Step 5 begins: someone works on it (Prioritized → Diagnosis). The response clock stops here.</summary>
    public Result<Incident> Acknowledge(SlaPlan plan, DateTimeOffset at, string by, string? note = null)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return Move(IncidentState.Diagnosis, at, by, note, i => i with
        {
            AcknowledgedAt = i.AcknowledgedAt ?? at.ToUniversalTime(),
            AssigneeId = i.AssigneeId ?? (by == SystemActor ? null : by),
            ResponseClock = i.ResponseClock?.Stop(at, plan.Calendar),
        });
    }

    /// <summary>Records the probable cause found so far (during diagnosis or on hold from it).</summary>
    public Result<Incident> RecordDiagnosis(string? probableCause)
    {
        if (string.IsNullOrWhiteSpace(probableCause))
        {
            return Result.Failure<Incident>("probableCause", ErrorCodes.Required, "The probable cause is required.");
        }

        return State == IncidentState.Diagnosis || (IncidentLifecycle.IsHold(State) && ResumeState == IncidentState.Diagnosis)
            ? Result.Success(this with { ProbableCause = probableCause.Trim() })
            : NotAllowed("diagnosis", $"{Number} is {State}; a diagnosis is recorded while it is being diagnosed.");
    }

    /// <summary>
    /// Puts it on hold (AwaitingUser, PendingVendor) until <see cref="Resume"/>. When <paramref name="pausesClocks"/>
    /// (the hold state is configured as clock-pausing), both clocks stop counting meanwhile.
    /// </summary>
    public Result<Incident> Hold(IncidentState hold, string? reason, bool pausesClocks, SlaPlan plan, DateTimeOffset at, string by)
    {
        ArgumentNullException.ThrowIfNull(plan);
        if (!IncidentLifecycle.IsHold(hold))
        {
            return Result.Failure<Incident>("state", ErrorCodes.Invalid, $"{hold} is not a hold state (AwaitingUser, PendingVendor).");
        }

        if (string.IsNullOrWhiteSpace(reason))
        {
            return Result.Failure<Incident>("reason", ErrorCodes.Required, "Say what the incident waits for.");
        }

        if (State == hold)
        {
            return Result.Success(this);
        }

        var resumeTo = IncidentLifecycle.IsHold(State) ? ResumeState : State;
        var wasPaused = IncidentLifecycle.IsHold(State) && HoldPausesClocks;
        return Move(hold, at, by, reason, i =>
        {
            var next = i with { ResumeState = resumeTo, HoldReason = reason!.Trim(), HoldPausesClocks = pausesClocks };
            if (pausesClocks && !wasPaused)
            {
                next = next with { ResponseClock = next.ResponseClock?.Pause(at, plan.Calendar), ResolutionClock = next.ResolutionClock?.Pause(at, plan.Calendar) };
            }
            else if (!pausesClocks && wasPaused)
            {
                next = next.ResumeClocks(at);
            }

            return next;
        });
    }

    /// <summary>Ends a hold: back to the state it was put on hold from; paused clocks count again.</summary>
    public Result<Incident> Resume(DateTimeOffset at, string by, string? note = null)
    {
        if (!IncidentLifecycle.IsHold(State) || ResumeState is not { } back)
        {
            return NotAllowed("resume", $"{Number} is {State}, not on hold.");
        }

        var paused = HoldPausesClocks;
        return Move(back, at, by, note, i =>
        {
            var next = i with { ResumeState = null, HoldReason = null, HoldPausesClocks = false };
            return paused ? next.ResumeClocks(at) : next;
        });
    }

    /// <summary>
    /// Step 6: resolution (from Diagnosis, or at first contact from Prioritized). The response clock stops if it was
    /// still running; the resolution clock pauses until the reporter confirms (it stops) or reopens (it runs on).
    /// </summary>
    public Result<Incident> Resolve(string? code, string? notes, SlaPlan plan, DateTimeOffset at, string by)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var errors = new ErrorList();
        errors.RequireText("resolutionCode", code, "A resolution code");
        errors.RequireText("resolution", notes, "What was done");
        if (errors.Count > 0)
        {
            return Result.Failure<Incident>(errors.ToList());
        }

        var utc = at.ToUniversalTime();
        return Move(IncidentState.Resolved, at, by, null, i => i with
        {
            Resolution = new Resolution(code!.Trim(), notes!.Trim(), utc, by),
            ResolvedAt = utc,
            AcknowledgedAt = i.AcknowledgedAt ?? utc,
            ResponseClock = i.ResponseClock?.Stop(at, plan.Calendar),
            ResolutionClock = i.ResolutionClock?.Pause(at, plan.Calendar),
        });
    }

    /// <summary>The fix did not hold: Resolved → Diagnosis, the resolution clock runs on from where it paused.</summary>
    public Result<Incident> Reopen(string? reason, DateTimeOffset at, string by)
    {
        if (string.IsNullOrWhiteSpace(reason))
        {
            return Result.Failure<Incident>("reason", ErrorCodes.Required, "Say why the incident is not resolved.");
        }

        return Move(IncidentState.Diagnosis, at, by, reason, i => i with
        {
            ReopenCount = i.ReopenCount + 1,
            ResolutionClock = i.ResolutionClock?.Resume(at),
        });
    }

    /// <summary>Step 7: closure (from Resolved). Both clocks stop for good; lessons and a knowledge-base link may be recorded now or later.</summary>
    public Result<Incident> Close(ClosureKind kind, string? comment, string? lessonsLearned, string? knowledgeArticle, SlaPlan plan, DateTimeOffset at, string by)
    {
        ArgumentNullException.ThrowIfNull(plan);
        if (!Enum.IsDefined(kind))
        {
            return Result.Failure<Incident>("kind", ErrorCodes.Invalid, "The closure kind is not defined.");
        }

        var utc = at.ToUniversalTime();
        return Move(IncidentState.Closed, at, by, comment, i => i with
        {
            Closure = new Closure(kind, utc, by, Blank(comment)),
            ClosedAt = utc,
            LessonsLearned = Blank(lessonsLearned) ?? i.LessonsLearned,
            KnowledgeArticle = Blank(knowledgeArticle) ?? i.KnowledgeArticle,
            ResponseClock = i.ResponseClock?.Stop(at, plan.Calendar),
            ResolutionClock = i.ResolutionClock?.Stop(at, plan.Calendar),
            Alert = null,
        });
    }

    /// <summary>Documents lessons learned and the knowledge-base article, once resolved (also after closure).</summary>
    public Result<Incident> RecordLessons(string? lessonsLearned, string? knowledgeArticle)
    {
        if (string.IsNullOrWhiteSpace(lessonsLearned) && string.IsNullOrWhiteSpace(knowledgeArticle))
        {
            return Result.Failure<Incident>("lessonsLearned", ErrorCodes.Required, "Give the lessons learned, the knowledge-base article or both.");
        }

        return State is IncidentState.Resolved or IncidentState.Closed
            ? Result.Success(this with { LessonsLearned = Blank(lessonsLearned) ?? LessonsLearned, KnowledgeArticle = Blank(knowledgeArticle) ?? KnowledgeArticle })
            : NotAllowed("lessonsLearned", $"{Number} is {State}; lessons are documented once it is resolved.");
    }

    /// <summary>
    /// Applies an escalation. A functional one hands the incident to <see cref="EscalationEntry.ToGroup"/> (the
    /// assignee is cleared: the new group picks it up); neither kind touches the clocks.
    /// </summary>
    public Result<Incident> Escalate(EscalationEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (State == IncidentState.Closed)
        {
            return NotAllowed("escalate", $"{Number} is closed.");
        }

        if (entry.LevelId is { } id && Escalations.Any(e => e.LevelId == id))
        {
            return Result.Failure<Incident>("level", ErrorCodes.Duplicate, $"The escalation level '{id}' was already applied to {Number}.");
        }

        var next = this with { Escalations = [.. Escalations, entry] };
        if (entry.Kind == EscalationKind.Functional && entry.ToGroup is { } group && group != AssignmentGroup)
        {
            next = next with { AssignmentGroup = group, AssigneeId = null };
        }

        return Result.Success(next);
    }

    /// <summary>Declares a crisis: only a P1 with high (business-wide) impact, only once, only while unresolved.</summary>
    public Result<Incident> DeclareCrisis(string? reason, DateTimeOffset at, string by)
    {
        if (string.IsNullOrWhiteSpace(reason))
        {
            return Result.Failure<Incident>("reason", ErrorCodes.Required, "Describe the business-wide consequences.");
        }

        if (Crisis is not null)
        {
            return Result.Failure<Incident>("crisis", ErrorCodes.Duplicate, $"{Number} was already declared a crisis.");
        }

        if (Priority != Incidents.Priority.P1 || Impact != Incidents.Impact.High)
        {
            return NotAllowed("priority", $"{Number} is {(Priority?.ToString() ?? "not prioritized")} with {(Impact?.ToString() ?? "no")} impact; only a P1 with high, business-wide impact becomes a crisis.");
        }

        return IncidentLifecycle.IsOpen(State)
            ? Result.Success(this with { Crisis = new Crisis(at.ToUniversalTime(), by, reason.Trim()) })
            : NotAllowed("crisis", $"{Number} is {State}.");
    }

    /// <summary>Links the problem behind it (null unlinks).</summary>
    public Result<Incident> LinkProblem(string? problemNumber) => Result.Success(this with { ProblemNumber = Blank(problemNumber) });

    /// <summary>Links the change that caused it (null unlinks).</summary>
    public Result<Incident> LinkCausingChange(string? changeNumber) => Result.Success(this with { CausedByChange = Blank(changeNumber) });

    /// <summary>Records that a clock reached a fraction of its budget (once per fraction).</summary>
    public Incident MarkReached(SlaClockKind kind, double fraction, DateTimeOffset at) => kind == SlaClockKind.Response
        ? this with { ResponseClock = ResponseClock?.Mark(fraction, at) }
        : this with { ResolutionClock = ResolutionClock?.Mark(fraction, at) };

    /// <summary>Replaces the monitoring alerts behind it.</summary>
    public Incident WithAlert(MonitoringAlert? alert) => this with { Alert = alert };

    private Incident ResumeClocks(DateTimeOffset at) => this with
    {
        ResponseClock = ResponseClock?.Resume(at),
        ResolutionClock = State == IncidentState.Resolved ? ResolutionClock : ResolutionClock?.Resume(at),
    };

    private Result<Incident> Move(IncidentState to, DateTimeOffset at, string by, string? note, Func<Incident, Incident> apply)
    {
        if (!IncidentLifecycle.IsAllowed(State, to))
        {
            var allowed = IncidentLifecycle.AllowedTargets(State);
            return NotAllowed("state", $"{Number} is {State} and cannot move to {to}{(allowed.Count == 0 ? "; it is final" : $"; from {State} it moves to {string.Join(", ", allowed)}")}.");
        }

        var moved = apply(this) with { State = to };
        return Result.Success(moved with { History = [.. History, new IncidentTransition(State, to, at.ToUniversalTime(), by, Blank(note))] });
    }

    private static Result<Incident> NotAllowed(string path, string message) => Result.Failure<Incident>(path, ErrorCodes.NotAllowed, message);

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
