using System.Text.Json.Nodes;
using ChangeFlow.Application.Changes;
using ChangeFlow.Application.Common;
using ChangeFlow.Application.Incidents.Config;
using ChangeFlow.Application.Security;
using ChangeFlow.Application.Workflows;
using ChangeFlow.Domain.Changes;
using ChangeFlow.Domain.Common;
using ChangeFlow.Domain.Problems;

namespace ChangeFlow.Application.Incidents;

/// <summary>
/// Problem management: log a problem, investigate it, publish it as a known error with its workaround, resolve it
/// (with the change that fixed it) and close it. Incidents link to problems through the incident service; a problem
/// lists its incidents.
/// </summary>
public sealed class ProblemService
{
    private const int MaxAttempts = 3;

    private readonly IProblemStore _problems;
    private readonly IIncidentStore _incidents;
    private readonly IChangeStore _changes;
    private readonly IncidentCatalog _catalog;
    private readonly ITimelineStore _timeline;
    private readonly TimeProvider _time;

    /// <summary>Creates the service.</summary>
    public ProblemService(IProblemStore problems, IIncidentStore incidents, IChangeStore changes, IncidentCatalog catalog, ITimelineStore timeline, TimeProvider time)
    {
        _problems = problems;
        _incidents = incidents;
        _changes = changes;
        _catalog = catalog;
        _timeline = timeline;
        _time = time;
    }

    /// <summary>A problem by number.</summary>
    public async Task<CommandResult<ProblemRecord>> GetAsync(string number, CancellationToken cancellationToken) =>
        await _problems.FindAsync(number, cancellationToken) is { } record ? CommandResult.Ok(record) : CommandResult.NotFound<ProblemRecord>("number", $"No problem '{number}'.");

    /// <summary>The incidents linked to a problem, newest first.</summary>
    public Task<IReadOnlyList<IncidentRecord>> IncidentsOfAsync(string number, string? userId, IReadOnlyCollection<string> roles, CancellationToken cancellationToken) =>
        _incidents.ListAllAsync(ReadVisibility.Scope(new IncidentQuery(ProblemNumber: number), userId, roles), cancellationToken);

    /// <summary>Logs a problem (checked before a number is allocated).</summary>
    public async Task<CommandResult<ProblemRecord>> CreateAsync(string? title, string? description, string? serviceId, IncidentActor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (!IncidentService.AgentRoles.Any(actor.Roles.Contains))
        {
            return CommandResult.Forbidden<ProblemRecord>("Only service desk agents, change managers and administrators log problems.");
        }

        var errors = new PathErrors();
        if (errors.RequireText("title", title, "A title") && title!.Length > IncidentService.MaxTitleLength)
        {
            errors.Add("title", ErrorCodes.OutOfRange, $"A title has at most {IncidentService.MaxTitleLength} characters.");
        }

        if (serviceId is not null && !(await _catalog.LoadAsync(cancellationToken)).Services.ContainsKey(serviceId))
        {
            errors.Add("serviceId", ErrorCodes.Unknown, $"No service '{serviceId}' is in the service catalogue.");
        }

        if (errors.Count > 0)
        {
            return CommandResult.Invalid<ProblemRecord>(errors.ToList());
        }

        var now = _time.GetUtcNow();
        var number = await _problems.AllocateNumberAsync(now.UtcDateTime.Year, cancellationToken);
        var problem = Problem.Log(number, title, description, serviceId, now, actor.UserId);
        if (!problem.IsSuccess)
        {
            return CommandResult.Invalid<ProblemRecord>(problem.Errors);
        }

        var record = new ProblemRecord { Problem = problem.Value, UpdatedAt = now, Version = 1 };
        await _problems.AddAsync(record, cancellationToken);
        await AddTimelineAsync(number, actor.UserId, "problem.logged", $"Problem logged: {problem.Value.Title}", cancellationToken);
        return CommandResult.Ok(record);
    }

    /// <summary>Starts the analysis.</summary>
    public Task<CommandResult<ProblemRecord>> InvestigateAsync(string number, string? note, IncidentActor actor, CancellationToken cancellationToken) =>
        UpdateAsync(number, actor, p => Task.FromResult(p.Investigate(_time.GetUtcNow(), actor.UserId, note)), p => ("problem.investigating", $"Investigation started{(note is null ? string.Empty : $": {note}")}."), cancellationToken);

    /// <summary>Records the root cause.</summary>
    public Task<CommandResult<ProblemRecord>> RecordRootCauseAsync(string number, string? rootCause, IncidentActor actor, CancellationToken cancellationToken) =>
        UpdateAsync(number, actor, p => Task.FromResult(p.RecordRootCause(rootCause)), p => ("problem.root-cause", $"Root cause: {p.RootCause}"), cancellationToken);

    /// <summary>Publishes the problem as a known error with its workaround.</summary>
    public Task<CommandResult<ProblemRecord>> MarkKnownErrorAsync(string number, string? workaround, string? rootCause, IncidentActor actor, CancellationToken cancellationToken) =>
        UpdateAsync(number, actor, p => Task.FromResult(p.MarkKnownError(workaround, rootCause, _time.GetUtcNow(), actor.UserId)), p => ("problem.known-error", $"Known error; workaround: {p.Workaround}"), cancellationToken);

    /// <summary>Records the permanent fix (and the change that made it, which must exist).</summary>
    public Task<CommandResult<ProblemRecord>> ResolveAsync(string number, string? resolution, string? fixChange, IncidentActor actor, CancellationToken cancellationToken) =>
        UpdateAsync(number, actor, async p =>
        {
            if (fixChange is not null)
            {
                var parsed = ChangeNumber.Parse(fixChange);
                if (!parsed.IsSuccess)
                {
                    return Result.Failure<Problem>("fixChange", ErrorCodes.Invalid, parsed.Errors[0].Message);
                }

                if (await _changes.FindAsync(parsed.Value, cancellationToken) is null)
                {
                    return Result.Failure<Problem>("fixChange", ErrorCodes.Unknown, $"No change '{fixChange}'.");
                }
            }

            return p.Resolve(resolution, fixChange, _time.GetUtcNow(), actor.UserId);
        },
        p => ("problem.resolved", $"Resolved{(p.FixChange is { } c ? $" by change {c}" : string.Empty)}: {p.Resolution}"),
        cancellationToken);

    /// <summary>Closes a resolved problem.</summary>
    public Task<CommandResult<ProblemRecord>> CloseAsync(string number, string? note, IncidentActor actor, CancellationToken cancellationToken) =>
        UpdateAsync(number, actor, p => Task.FromResult(p.Close(_time.GetUtcNow(), actor.UserId, note)), p => ("problem.closed", "Closed."), cancellationToken);

    private async Task<CommandResult<ProblemRecord>> UpdateAsync(
        string number, IncidentActor actor, Func<Problem, Task<Result<Problem>>> change, Func<Problem, (string Action, string Summary)> timeline, CancellationToken cancellationToken)
    {
        if (!IncidentService.AgentRoles.Any(actor.Roles.Contains))
        {
            return CommandResult.Forbidden<ProblemRecord>("Only service desk agents, change managers and administrators work problems.");
        }

        for (var attempt = 1; ; attempt++)
        {
            var record = await _problems.FindAsync(number, cancellationToken);
            if (record is null)
            {
                return CommandResult.NotFound<ProblemRecord>("number", $"No problem '{number}'.");
            }

            if (actor.ExpectedVersion is { } expected && expected != record.Version)
            {
                return CommandResult.Conflict<ProblemRecord>("version", $"{number} is at version {record.Version}, not {expected}; reload it and try again.");
            }

            var changed = await change(record.Problem);
            if (!changed.IsSuccess)
            {
                return changed.Errors.Any(e => e.Code == ErrorCodes.NotAllowed)
                    ? new CommandResult<ProblemRecord>(CommandStatus.Conflict, null, changed.Errors)
                    : CommandResult.Invalid<ProblemRecord>(changed.Errors);
            }

            var next = record with { Problem = changed.Value, Version = record.Version + 1, UpdatedAt = _time.GetUtcNow() };
            try
            {
                await _problems.UpdateAsync(next, record.Version, cancellationToken);
            }
            catch (ConcurrencyConflictException) when (attempt < MaxAttempts && actor.ExpectedVersion is null)
            {
                continue;
            }
            catch (ConcurrencyConflictException)
            {
                return CommandResult.Conflict<ProblemRecord>("version", $"{number} changed meanwhile; reload it and try again.");
            }

            var (action, summary) = timeline(next.Problem);
            await AddTimelineAsync(number, actor.UserId, action, summary, cancellationToken);
            return CommandResult.Ok(next);
        }
    }

    private Task AddTimelineAsync(string number, string actor, string action, string summary, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        return _timeline.AddAsync(new TimelineEntry(TimelineIds.Next(now), number, now, actor, action, summary, Data: new JsonObject { ["problem"] = number }), cancellationToken);
    }
}
