using ChangeFlow.Domain.Common;
using ChangeFlow.Domain.Communication;
using ChangeFlow.Domain.Risk;

namespace ChangeFlow.Domain.Changes;

/// <summary>
/// A Request for Change and its CAB dossier (identification, justification, impact, risk, implementation and
/// rollback plans, communication plan, post-implementation review), plus where it is in its life.
/// </summary>
/// <remarks>
/// <para>The dossier is plain data that may be incomplete while the change is <see cref="ChangeState.New"/>: an RFC
/// is written over days. <see cref="ChangeRequestValidator"/> reports every gap at once with a path, and leaving
/// New (except to Canceled) requires a clean dossier.</para>
/// <para>The type is immutable. <see cref="Transition"/> returns the next version instead of changing this one, so a
/// refused move cannot leave a half-updated change and the store decides which version wins (it keeps an
/// app-incremented version column; the domain's guard is the expected state).</para>
/// </remarks>
public sealed record ChangeRequest
{
    /// <summary>The RFC number, e.g. <c>RFC-2026-014</c>.</summary>
    public ChangeNumber Number { get; init; }

    /// <summary>A one-line summary.</summary>
    public string Title { get; init; } = string.Empty;

    /// <summary>Standard, Normal or Emergency; decides the states and how much of the dossier is required.</summary>
    public ChangeType Type { get; init; }

    /// <summary>Minor, Significant or Major.</summary>
    public ChangeCategory Category { get; init; }

    /// <summary>Who asks for the change; may not vote on it.</summary>
    public Person? Requestor { get; init; }

    /// <summary>Who owns the affected application and accepts its risk.</summary>
    public Person? ApplicationOwner { get; init; }

    /// <summary>When the RFC was submitted (UTC instant).</summary>
    public DateTimeOffset SubmittedAt { get; init; }

    /// <summary>The requested deployment window.</summary>
    public ChangeWindow? Window { get; init; }

    /// <summary>When the CAB reviews it (UTC instant of the meeting), once booked; see <see cref="Cab.CabBoard.NextMeetingBefore(DateTimeOffset, DateTimeOffset, TimeSpan)"/>.</summary>
    public DateTimeOffset? CabReviewAt { get; init; }

    /// <summary>Why the change is needed and why now.</summary>
    public string Justification { get; init; } = string.Empty;

    /// <summary>What it touches and who feels it.</summary>
    public ImpactAssessment? Impact { get; init; }

    /// <summary>What could go wrong.</summary>
    public RiskRegister RiskRegister { get; init; } = RiskRegister.Empty;

    /// <summary>The steps, in order.</summary>
    public ImplementationPlan ImplementationPlan { get; init; } = ImplementationPlan.Empty;

    /// <summary>
    /// The instant by which the change must be complete and validated, or it is rolled back regardless of progress
    /// (the seed: Sunday 04:00 WAT). Must lie inside the window, late enough to matter and early enough that the
    /// rollback finishes before the window ends.
    /// </summary>
    public DateTimeOffset? RollbackDecisionPoint { get; init; }

    /// <summary>
    /// The instant after which an unvalidated change is rolled back: the hard rollback decision point, else the end of
    /// the window; null when the change has neither.
    /// </summary>
    public DateTimeOffset? RollbackDeadline => RollbackDecisionPoint ?? Window?.End;

    /// <summary>How to undo the change.</summary>
    public RollbackProcedure? RollbackProcedure { get; init; }

    /// <summary>Who is told what and when.</summary>
    public IReadOnlyList<CommunicationItem> CommunicationPlan { get; init; } = [];

    /// <summary>The review after the change.</summary>
    public PostImplementationReview? PostImplementationReview { get; init; }

    /// <summary>Where the change is in its life; only <see cref="Transition"/> moves it.</summary>
    public ChangeState State { get; private init; } = ChangeState.New;

    /// <summary>How the implementation ended; set when leaving Implement, possibly revised when leaving Review.</summary>
    public ChangeOutcome? Outcome { get; private init; }

    /// <summary>Every state move, oldest first.</summary>
    public IReadOnlyList<StateTransition> History { get; private init; } = [];

    /// <summary>
    /// Rebuilds a stored change: <paramref name="dossier"/>'s fields with the state, outcome and history it had. For
    /// stores and serializers only; everything else moves a change with <see cref="Transition"/>. The history must
    /// be a chain from New to <paramref name="state"/> in time order, so a tampered or truncated record is reported
    /// rather than loaded.
    /// </summary>
    public static Result<ChangeRequest> Restore(ChangeRequest dossier, ChangeState state, ChangeOutcome? outcome, IReadOnlyList<StateTransition> history)
    {
        ArgumentNullException.ThrowIfNull(dossier);
        ArgumentNullException.ThrowIfNull(history);
        var errors = new ErrorList();
        errors.RequireDefined("state", state, "The state");
        if (outcome is { } given)
        {
            errors.RequireDefined("outcome", given, "The outcome");
        }

        var expectedFrom = ChangeState.New;
        DateTimeOffset? previousAt = null;
        for (var i = 0; i < history.Count; i++)
        {
            var path = ErrorList.Index("history", i);
            var entry = history[i];
            if (entry is null)
            {
                errors.Add(path, ErrorCodes.Required, "A history entry is missing.");
                continue;
            }

            if (entry.From != expectedFrom)
            {
                errors.Add(ErrorList.Member(path, "from"), ErrorCodes.OutOfOrder, $"The entry starts from {entry.From}, but the change was {expectedFrom}.");
            }

            if (previousAt is { } before && entry.At < before)
            {
                errors.Add(ErrorList.Member(path, "at"), ErrorCodes.OutOfOrder, "The entry is dated before the previous one.");
            }

            expectedFrom = entry.To;
            previousAt = entry.At;
        }

        if (expectedFrom != state)
        {
            errors.Add("state", ErrorCodes.Conflict, $"The history ends in {expectedFrom}, not {state}.");
        }

        return errors.Count > 0
            ? Result.Failure<ChangeRequest>(errors.ToList())
            : Result.Success(dossier with { State = state, Outcome = outcome, History = [.. history] });
    }

    /// <summary>
    /// Moves the change from <paramref name="expected"/> to <paramref name="target"/> at <paramref name="at"/> on
    /// behalf of <paramref name="by"/>, returning the next version.
    /// </summary>
    /// <param name="expected">The state the caller saw; a different current state is a <see cref="TransitionStatus.Conflict"/>, never a silent overwrite.</param>
    /// <param name="target">The state to move to; it must be allowed for the change's type (<see cref="ChangeLifecycle"/>).</param>
    /// <param name="at">When, as a UTC instant from the caller's TimeProvider; not before the last history entry.</param>
    /// <param name="by">The person id doing it.</param>
    /// <param name="outcome">Required when leaving Implement; may revise the outcome when leaving Review; refused otherwise.</param>
    /// <param name="note">Why; required for Rejected and Canceled.</param>
    public TransitionResult Transition(
        ChangeState expected,
        ChangeState target,
        DateTimeOffset at,
        string by,
        ChangeOutcome? outcome = null,
        string? note = null)
    {
        if (State != expected)
        {
            return Refuse(TransitionStatus.Conflict, "state", ErrorCodes.Conflict, $"{Number} is {State}, not {expected}; reload it and decide again.");
        }

        if (!ChangeLifecycle.IsAllowed(Type, State, target))
        {
            var allowed = ChangeLifecycle.AllowedTargets(Type, State);
            return Refuse(
                TransitionStatus.NotAllowed,
                "target",
                ErrorCodes.NotAllowed,
                $"A {Type} change cannot go from {State} to {target}; allowed: {(allowed.Count == 0 ? "none" : string.Join(", ", allowed))}.");
        }

        var errors = new ErrorList();
        errors.RequireText("by", by, "Who makes the move");
        if (at == default)
        {
            errors.Add("at", ErrorCodes.Required, "The instant of the move is required.");
        }
        else if (History.Count > 0 && at < History[^1].At)
        {
            errors.Add("at", ErrorCodes.OutOfOrder, $"The move is dated before the previous one ({History[^1].At:O}).");
        }

        CheckOutcome(errors, target, outcome);
        if (target is ChangeState.Rejected or ChangeState.Canceled)
        {
            errors.RequireText("note", note, $"A reason for {target}");
        }

        if (State == ChangeState.New && target != ChangeState.Canceled)
        {
            errors.AddRange(ChangeRequestValidator.Default.Validate(this));
        }

        if (errors.Count > 0)
        {
            return new TransitionResult(TransitionStatus.Invalid, this, errors.ToList());
        }

        var next = this with
        {
            State = target,
            Outcome = outcome ?? Outcome,
            History = [.. History, new StateTransition(State, target, at.ToUniversalTime(), by, outcome, note)],
        };
        return new TransitionResult(TransitionStatus.Applied, next, []);
    }

    private void CheckOutcome(ErrorList errors, ChangeState target, ChangeOutcome? outcome)
    {
        if (outcome is { } given && !Enum.IsDefined(given))
        {
            errors.Add("outcome", ErrorCodes.Invalid, $"{given} is not an outcome.");
        }
        else if (State == ChangeState.Implement && outcome is null)
        {
            errors.Add("outcome", ErrorCodes.Required, $"Leaving Implement for {target} needs the outcome: {string.Join(", ", Enum.GetNames<ChangeOutcome>())}.");
        }
        else if (State is not (ChangeState.Implement or ChangeState.Review) && outcome is not null)
        {
            errors.Add("outcome", ErrorCodes.NotAllowed, "An outcome is set only when leaving Implement or Review.");
        }
    }

    /// <summary>This change with <paramref name="window"/>, and everything planned in the old window moved with it.</summary>
    public ChangeRequest MovedTo(ChangeWindow window)
    {
        if (Window is not { } old)
        {
            return this with { Window = window };
        }

        var (startShift, endShift) = (window.Start - old.Start, window.End - old.End);
        if (startShift == TimeSpan.Zero && endShift == TimeSpan.Zero && old.TimeZoneId == window.TimeZoneId)
        {
            return this;
        }

        // Rows at a fixed instant or on a fixed day were planned around the old window ("Thursday" before a Saturday
        // night): they move with it, by the same time or the same number of local days.
        var days = old.IsValid && window.IsValid ? window.Calendar.DateOf(window.Start).DayNumber - old.Calendar.DateOf(old.Start).DayNumber : 0;
        return this with
        {
            Window = window,
            CommunicationPlan = [.. CommunicationPlan.Select(row => row.When switch
            {
                NotificationTiming.AtInstant at => row with { When = NotificationTiming.At(at.Instant + startShift) },
                NotificationTiming.OnLocalDate day => row with { When = NotificationTiming.During(day.Date.AddDays(days)) },
                _ => row,
            })],
            ImplementationPlan = new ImplementationPlan([.. ImplementationPlan.Steps.Select(s => s with { PlannedAt = s.PlannedAt + startShift })]),
            RollbackDecisionPoint = RollbackDecisionPoint + startShift,
            PostImplementationReview = PostImplementationReview is { ScheduledAt: var at } review && at != default
                ? review with { ScheduledAt = at + endShift }
                : PostImplementationReview,
        };
    }

    private TransitionResult Refuse(TransitionStatus status, string path, string code, string message) =>
        new(status, this, [new DomainError(path, code, message)]);
}
