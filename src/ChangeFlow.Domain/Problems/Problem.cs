using ChangeFlow.Domain.Common;

namespace ChangeFlow.Domain.Problems;

/// <summary>
/// "The cause (known or unknown) of one or more incidents." Incidents link to it; once analysed it becomes a known
/// error with a workaround, and a change (the permanent fix) resolves it. The seed: a problem is what you
/// investigate so that the next incident does not happen.
/// </summary>
public sealed record Problem
{
    /// <summary>The number, e.g. <c>PRB-2026-0001</c>.</summary>
    public required string Number { get; init; }

    /// <summary>A one-line summary.</summary>
    public required string Title { get; init; }

    /// <summary>What is known so far.</summary>
    public string? Description { get; init; }

    /// <summary>The service it affects.</summary>
    public string? ServiceId { get; init; }

    /// <summary>Where it is.</summary>
    public required ProblemState State { get; init; }

    /// <summary>The fundamental reason behind it, once found.</summary>
    public string? RootCause { get; init; }

    /// <summary>How to get around it until it is fixed (what makes it a known error).</summary>
    public string? Workaround { get; init; }

    /// <summary>The permanent fix, once resolved.</summary>
    public string? Resolution { get; init; }

    /// <summary>The change that fixes it (<c>RFC-YYYY-NNN</c>).</summary>
    public string? FixChange { get; init; }

    /// <summary>Who logged it.</summary>
    public required string CreatedBy { get; init; }

    /// <summary>When it was logged.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When it became a known error.</summary>
    public DateTimeOffset? KnownErrorAt { get; init; }

    /// <summary>When it was resolved.</summary>
    public DateTimeOffset? ResolvedAt { get; init; }

    /// <summary>When it was closed.</summary>
    public DateTimeOffset? ClosedAt { get; init; }

    /// <summary>Every move, oldest first.</summary>
    public IReadOnlyList<ProblemTransition> History { get; init; } = [];

    /// <summary>Logs a problem.</summary>
    public static Result<Problem> Log(string number, string? title, string? description, string? serviceId, DateTimeOffset at, string by)
    {
        var errors = new ErrorList();
        errors.RequireText("number", number, "The number");
        errors.RequireText("title", title, "A title");
        if (errors.Count > 0)
        {
            return Result.Failure<Problem>(errors.ToList());
        }

        var utc = at.ToUniversalTime();
        return Result.Success(new Problem
        {
            Number = number,
            Title = title!.Trim(),
            Description = Blank(description),
            ServiceId = Blank(serviceId),
            State = ProblemState.Logged,
            CreatedBy = by,
            CreatedAt = utc,
            History = [new ProblemTransition(null, ProblemState.Logged, utc, by, null)],
        });
    }

    /// <summary>Starts the analysis (Logged → UnderInvestigation).</summary>
    public Result<Problem> Investigate(DateTimeOffset at, string by, string? note = null) =>
        State == ProblemState.Logged ? Result.Success(Move(ProblemState.UnderInvestigation, at, by, note)) : NotAllowed(ProblemState.UnderInvestigation);

    /// <summary>Records the root cause found so far (while open).</summary>
    public Result<Problem> RecordRootCause(string? rootCause)
    {
        if (string.IsNullOrWhiteSpace(rootCause))
        {
            return Result.Failure<Problem>("rootCause", ErrorCodes.Required, "The root cause is required.");
        }

        return State is ProblemState.Resolved or ProblemState.Closed
            ? Result.Failure<Problem>("state", ErrorCodes.NotAllowed, $"{Number} is {State}.")
            : Result.Success(this with { RootCause = rootCause.Trim() });
    }

    /// <summary>
    /// Publishes it as a known error: the workaround is required, the root cause may be given now. From Logged or
    /// UnderInvestigation; on a known error it updates the workaround.
    /// </summary>
    public Result<Problem> MarkKnownError(string? workaround, string? rootCause, DateTimeOffset at, string by)
    {
        if (string.IsNullOrWhiteSpace(workaround))
        {
            return Result.Failure<Problem>("workaround", ErrorCodes.Required, "A known error documents its workaround.");
        }

        if (State == ProblemState.KnownError)
        {
            return Result.Success(this with { Workaround = workaround.Trim(), RootCause = Blank(rootCause) ?? RootCause });
        }

        return State is ProblemState.Logged or ProblemState.UnderInvestigation
            ? Result.Success(Move(ProblemState.KnownError, at, by, null) with { Workaround = workaround.Trim(), RootCause = Blank(rootCause) ?? RootCause, KnownErrorAt = at.ToUniversalTime() })
            : NotAllowed(ProblemState.KnownError);
    }

    /// <summary>Records the permanent fix (and the change that made it).</summary>
    public Result<Problem> Resolve(string? resolution, string? fixChange, DateTimeOffset at, string by)
    {
        if (string.IsNullOrWhiteSpace(resolution))
        {
            return Result.Failure<Problem>("resolution", ErrorCodes.Required, "Describe the permanent fix.");
        }

        return State is ProblemState.Logged or ProblemState.UnderInvestigation or ProblemState.KnownError
            ? Result.Success(Move(ProblemState.Resolved, at, by, null) with { Resolution = resolution.Trim(), FixChange = Blank(fixChange), ResolvedAt = at.ToUniversalTime() })
            : NotAllowed(ProblemState.Resolved);
    }

    /// <summary>Closes a resolved problem.</summary>
    public Result<Problem> Close(DateTimeOffset at, string by, string? note = null) =>
        State == ProblemState.Resolved ? Result.Success(Move(ProblemState.Closed, at, by, note) with { ClosedAt = at.ToUniversalTime() }) : NotAllowed(ProblemState.Closed);

    private Problem Move(ProblemState to, DateTimeOffset at, string by, string? note) =>
        this with { State = to, History = [.. History, new ProblemTransition(State, to, at.ToUniversalTime(), by, Blank(note))] };

    private Result<Problem> NotAllowed(ProblemState to) =>
        Result.Failure<Problem>("state", ErrorCodes.NotAllowed, $"{Number} is {State} and cannot become {to}.");

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}

/// <summary>One move of a problem.</summary>
/// <param name="From">The state before (null for the first).</param>
/// <param name="To">The state after.</param>
/// <param name="At">When.</param>
/// <param name="By">Who.</param>
/// <param name="Note">Why, if given.</param>
public sealed record ProblemTransition(ProblemState? From, ProblemState To, DateTimeOffset At, string By, string? Note);
