using System.Text.Json.Nodes;
using ChangeFlow.Application.Changes.Activities;
using ChangeFlow.Application.Changes.Catalog;
using ChangeFlow.Application.Common;
using ChangeFlow.Application.Notifications;
using ChangeFlow.Application.Security;
using ChangeFlow.Application.Tasks;
using ChangeFlow.Application.Workflows;
using ChangeFlow.Domain.Changes;
using ChangeFlow.Domain.Common;
using ChangeFlow.Domain.Communication;
using ChangeFlow.Engine.Execution;

namespace ChangeFlow.Application.Changes;

/// <summary>
/// The change use cases: create, submit (route and start the workflow), report a step, validate, cancel, move the
/// window, edit the communication plan. Every command names the state the caller expects and returns a typed
/// result: Ok, NotFound, Invalid (with field paths), Conflict (stale state, 409) or Forbidden. The caller passes the
/// acting user's id and roles. With a <see cref="NoticeScheduler"/> and an <see cref="IWriteCommitter"/>, commands
/// that affect what stakeholders were told (cancel, move the window, edit the plan) commit the change and its
/// notices in one transaction.
/// </summary>
public sealed class ChangeService
{
    private const int MaxAttempts = 3;

    private readonly IChangeStore _changes;
    private readonly ITimelineStore _timeline;
    private readonly IHumanTaskStore _tasks;
    private readonly IUserDirectory _users;
    private readonly ChangeCatalog _catalog;
    private readonly WorkflowRuntime _runtime;
    private readonly TimeProvider _time;
    private readonly NoticeScheduler? _notices;
    private readonly IWriteCommitter? _writes;

    /// <summary>Creates the service; without <paramref name="notices"/> and <paramref name="writes"/> no notice is sent.</summary>
    public ChangeService(
        IChangeStore changes,
        ITimelineStore timeline,
        IHumanTaskStore tasks,
        IUserDirectory users,
        ChangeCatalog catalog,
        WorkflowRuntime runtime,
        TimeProvider time,
        NoticeScheduler? notices = null,
        IWriteCommitter? writes = null)
    {
        _changes = changes;
        _timeline = timeline;
        _tasks = tasks;
        _users = users;
        _catalog = catalog;
        _runtime = runtime;
        _time = time;
        (_notices, _writes) = notices is not null && writes is not null ? (notices, writes) : (null, null);
    }

    /// <summary>A change by number.</summary>
    public async Task<CommandResult<ChangeRecord>> GetAsync(string number, CancellationToken cancellationToken)
    {
        var found = await FindAsync(number, cancellationToken);
        return found is null ? CommandResult.NotFound<ChangeRecord>("number", $"No change '{number}'.") : CommandResult.Ok(found);
    }

    /// <summary>
    /// Creates a change in state New: checks the whole dossier (ids against the catalogue), then allocates the next
    /// number of the year, so an invalid dossier never uses up a number. The requestor is the caller, unless a
    /// change manager or admin files the change for someone; its name comes from the user record.
    /// </summary>
    public Task<CommandResult<ChangeRecord>> CreateAsync(ChangeRequest dossier, string? templateId, string userId, IReadOnlyCollection<string> roles, CancellationToken cancellationToken) =>
        CreateAsync(dossier, templateId, userId, roles, null, cancellationToken);

    /// <summary>
    /// Creates a change as <see cref="CreateAsync(ChangeRequest, string?, string, IReadOnlyCollection{string}, CancellationToken)"/>
    /// does; with <paramref name="claim"/> (the request's <c>Idempotency-Key</c>) the key is sealed with the change's
    /// number in the transaction that inserts it, so a retry after a crash finds the change instead of creating another.
    /// </summary>
    public async Task<CommandResult<ChangeRecord>> CreateAsync(ChangeRequest dossier, string? templateId, string userId, IReadOnlyCollection<string> roles, IdempotencyClaim? claim, CancellationToken cancellationToken)
    {
        // The service desk raises RFCs like a requestor (the same roles as the API's SubmitChanges policy); filing one
        // on someone else's behalf is for change managers and admins (see RequestorAsync).
        if (!Permissions.Grants(Permissions.SubmitChanges, roles))
        {
            return CommandResult.Forbidden<ChangeRecord>("Only requestors, service desk agents, change managers and admins create changes.");
        }

        if (dossier is null)
        {
            return CommandResult.Invalid<ChangeRecord>(string.Empty, ErrorCodes.Required, "The RFC dossier is required.");
        }

        if (dossier.State != ChangeState.New || dossier.History.Count > 0)
        {
            return CommandResult.Invalid<ChangeRecord>("state", ErrorCodes.NotAllowed, "A change is created in state New.");
        }

        var now = _time.GetUtcNow();
        var (requestor, refusal) = await RequestorAsync(dossier.Requestor, userId, roles, cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }

        if (requestor is not null)
        {
            dossier = dossier with { Requestor = requestor };
        }

        if (dossier.SubmittedAt == default)
        {
            dossier = dossier with { SubmittedAt = now };
        }

        var errors = new PathErrors();
        var placeholder = ChangeNumber.Create(now.UtcDateTime.Year, ChangeNumber.MaxSequence).Value;
        errors.AddRange((await ValidatorAsync(cancellationToken)).Validate(dossier with { Number = placeholder }).Where(e => e.Path != "number"));
        if (!string.IsNullOrWhiteSpace(templateId) && await _catalog.FindTemplateAsync(templateId, cancellationToken) is null)
        {
            errors.Add("templateId", ErrorCodes.Unknown, $"No standard-change template '{templateId}' is in the catalogue.");
        }

        if (_notices is not null)
        {
            // Attached files may be added to the data directory later; lists and templates must exist now.
            errors.AddRange(await _notices.ValidatePlanAsync(dossier.CommunicationPlan, string.Empty, requireAttachments: false, cancellationToken));
        }

        if (errors.Count > 0)
        {
            return CommandResult.Invalid<ChangeRecord>(errors.ToList());
        }

        var number = await _changes.AllocateNumberAsync(now.UtcDateTime.Year, cancellationToken);
        var record = new ChangeRecord
        {
            Change = dossier with { Number = number },
            CreatedBy = userId,
            TemplateId = string.IsNullOrWhiteSpace(templateId) ? null : templateId,
            CreatedAt = now,
            UpdatedAt = now,
            Version = 1,
        };
        try
        {
            await _changes.AddAsync(record, claim is null ? null : new IdempotencySealWrite(claim, record.Number), cancellationToken);
        }
        catch (ConcurrencyConflictException) when (claim is not null)
        {
            return CommandResult.Conflict<ChangeRecord>("Idempotency-Key", "The request no longer holds its Idempotency-Key (it was given up for lost); nothing was created. Retry with the same key.");
        }

        await AddTimelineAsync(record.Number, userId, "change.created", $"{record.Change.Type} change created: {record.Change.Title}", cancellationToken);
        return CommandResult.Ok(record);
    }

    /// <summary>
    /// The requestor of a new change: the caller, unless a change manager or admin files it on someone's behalf (both
    /// are then recorded, the filer as <see cref="ChangeRecord.CreatedBy"/>, and both kept from deciding on it). The
    /// name shown to approvers is the user record's, never the dossier's text.
    /// </summary>
    private async Task<(Person? Requestor, CommandResult<ChangeRecord>? Refusal)> RequestorAsync(Person? named, string userId, IReadOnlyCollection<string> roles, CancellationToken cancellationToken)
    {
        var me = await _users.FindAsync(userId, cancellationToken);
        if (named is null || named.Id == userId || (me is not null && string.Equals(named.Id, me.Email, StringComparison.OrdinalIgnoreCase)))
        {
            return (me is null ? named : new Person(me.Id, me.DisplayName), null);
        }

        if (!Permissions.Grants(Permissions.ChangeManagement, roles))
        {
            return (null, CommandResult.Invalid<ChangeRecord>(
                "requestor.id",
                ErrorCodes.NotAllowed,
                $"You file changes as yourself ({userId}); only a change manager or an admin files one on behalf of '{named.Id}'. Leave the requestor out or name yourself."));
        }

        var person = await _users.FindAsync(named.Id, cancellationToken);
        return person is { IsActive: true }
            ? (new Person(person.Id, person.DisplayName), null)
            : (null, CommandResult.Invalid<ChangeRecord>("requestor.id", ErrorCodes.Unknown, $"No active user '{named.Id}' to file the change for."));
    }

    /// <summary>
    /// Submits a New change: routes it through the routing table, checks a standard change against its template
    /// and the schedule (conflicts and blackouts refuse it), and starts the routed workflow's published version with
    /// the change number as correlation id.
    /// </summary>
    public async Task<CommandResult<ChangeRecord>> SubmitAsync(string number, ChangeState expectedState, string userId, IReadOnlyCollection<string> roles, CancellationToken cancellationToken)
    {
        var record = await FindAsync(number, cancellationToken);
        if (record is null)
        {
            return CommandResult.NotFound<ChangeRecord>("number", $"No change '{number}'.");
        }

        if (!IsOwner(record, userId) && !Permissions.Grants(Permissions.ChangeManagement, roles))
        {
            return CommandResult.Forbidden<ChangeRecord>($"Only the requestor of {record.Number} or a change manager submits it.");
        }

        if (record.Change.State != expectedState || expectedState != ChangeState.New || record.WorkflowInstanceId is not null)
        {
            return CommandResult.Conflict<ChangeRecord>("state", $"{record.Number} is {record.Change.State}{(record.WorkflowInstanceId is null ? string.Empty : " and already submitted")}; only a New change is submitted.");
        }

        var now = _time.GetUtcNow();
        var submitted = record with { Change = record.Change with { SubmittedAt = now } };
        var errors = new PathErrors();
        errors.AddRange((await ValidatorAsync(cancellationToken)).Validate(submitted.Change));
        if (errors.Count > 0)
        {
            return CommandResult.Invalid<ChangeRecord>(errors.ToList());
        }

        var route = await _catalog.RouteAsync(submitted.Change, cancellationToken);
        if (route is null)
        {
            return CommandResult.Invalid<ChangeRecord>("type", ErrorCodes.Unknown, $"The routing table sends {submitted.Change.Type} changes nowhere; a change manager must add a default.");
        }

        var workflow = route.Workflow;
        if (submitted.Change.Type == ChangeType.Standard)
        {
            var template = await CheckStandardAsync(submitted, errors, cancellationToken);
            if (errors.Count > 0)
            {
                return CommandResult.Invalid<ChangeRecord>(errors.ToList());
            }

            workflow = template!.Workflow ?? workflow;
        }

        var instanceId = Guid.CreateVersion7(now).ToString("N");
        var routed = submitted with
        {
            WorkflowDefinitionId = workflow,
            WorkflowInstanceId = instanceId,
            CabBoardId = route.CabBoard ?? record.CabBoardId,
            Version = record.Version + 1,
            UpdatedAt = now,
        };
        try
        {
            await _changes.UpdateAsync(routed, record.Version, cancellationToken);
        }
        catch (ConcurrencyConflictException)
        {
            return CommandResult.Conflict<ChangeRecord>("version", $"{record.Number} changed meanwhile; reload it and submit again.");
        }

        var started = await StartWorkflowAsync(routed, userId, cancellationToken);
        if (!started.Succeeded)
        {
            // The change stays New and unsubmitted, so it can be submitted again once the workflow is published.
            var current = await _changes.FindAsync(record.Change.Number, cancellationToken);
            if (current is not null && current.WorkflowInstanceId == instanceId)
            {
                await _changes.UpdateAsync(current with { WorkflowDefinitionId = null, WorkflowInstanceId = null, Version = current.Version + 1, UpdatedAt = now }, current.Version, cancellationToken);
            }

            return CommandResult.Invalid<ChangeRecord>("workflow", ErrorCodes.Unknown, $"The routed workflow '{workflow}' could not start: {started.Message}");
        }

        await AddTimelineAsync(record.Number, userId, "change.submitted", $"Submitted; routed {(route.RuleId is null ? "by the default for " + submitted.Change.Type + " changes" : "by rule " + route.RuleId)} to workflow {workflow}.", cancellationToken);
        return CommandResult.Ok((await _changes.FindAsync(record.Change.Number, cancellationToken))!);
    }

    /// <summary>
    /// Answers a creation whose change was committed under an <c>Idempotency-Key</c> while its answer was lost (the
    /// process died in between), and finishes what that request asked for: with <paramref name="submit"/>, a change
    /// still New is submitted, and one routed to a workflow instance that was never started (the process died between
    /// the two commits of a submission) gets it started, with the same instance id.
    /// </summary>
    public async Task<CommandResult<ChangeRecord>> ResumeCreatedAsync(string number, bool submit, string userId, IReadOnlyCollection<string> roles, CancellationToken cancellationToken)
    {
        var record = await FindAsync(number, cancellationToken);
        if (record is null || !submit)
        {
            return record is null ? CommandResult.NotFound<ChangeRecord>("number", $"No change '{number}'.") : CommandResult.Ok(record);
        }

        if (record.WorkflowInstanceId is null)
        {
            return record.Change.State == ChangeState.New ? await SubmitAsync(number, ChangeState.New, userId, roles, cancellationToken) : CommandResult.Ok(record);
        }

        if (await _runtime.GetAsync(record.WorkflowInstanceId, cancellationToken) is null)
        {
            string? failure;
            try
            {
                var started = await StartWorkflowAsync(record, userId, cancellationToken);
                failure = started.Succeeded ? null : started.Message;
            }
            catch (ConcurrencyConflictException ex)
            {
                // Another retry started it first (the instance id is the one the change was routed with).
                failure = ex.Message;
            }

            if (failure is not null && await _runtime.GetAsync(record.WorkflowInstanceId, cancellationToken) is null)
            {
                return CommandResult.Invalid<ChangeRecord>("workflow", ErrorCodes.Unknown, $"The routed workflow '{record.WorkflowDefinitionId}' could not start: {failure}");
            }

            await AddTimelineAsync(record.Number, userId, "change.submitted", $"Submitted; workflow {record.WorkflowDefinitionId} started on retry of the request that routed it.", cancellationToken);
        }

        return CommandResult.Ok((await FindAsync(number, cancellationToken))!);
    }

    /// <summary>Starts the workflow a submission routed <paramref name="routed"/> to, with its instance id and the change number as correlation id.</summary>
    private Task<RuntimeResult> StartWorkflowAsync(ChangeRecord routed, string userId, CancellationToken cancellationToken) =>
        _runtime.StartAsync(
            routed.WorkflowDefinitionId!,
            new StartRequest
            {
                InstanceId = routed.WorkflowInstanceId,
                CorrelationId = routed.Number,
                Input = new Dictionary<string, JsonNode?> { [ChangeSnapshot.InputName] = ChangeSnapshot.ToJson(routed, _catalog.RiskScale) },
            },
            cancellationToken,
            userId);

    /// <summary>
    /// Records an implementer's report on a plan step (<c>step-N</c>, in Scheduled or Implement) or a rollback step
    /// (<c>rb-N</c>, in Implement), then wakes the activity that follows them. Reporting the same thing twice is a no-op.
    /// </summary>
    public async Task<CommandResult<ChangeRecord>> ReportStepAsync(string number, string stepId, StepStatus status, string? note, ChangeState expectedState, string userId, IReadOnlyCollection<string> roles, CancellationToken cancellationToken)
    {
        if (!Permissions.Grants(Permissions.Implementation, roles))
        {
            return CommandResult.Forbidden<ChangeRecord>("Only implementers and change managers report steps.");
        }

        if (status is not (StepStatus.Done or StepStatus.Failed))
        {
            return CommandResult.Invalid<ChangeRecord>("status", ErrorCodes.Invalid, "A step is reported Done or Failed.");
        }

        var rollback = stepId?.StartsWith("rb-", StringComparison.Ordinal) == true;
        var result = await UpdateAsync(number, record =>
        {
            if (record.Change.State != expectedState)
            {
                return CommandResult.Conflict<ChangeRecord>("state", $"{record.Number} is {record.Change.State}, not {expectedState}.");
            }

            if (stepId is null || !StepIds(record, rollback).Contains(stepId))
            {
                var plan = StepIds(record, rollback: false);
                return CommandResult.Invalid<ChangeRecord>("stepId", ErrorCodes.Unknown, $"{record.Number} has no step '{stepId}'; its steps are {string.Join(", ", plan)} and rollback steps rb-1..rb-{record.Change.RollbackProcedure?.Steps.Count ?? 0}.");
            }

            var allowed = rollback ? record.Change.State == ChangeState.Implement : record.Change.State is ChangeState.Scheduled or ChangeState.Implement;
            return allowed ? null : CommandResult.Conflict<ChangeRecord>("state", $"{record.Number} is {record.Change.State}; {(rollback ? "rollback steps are reported while it is implemented" : "steps are reported once it is scheduled")}.");
        },
        record =>
        {
            var list = rollback ? record.RollbackSteps : record.Steps;
            if (list.FirstOrDefault(p => p.StepId == stepId) is { } latest && latest.Status == status && latest.Note == note && latest.By == userId)
            {
                return null;
            }

            var progress = new StepProgress(stepId!, status, string.IsNullOrWhiteSpace(note) ? null : note, userId, _time.GetUtcNow());
            var order = StepIds(record, rollback);
            var updated = list.Where(p => p.StepId != stepId).Append(progress).OrderBy(p => order.IndexOf(p.StepId) is var i and >= 0 ? i : int.MaxValue).ToList();
            return rollback ? record with { RollbackSteps = updated } : record with { Steps = updated };
        }, cancellationToken);
        if (!result.Result.IsOk || !result.Changed)
        {
            return result.Result;
        }

        var changed = result.Result.Value!;
        await AddTimelineAsync(changed.Number, userId, rollback ? "rollback-step.reported" : "step.reported", $"{stepId} {status}{(string.IsNullOrWhiteSpace(note) ? string.Empty : ": " + note)}", cancellationToken);
        if (changed.Change.State == ChangeState.Implement)
        {
            await _runtime.DeliverAsync(
                new StimulusRequest(
                    rollback ? ChangeStimuli.RollbackStepReport : ChangeStimuli.StepReport,
                    ChangeStimuli.ChangePayload(changed.Number),
                    ChangeStimuli.StepInput(stepId!, status, note, userId),
                    CorrelationId: changed.Number,
                    Actor: userId),
                cancellationToken);
        }

        return CommandResult.Ok((await _changes.FindAsync(changed.Change.Number, cancellationToken))!);
    }

    /// <summary>
    /// Validates an implemented change: only in Implement, once every plan step is done, and before the hard
    /// rollback decision point. Validating twice is a no-op.
    /// </summary>
    public async Task<CommandResult<ChangeRecord>> ValidateAsync(string number, ChangeState expectedState, string? note, string userId, IReadOnlyCollection<string> roles, CancellationToken cancellationToken)
    {
        if (!Permissions.Grants(Permissions.Implementation, roles))
        {
            return CommandResult.Forbidden<ChangeRecord>("Only implementers and change managers validate changes.");
        }

        var now = _time.GetUtcNow();
        var result = await UpdateAsync(number, record =>
        {
            if (record.Change.State != expectedState || record.Change.State != ChangeState.Implement)
            {
                return CommandResult.Conflict<ChangeRecord>("state", $"{record.Number} is {record.Change.State}; only a change being implemented is validated.");
            }

            var pending = StepIds(record, rollback: false)
                .Where(id => record.Steps.FirstOrDefault(p => p.StepId == id)?.Status != StepStatus.Done).ToList();
            if (pending.Count > 0 && record.ValidatedAt is null)
            {
                return CommandResult.Invalid<ChangeRecord>("steps", ErrorCodes.Required, $"Every step must be done before validation; not done: {string.Join(", ", pending)}.");
            }

            var deadline = record.Change.RollbackDeadline;
            return record.ValidatedAt is null && deadline is { } d && now >= d
                ? CommandResult.Conflict<ChangeRecord>("rollbackDecisionPoint", $"The hard rollback decision point ({d:O}) has passed; the change is being rolled back.")
                : null;
        },
        record => record.ValidatedAt is not null ? null : record with { ValidatedAt = now, ValidatedBy = userId },
        cancellationToken);
        if (!result.Result.IsOk || !result.Changed)
        {
            return result.Result;
        }

        var changed = result.Result.Value!;
        await AddTimelineAsync(changed.Number, userId, "change.validated", string.IsNullOrWhiteSpace(note) ? "Implementation validated." : $"Implementation validated: {note}", cancellationToken);
        await _runtime.DeliverAsync(
            new StimulusRequest(ChangeStimuli.Validated, ChangeStimuli.ChangePayload(changed.Number), new JsonObject { ["by"] = userId, ["note"] = note }, CorrelationId: changed.Number, Actor: userId),
            cancellationToken);
        return CommandResult.Ok((await _changes.FindAsync(changed.Change.Number, cancellationToken))!);
    }

    /// <summary>Cancels a change before implementation: its workflow is cancelled and its open tasks closed.</summary>
    public async Task<CommandResult<ChangeRecord>> CancelAsync(string number, ChangeState expectedState, string? reason, string userId, IReadOnlyCollection<string> roles, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(reason))
        {
            return CommandResult.Invalid<ChangeRecord>("reason", ErrorCodes.Required, "A reason for canceling is required.");
        }

        var found = await FindAsync(number, cancellationToken);
        if (found is not null && !IsOwner(found, userId) && !Permissions.Grants(Permissions.ChangeManagement, roles))
        {
            return CommandResult.Forbidden<ChangeRecord>($"Only the requestor of {found.Number} or a change manager cancels it.");
        }

        CommandResult<ChangeRecord>? refused = null;
        var result = await UpdateAsync(number, _ => null, record =>
        {
            var moved = record.Change.Transition(expectedState, ChangeState.Canceled, _time.GetUtcNow(), userId, note: reason);
            if (moved.IsApplied)
            {
                refused = null;
                return record with { Change = moved.Change };
            }

            refused = moved.Status == TransitionStatus.Invalid
                ? CommandResult.Invalid<ChangeRecord>(moved.Errors)
                : new CommandResult<ChangeRecord>(CommandStatus.Conflict, null, moved.Errors);
            return null;
        }, cancellationToken, userId, next => _notices!.CancelAsync(next, reason, _time.GetUtcNow(), cancellationToken));
        if (refused is not null)
        {
            return refused;
        }

        if (!result.Result.IsOk || !result.Changed)
        {
            return result.Result;
        }

        var changed = result.Result.Value!;
        await AddTimelineAsync(changed.Number, userId, "change.canceled", $"Canceled: {reason}", cancellationToken);
        if (changed.WorkflowInstanceId is { } instanceId)
        {
            await _runtime.CancelAsync(instanceId, cancellationToken, userId);
        }

        var now = _time.GetUtcNow();
        var open = await _tasks.ListAsync(new HumanTaskQuery(SubjectId: changed.Number, Status: HumanTaskStatus.Open, Take: 1000), cancellationToken);
        foreach (var task in open.Items)
        {
            try
            {
                await _tasks.UpdateAsync(task with { Status = HumanTaskStatus.Canceled, CompletedAt = now, Version = task.Version + 1 }, task.Version, cancellationToken);
            }
            catch (ConcurrencyConflictException)
            {
                // Someone completed or reassigned it at the same moment; the workflow is cancelled either way.
            }
        }

        return CommandResult.Ok(changed);
    }

    /// <summary>
    /// Moves the window of a change that is not yet being implemented, and everything planned around it by the same
    /// amount (plan steps, the hard rollback decision point and communication rows at a fixed time or day follow the
    /// start, the review follows the end). Once
    /// the change is assessed, a move into a blackout or onto items another change holds is refused. A scheduled
    /// change's pending notices are rescheduled in the same transaction (people already told get the new window and
    /// an updated calendar entry), and its workflow's wait for the window follows the move.
    /// </summary>
    public async Task<CommandResult<ChangeRecord>> MoveWindowAsync(
        string number, ChangeWindow window, ChangeState expectedState, string? reason, string userId, IReadOnlyCollection<string> roles, CancellationToken cancellationToken)
    {
        if (window is null)
        {
            return CommandResult.Invalid<ChangeRecord>("window", ErrorCodes.Required, "The new window is required.");
        }

        var windowErrors = window.Validate("window");
        if (windowErrors.Count > 0)
        {
            return CommandResult.Invalid<ChangeRecord>(windowErrors);
        }

        var found = await FindAsync(number, cancellationToken);
        if (found is not null && !(IsOwner(found, userId) && found.Change.State == ChangeState.New) && !Permissions.Grants(Permissions.ChangeManagement, roles))
        {
            return CommandResult.Forbidden<ChangeRecord>($"Only a change manager moves the window of {found.Number} once it is submitted (its requestor may while it is New).");
        }

        var validator = await ValidatorAsync(cancellationToken);
        ChangeWindow? before = null;
        CommandResult<ChangeRecord>? refused = null;
        var result = await UpdateAsync(number, record =>
        {
            if (record.Change.State != expectedState)
            {
                return CommandResult.Conflict<ChangeRecord>("state", $"{record.Number} is {record.Change.State}, not {expectedState}.");
            }

            return record.Change.State is ChangeState.New or ChangeState.Assess or ChangeState.Authorize or ChangeState.Scheduled
                ? null
                : CommandResult.Conflict<ChangeRecord>("state", $"{record.Number} is {record.Change.State}; only a change not yet implemented has its window moved.");
        },
        record =>
        {
            refused = null;
            before = record.Change.Window;
            var moved = record.Change.MovedTo(window);
            if (moved == record.Change)
            {
                return null;
            }

            var errors = record.Change.State == ChangeState.New
                ? window.Validate("window")
                : validator.Validate(moved);
            if (errors.Count > 0)
            {
                refused = CommandResult.Invalid<ChangeRecord>(errors);
                return null;
            }

            return record with { Change = moved };
        },
        cancellationToken,
        userId,
        next => next.Change.State == ChangeState.Scheduled && next.Notices.Revision > 0
            ? _notices!.ScheduleAsync(next, _time.GetUtcNow(), cancellationToken)
            : Task.FromResult(new NoticeBatch([], next.Notices, [])),
        async next =>
        {
            if (next.Change.State == ChangeState.New)
            {
                return null;
            }

            var conflicts = await DetectConflicts.FindAsync(next, _changes, _catalog, cancellationToken);
            return conflicts.Count == 0
                ? null
                : CommandResult.Invalid<ChangeRecord>([.. conflicts.Select(c => new DomainError("window", ErrorCodes.Conflict, $"The new window runs into {c}."))]);
        });
        if (refused is not null)
        {
            return refused;
        }

        if (!result.Result.IsOk || !result.Changed)
        {
            return result.Result;
        }

        var changed = result.Result.Value!;
        await AddTimelineAsync(
            changed.Number,
            userId,
            "window.moved",
            $"Window moved from {before?.ToLocalString() ?? "none"} to {changed.Change.Window!.ToLocalString()}{(string.IsNullOrWhiteSpace(reason) ? "." : ": " + reason)}",
            cancellationToken);
        if (changed.Change.State == ChangeState.Scheduled && changed.WorkflowInstanceId is not null)
        {
            await _runtime.DeliverAsync(
                new StimulusRequest(ChangeStimuli.WindowMoved, ChangeStimuli.ChangePayload(changed.Number), null, CorrelationId: changed.Number, Actor: userId),
                cancellationToken);
        }

        return CommandResult.Ok((await _changes.FindAsync(changed.Change.Number, cancellationToken))!);
    }

    /// <summary>
    /// Replaces the communication plan of a change whose outcome is not known yet. The rows are checked like a
    /// dossier's, and their recipients, templates and attachments must exist. A scheduled (or implementing) change's
    /// pending notices are rescheduled from the new plan in the same transaction; people a row already reached are
    /// not told again.
    /// </summary>
    public async Task<CommandResult<ChangeRecord>> UpdateCommunicationPlanAsync(
        string number, IReadOnlyList<CommunicationItem> plan, ChangeState expectedState, string userId, IReadOnlyCollection<string> roles, CancellationToken cancellationToken)
    {
        if (plan is null)
        {
            return CommandResult.Invalid<ChangeRecord>("communicationPlan", ErrorCodes.Required, "The communication plan is required (an empty list removes every row).");
        }

        var found = await FindAsync(number, cancellationToken);
        if (found is not null && !IsOwner(found, userId) && !Permissions.Grants(Permissions.ChangeManagement, roles))
        {
            return CommandResult.Forbidden<ChangeRecord>($"Only the requestor of {found.Number} or a change manager edits its communication plan.");
        }

        var errors = new PathErrors();
        var validator = await ValidatorAsync(cancellationToken);
        errors.AddRange(validator.Validate(PlanHost with { CommunicationPlan = plan }).Where(e => e.Path.StartsWith("communicationPlan", StringComparison.Ordinal)));
        if (_notices is not null)
        {
            errors.AddRange(await _notices.ValidatePlanAsync(plan, string.Empty, requireAttachments: true, cancellationToken));
        }

        if (errors.Count > 0)
        {
            return CommandResult.Invalid<ChangeRecord>(errors.ToList());
        }

        // Rows without an id keep the one they would have had, so notices already sent stay matched to them.
        var rows = plan.Select((row, i) => row.Id is null ? row with { Id = CommunicationItem.DefaultId(i) } : row).ToList();
        var result = await UpdateAsync(number, record =>
        {
            if (record.Change.State != expectedState)
            {
                return CommandResult.Conflict<ChangeRecord>("state", $"{record.Number} is {record.Change.State}, not {expectedState}.");
            }

            return record.Change.State is ChangeState.New or ChangeState.Assess or ChangeState.Authorize or ChangeState.Scheduled or ChangeState.Implement
                ? null
                : CommandResult.Conflict<ChangeRecord>("state", $"{record.Number} is {record.Change.State}; its communication plan is done.");
        },
        record => record with { Change = record.Change with { CommunicationPlan = rows } },
        cancellationToken,
        userId,
        next => next.Change.State is ChangeState.Scheduled or ChangeState.Implement && next.Notices.Revision > 0
            ? _notices!.ScheduleAsync(next, _time.GetUtcNow(), cancellationToken)
            : Task.FromResult(new NoticeBatch([], next.Notices, [])));
        if (!result.Result.IsOk || !result.Changed)
        {
            return result.Result;
        }

        var changed = result.Result.Value!;
        await AddTimelineAsync(changed.Number, userId, "communication-plan.updated", $"Communication plan edited: {rows.Count} row(s).", cancellationToken);
        return CommandResult.Ok((await _changes.FindAsync(changed.Change.Number, cancellationToken))!);
    }

    /// <summary>A change with nothing but a valid shape, to check plan rows alone with the dossier validator.</summary>
    private static ChangeRequest PlanHost { get; } = new();

    private async Task<StandardTemplate?> CheckStandardAsync(ChangeRecord record, PathErrors errors, CancellationToken cancellationToken)
    {
        if (record.TemplateId is not { } templateId)
        {
            errors.Add("templateId", ErrorCodes.Required, "A standard change must instantiate a standard-change template from the catalogue.");
            return null;
        }

        var template = await _catalog.FindTemplateAsync(templateId, cancellationToken);
        if (template is null)
        {
            errors.Add("templateId", ErrorCodes.Unknown, $"No standard-change template '{templateId}' is in the catalogue.");
            return null;
        }

        if (record.Change.RiskRegister.OverallLevel(_catalog.RiskScale) is { } level && level > template.MaxRiskLevel)
        {
            errors.Add("riskRegister", ErrorCodes.OutOfRange, $"The change's risk is {level}; template '{template.Id}' covers {template.MaxRiskLevel} risk at most, so it needs a normal change.");
        }

        var services = record.Change.Impact?.ServiceIds ?? [];
        for (var i = 0; i < services.Count; i++)
        {
            if (template.ServiceIds.Count > 0 && !template.ServiceIds.Contains(services[i]))
            {
                errors.Add(PathErrors.Index("impact.serviceIds", i), ErrorCodes.NotAllowed, $"Template '{template.Id}' does not cover the service '{services[i]}'.");
            }
        }

        var conflicts = await DetectConflicts.FindAsync(record, _changes, _catalog, cancellationToken);
        foreach (var conflict in conflicts)
        {
            errors.Add("window", ErrorCodes.Conflict, $"A standard change may not run into {conflict}.");
        }

        return template;
    }

    private async Task<(CommandResult<ChangeRecord> Result, bool Changed)> UpdateAsync(
        string number,
        Func<ChangeRecord, CommandResult<ChangeRecord>?> check,
        Func<ChangeRecord, ChangeRecord?> change,
        CancellationToken cancellationToken,
        string? actor = null,
        Func<ChangeRecord, Task<NoticeBatch>>? notices = null,
        Func<ChangeRecord, Task<CommandResult<ChangeRecord>?>>? verify = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            var record = await FindAsync(number, cancellationToken);
            if (record is null)
            {
                return (CommandResult.NotFound<ChangeRecord>("number", $"No change '{number}'."), false);
            }

            if (check(record) is { } refused)
            {
                return (refused, false);
            }

            var updated = change(record);
            if (updated is null)
            {
                return (CommandResult.Ok(record), false);
            }

            if (verify is not null && await verify(updated) is { } unfit)
            {
                return (unfit, false);
            }

            try
            {
                var next = updated with { Version = record.Version + 1, UpdatedAt = _time.GetUtcNow() };
                if (notices is not null && _notices is not null && _writes is not null)
                {
                    // The change and what it tells people commit together: a cancellation is never half sent.
                    var batch = await notices(next);
                    next = next with { Notices = batch.State };
                    var now = _time.GetUtcNow();
                    List<IRunWrite> writes = [new ChangeWrite(next, record.Version), .. batch.Writes];
                    writes.AddRange(batch.Log.Select(line => new TimelineWrite(new TimelineEntry(TimelineIds.Next(now), next.Number, now, actor ?? ChangeActivity.SystemActor, line.Action, line.Summary))));
                    await _writes.CommitAsync(writes, cancellationToken);
                }
                else
                {
                    await _changes.UpdateAsync(next, record.Version, cancellationToken);
                }

                return (CommandResult.Ok(next), true);
            }
            catch (ConcurrencyConflictException) when (attempt < MaxAttempts)
            {
                // A workflow run or another user wrote the change meanwhile; check again on the fresh version.
            }
            catch (ConcurrencyConflictException)
            {
                return (CommandResult.Conflict<ChangeRecord>("version", $"{number} keeps changing; try again."), false);
            }
        }
    }

    private async Task<ChangeRecord?> FindAsync(string number, CancellationToken cancellationToken) =>
        ChangeNumber.TryParse(number, out var parsed) ? await _changes.FindAsync(parsed, cancellationToken) : null;

    private async Task<ChangeRequestValidator> ValidatorAsync(CancellationToken cancellationToken) =>
        new(_catalog.RiskScale, await _catalog.GetRegistryAsync(cancellationToken));

    private Task AddTimelineAsync(string number, string actor, string action, string summary, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        return _timeline.AddAsync(new TimelineEntry(TimelineIds.Next(now), number, now, actor, action, summary), cancellationToken);
    }

    private static bool IsOwner(ChangeRecord record, string userId) => record.CreatedBy == userId || record.Change.Requestor?.Id == userId;

    /// <summary>The ids of a change's plan steps, or of its rollback steps (rb-1, rb-2 ...), in their order.</summary>
    private static List<string> StepIds(ChangeRecord record, bool rollback) =>
        rollback
            ? [.. Enumerable.Range(0, record.Change.RollbackProcedure?.Steps.Count ?? 0).Select(ChangeStimuli.RollbackStepId)]
            : [.. Enumerable.Range(0, record.Change.ImplementationPlan.Steps.Count).Select(record.Change.ImplementationPlan.IdOf)];
}
