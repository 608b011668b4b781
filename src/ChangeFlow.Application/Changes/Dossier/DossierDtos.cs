using System.ComponentModel.DataAnnotations;
using ChangeFlow.Domain.Changes;
using ChangeFlow.Domain.Communication;
using ChangeFlow.Domain.Risk;

namespace ChangeFlow.Application.Changes.Dossier;

// The JSON contract of an RFC dossier (camelCase, see DossierJson). Every property is nullable so that a missing or
// null value reaches validation and becomes an error with its path instead of a serializer exception. Instants are
// ISO 8601 with an explicit offset (stored and returned in UTC), durations ISO 8601 ("PT45M"), enums by name.
// [Required] marks what validation refuses a dossier without, so that the OpenAPI document says so; it is not
// checked by binding.

/// <summary>
/// A Request for Change with its CAB dossier, as the API accepts and returns it. <see cref="Number"/>,
/// <see cref="State"/>, <see cref="Outcome"/>, <see cref="OverallRisk"/> and <see cref="History"/> are read-only:
/// requests may send them back (so a response can be edited and resent) but they are ignored.
/// </summary>
public sealed record ChangeDossierDto
{
    /// <summary>The RFC number, <c>RFC-YYYY-NNN</c>; assigned by the server.</summary>
    public string? Number { get; init; }

    /// <summary>A one-line summary (at most 200 characters).</summary>
    [Required]
    public string? Title { get; init; }

    /// <summary>Standard, Normal or Emergency.</summary>
    [Required]
    public ChangeType? Type { get; init; }

    /// <summary>Minor, Significant or Major.</summary>
    [Required]
    public ChangeCategory? Category { get; init; }

    /// <summary>Who asks for the change.</summary>
    [Required]
    public PersonDto? Requestor { get; init; }

    /// <summary>Who owns the affected application.</summary>
    [Required]
    public PersonDto? ApplicationOwner { get; init; }

    /// <summary>When the RFC was submitted.</summary>
    public DateTimeOffset? SubmittedAt { get; init; }

    /// <summary>The requested window.</summary>
    [Required]
    public ChangeWindowDto? Window { get; init; }

    /// <summary>When the CAB reviews it.</summary>
    public DateTimeOffset? CabReviewAt { get; init; }

    /// <summary>Why the change is needed and why now.</summary>
    [Required]
    public string? Justification { get; init; }

    /// <summary>What the change touches and who feels it.</summary>
    public ImpactAssessmentDto? Impact { get; init; }

    /// <summary>The risk register rows.</summary>
    public IReadOnlyList<RiskRowDto?>? RiskRegister { get; init; }

    /// <summary>The implementation plan.</summary>
    [Required]
    public ImplementationPlanDto? ImplementationPlan { get; init; }

    /// <summary>The hard rollback decision point (an absolute instant inside the window).</summary>
    public DateTimeOffset? RollbackDecisionPoint { get; init; }

    /// <summary>How to undo the change.</summary>
    public RollbackProcedureDto? RollbackProcedure { get; init; }

    /// <summary>Who is told what, when and how.</summary>
    public IReadOnlyList<CommunicationRowDto?>? CommunicationPlan { get; init; }

    /// <summary>The review after the change.</summary>
    public PostImplementationReviewDto? PostImplementationReview { get; init; }

    /// <summary>Read-only: where the change is in its life.</summary>
    public ChangeState? State { get; init; }

    /// <summary>Read-only: how the implementation ended.</summary>
    public ChangeOutcome? Outcome { get; init; }

    /// <summary>Read-only: the highest level of the risk register (null while no risk is assessed).</summary>
    public RiskLevel? OverallRisk { get; init; }

    /// <summary>Read-only: every state move, oldest first.</summary>
    public IReadOnlyList<StateTransitionDto?>? History { get; init; }
}

/// <summary>A person named by a change.</summary>
public sealed record PersonDto
{
    /// <summary>A stable user id.</summary>
    [Required]
    public string? Id { get; init; }

    /// <summary>A name or role title.</summary>
    [Required]
    public string? DisplayName { get; init; }
}

/// <summary>The requested window <c>[start, end)</c> and the IANA zone it is planned in (e.g. <c>Africa/Lagos</c>).</summary>
public sealed record ChangeWindowDto
{
    /// <summary>The first instant of the window.</summary>
    [Required]
    public DateTimeOffset? Start { get; init; }

    /// <summary>The first instant after the window.</summary>
    [Required]
    public DateTimeOffset? End { get; init; }

    /// <summary>The IANA time zone id.</summary>
    [Required]
    public string? TimeZoneId { get; init; }
}

/// <summary>The impact assessment.</summary>
public sealed record ImpactAssessmentDto
{
    /// <summary>The configuration items changed, by id.</summary>
    public IReadOnlyList<string?>? ConfigurationItemIds { get; init; }

    /// <summary>The services changed, by id.</summary>
    public IReadOnlyList<string?>? ServiceIds { get; init; }

    /// <summary>About how many people are affected.</summary>
    public int? UsersAffected { get; init; }

    /// <summary>Who they are.</summary>
    public IReadOnlyList<string?>? UserGroups { get; init; }

    /// <summary>The business processes interrupted.</summary>
    public IReadOnlyList<string?>? BusinessProcesses { get; init; }

    /// <summary>Services affected as a side effect.</summary>
    public IReadOnlyList<DownstreamImpactDto?>? DownstreamServices { get; init; }

    /// <summary>How long users are without the service (ISO 8601 duration).</summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>A note on the duration.</summary>
    public string? DurationNote { get; init; }

    /// <summary>What data could be lost or corrupted.</summary>
    public string? DataAtRisk { get; init; }
}

/// <summary>A service affected as a side effect.</summary>
public sealed record DownstreamImpactDto
{
    /// <summary>The service's id.</summary>
    public string? ServiceId { get; init; }

    /// <summary>What its users will see.</summary>
    public string? Effect { get; init; }
}

/// <summary>One row of the risk register; <see cref="Score"/> and <see cref="Level"/> are computed and read-only.</summary>
public sealed record RiskRowDto
{
    /// <summary>What could go wrong.</summary>
    public string? Risk { get; init; }

    /// <summary>Low, Medium or High.</summary>
    public RiskProbability? Probability { get; init; }

    /// <summary>Low, Medium, High or Critical.</summary>
    public RiskImpact? Impact { get; init; }

    /// <summary>What reduces it; only a Low risk may go without.</summary>
    public string? Mitigation { get; init; }

    /// <summary>Read-only: probability weight × impact weight on the risk scale.</summary>
    public int? Score { get; init; }

    /// <summary>Read-only: the level of the score.</summary>
    public RiskLevel? Level { get; init; }
}

/// <summary>The implementation plan.</summary>
public sealed record ImplementationPlanDto
{
    /// <summary>The steps, in execution order.</summary>
    [Required]
    public IReadOnlyList<ImplementationStepDto?>? Steps { get; init; }
}

/// <summary>One step of the implementation plan.</summary>
public sealed record ImplementationStepDto
{
    /// <summary>The id progress is reported against; <c>step-N</c> (1-based) when left out.</summary>
    public string? Id { get; init; }

    /// <summary>What is done.</summary>
    public string? Title { get; init; }

    /// <summary>When the step is planned to start.</summary>
    public DateTimeOffset? PlannedAt { get; init; }

    /// <summary>The role, team or person responsible.</summary>
    public string? Responsible { get; init; }

    /// <summary>Whether the step is a go/no-go checkpoint.</summary>
    public bool? RequiredToProceed { get; init; }
}

/// <summary>The rollback procedure.</summary>
public sealed record RollbackProcedureDto
{
    /// <summary>When to roll back.</summary>
    public IReadOnlyList<string?>? TriggerConditions { get; init; }

    /// <summary>What to do, in order.</summary>
    public IReadOnlyList<string?>? Steps { get; init; }

    /// <summary>How long the steps take (ISO 8601 duration).</summary>
    public TimeSpan? EstimatedDuration { get; init; }
}

/// <summary>One row of the communication plan.</summary>
public sealed record CommunicationRowDto
{
    /// <summary>A stable row id; <c>comm-N</c> (1-based) when left out.</summary>
    public string? Id { get; init; }

    /// <summary>Who receives it.</summary>
    public string? Audience { get; init; }

    /// <summary>What it says.</summary>
    public string? Message { get; init; }

    /// <summary>When it goes out.</summary>
    public NotificationTimingDto? When { get; init; }

    /// <summary>How it reaches them (may be empty while drafting).</summary>
    public IReadOnlyList<CommunicationChannel?>? Channels { get; init; }

    /// <summary>
    /// Who the messages go to, as specs: <c>service:&lt;id&gt;</c>, <c>list:&lt;id&gt;</c>, <c>role:&lt;Role&gt;</c>,
    /// <c>group:&lt;group&gt;</c>, <c>board</c>, <c>requestor</c>, <c>application-owner</c>, <c>change-manager</c>,
    /// <c>implementers</c>, <c>affected-users</c>, <c>stakeholders</c>, <c>user:&lt;id|email&gt;</c>,
    /// <c>email:&lt;address&gt;</c>. Empty: ChangeFlow does not send this row.
    /// </summary>
    public IReadOnlyList<string?>? Recipients { get; init; }

    /// <summary>The message template (default <c>maintenance-notice</c>; outcome rows pick the outcome's template).</summary>
    public string? Template { get; init; }

    /// <summary>Files from the data directory's <c>attachments</c> folder to attach.</summary>
    public IReadOnlyList<string?>? Attachments { get; init; }
}

/// <summary>The kinds of <see cref="NotificationTimingDto"/>.</summary>
public enum NotificationTimingKind
{
    /// <summary>At a fixed instant: <c>at</c>.</summary>
    At = 1,

    /// <summary>At <c>offset</c> from the window's <c>edge</c> (Start or End); negative is before.</summary>
    RelativeToWindow = 2,

    /// <summary>Some time during a local <c>date</c> in the window's zone.</summary>
    OnLocalDate = 3,

    /// <summary>When the outcome is known, at the latest <c>deadlineAfterWindowEnd</c> after the window ends.</summary>
    OnOutcome = 4,
}

/// <summary>When a communication goes out: an absolute instant, or relative to the window, a local date, or the outcome.</summary>
public sealed record NotificationTimingDto
{
    /// <summary>Which of the forms this is; the other properties belong to one kind each.</summary>
    public NotificationTimingKind? Kind { get; init; }

    /// <summary>For <see cref="NotificationTimingKind.At"/>: the instant.</summary>
    public DateTimeOffset? At { get; init; }

    /// <summary>For <see cref="NotificationTimingKind.RelativeToWindow"/>: Start or End.</summary>
    public WindowEdge? Edge { get; init; }

    /// <summary>For <see cref="NotificationTimingKind.RelativeToWindow"/>: the ISO 8601 offset from the edge, e.g. <c>-PT32H</c>.</summary>
    public TimeSpan? Offset { get; init; }

    /// <summary>For <see cref="NotificationTimingKind.OnLocalDate"/>: the local date.</summary>
    public DateOnly? Date { get; init; }

    /// <summary>For <see cref="NotificationTimingKind.OnOutcome"/>: how long after the window end the message may still go out.</summary>
    public TimeSpan? DeadlineAfterWindowEnd { get; init; }
}

/// <summary>The post-implementation review.</summary>
public sealed record PostImplementationReviewDto
{
    /// <summary>When it starts.</summary>
    public DateTimeOffset? ScheduledAt { get; init; }

    /// <summary>How long it lasts (ISO 8601 duration).</summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>Who attends.</summary>
    public IReadOnlyList<string?>? Attendees { get; init; }

    /// <summary>The agenda.</summary>
    public IReadOnlyList<string?>? AgendaItems { get; init; }

    /// <summary>What the review found.</summary>
    public IReadOnlyList<string?>? Findings { get; init; }

    /// <summary>The outcome the review confirmed, once held.</summary>
    public ChangeOutcome? ConfirmedOutcome { get; init; }
}

/// <summary>One state move of a change.</summary>
public sealed record StateTransitionDto
{
    /// <summary>The state before.</summary>
    public ChangeState? From { get; init; }

    /// <summary>The state after.</summary>
    public ChangeState? To { get; init; }

    /// <summary>When.</summary>
    public DateTimeOffset? At { get; init; }

    /// <summary>Who, by user id.</summary>
    public string? By { get; init; }

    /// <summary>The outcome set by the move.</summary>
    public ChangeOutcome? Outcome { get; init; }

    /// <summary>Why.</summary>
    public string? Note { get; init; }
}
