using System.ComponentModel.DataAnnotations;

namespace ChangeFlow.Application.Changes.Catalog;

// The JSON shapes of the catalogue's reference documents, as people edit them. Every property is nullable so that
// a document missing a field reads fine and validation reports the gap with its path instead of a parse error.
// Times of day are "HH:mm", durations "d.hh:mm:ss" or ISO 8601 ("PT30M"), weekdays English names, zones IANA ids.

/// <summary>A CAB board (kind <c>cab-board</c>).</summary>
public sealed record CabBoardDocument
{
    /// <summary>The board id, e.g. <c>cab-main</c>; must equal the document id.</summary>
    public string? Id { get; init; }

    /// <summary>What people call it.</summary>
    public string? Name { get; init; }

    /// <summary>The members, by user id.</summary>
    public IReadOnlyList<CabMemberDocument>? Members { get; init; }

    /// <summary>When it meets.</summary>
    public CabMeetingDocument? Meeting { get; init; }

    /// <summary>How its votes are counted.</summary>
    public QuorumDocument? Quorum { get; init; }

    /// <summary>How long before a meeting an RFC must be submitted to be on its agenda (ISO 8601, e.g. <c>P5D</c>, the default).</summary>
    [DataType(DataType.Duration)]
    public string? AgendaLeadTime { get; init; }
}

/// <summary>A board member.</summary>
public sealed record CabMemberDocument
{
    /// <summary>The user id (as in the user directory).</summary>
    public string? UserId { get; init; }

    /// <summary>A name for people; defaults to the user id.</summary>
    public string? DisplayName { get; init; }

    /// <summary>The perspective they bring: Chair, ChangeManager, ItOperations, Security, BusinessStakeholder, ApplicationOwner.</summary>
    public string? Role { get; init; }
}

/// <summary>A weekly meeting schedule.</summary>
public sealed record CabMeetingDocument
{
    /// <summary>The weekday, e.g. <c>Wednesday</c>.</summary>
    public string? Day { get; init; }

    /// <summary>The local start time, e.g. <c>10:00</c>.</summary>
    public string? LocalTime { get; init; }

    /// <summary>The IANA zone, e.g. <c>Africa/Lagos</c>.</summary>
    public string? TimeZoneId { get; init; }

    /// <summary>How long a meeting lasts (ISO 8601, e.g. <c>PT1H</c>).</summary>
    [DataType(DataType.Duration)]
    public string? Duration { get; init; }

    /// <summary>Local dates (<c>yyyy-MM-dd</c>) without a meeting.</summary>
    public IReadOnlyList<string>? CancelledDates { get; init; }
}

/// <summary>A quorum policy.</summary>
public sealed record QuorumDocument
{
    /// <summary>All, Majority, FirstResponse or NOfM.</summary>
    public string? Policy { get; init; }

    /// <summary>For NOfM: how many approvals.</summary>
    public int? Required { get; init; }
}

/// <summary>A standard-change template (kind <c>standard-template</c>): a pre-authorized, low-risk, well-understood change.</summary>
public sealed record StandardTemplateDocument
{
    /// <summary>The template id, e.g. <c>antivirus-update</c>.</summary>
    public string? Id { get; init; }

    /// <summary>What people call it.</summary>
    public string? Name { get; init; }

    /// <summary>What the change does and how.</summary>
    public string? Description { get; init; }

    /// <summary>The highest overall risk level a change may have and still use the template (Low, Medium, High).</summary>
    public string? MaxRiskLevel { get; init; }

    /// <summary>The services a change from this template may touch; empty means any.</summary>
    public IReadOnlyList<string>? ServiceIds { get; init; }

    /// <summary>The workflow that runs it; the routing table's standard default when absent.</summary>
    public string? Workflow { get; init; }
}

/// <summary>A configuration item (kind <c>configuration-item</c>).</summary>
public sealed record ConfigurationItemDocument
{
    /// <summary>The id, e.g. <c>lims-prod-01</c>.</summary>
    public string? Id { get; init; }

    /// <summary>What people call it.</summary>
    public string? Name { get; init; }

    /// <summary>ApplicationServer, Database, Integration, Network, Workstation or Other.</summary>
    public string? Kind { get; init; }

    /// <summary>The services that depend on it.</summary>
    public IReadOnlyList<string>? ServiceIds { get; init; }
}

/// <summary>A service (kind <c>service</c>).</summary>
public sealed record ServiceDocument
{
    /// <summary>The id, e.g. <c>lims</c>.</summary>
    public string? Id { get; init; }

    /// <summary>What people call it.</summary>
    public string? Name { get; init; }

    /// <summary>Its users, addressed as <c>service:&lt;id&gt;</c> in a communication plan (with <see cref="DistributionLists"/>).</summary>
    public IReadOnlyList<DistributionMemberDocument>? Users { get; init; }

    /// <summary>Distribution lists whose members use the service (e.g. <c>lims-users</c>).</summary>
    public IReadOnlyList<string>? DistributionLists { get; init; }
}

/// <summary>
/// A distribution list (kind <c>distribution-list</c>): people notices are sent to as <c>list:&lt;id&gt;</c>. Members
/// are ChangeFlow users (by id or e-mail) or outside addresses; each reads times in their own zone and culture, the
/// list's when they have none, the change window's when the list has none either.
/// </summary>
public sealed record DistributionListDocument
{
    /// <summary>The id, e.g. <c>lab-managers</c>.</summary>
    public string? Id { get; init; }

    /// <summary>What people call it, e.g. "Lab managers".</summary>
    public string? Name { get; init; }

    /// <summary>Who is on it and why, for the people who maintain it.</summary>
    public string? Description { get; init; }

    /// <summary>The IANA zone of members who state none.</summary>
    public string? TimeZoneId { get; init; }

    /// <summary>The culture tag of members who state none.</summary>
    public string? Culture { get; init; }

    /// <summary>The members.</summary>
    public IReadOnlyList<DistributionMemberDocument>? Members { get; init; }
}

/// <summary>A member of a distribution list or of a service's users: exactly one of <see cref="UserId"/> and <see cref="Email"/>.</summary>
public sealed record DistributionMemberDocument
{
    /// <summary>A ChangeFlow user (id or e-mail); their own zone and culture apply.</summary>
    public string? UserId { get; init; }

    /// <summary>An outside address.</summary>
    public string? Email { get; init; }

    /// <summary>The name to greet an outside address with.</summary>
    public string? Name { get; init; }

    /// <summary>The IANA zone of an outside address.</summary>
    public string? TimeZoneId { get; init; }

    /// <summary>The culture tag of an outside address.</summary>
    public string? Culture { get; init; }
}

/// <summary>A blackout window (kind <c>blackout</c>): either <see cref="Weekly"/> or <see cref="Start"/>/<see cref="End"/>.</summary>
public sealed record BlackoutDocument
{
    /// <summary>The id, e.g. <c>lab-opening</c>.</summary>
    public string? Id { get; init; }

    /// <summary>What people call it, e.g. "Monday 07:30 lab opening".</summary>
    public string? Name { get; init; }

    /// <summary>The services it protects; empty means every change.</summary>
    public IReadOnlyList<string>? ServiceIds { get; init; }

    /// <summary>A weekly slot in local time.</summary>
    public WeeklySlotDocument? Weekly { get; init; }

    /// <summary>The first instant of a one-off blackout.</summary>
    public DateTimeOffset? Start { get; init; }

    /// <summary>The first instant after a one-off blackout.</summary>
    public DateTimeOffset? End { get; init; }
}

/// <summary>A weekly slot.</summary>
public sealed record WeeklySlotDocument
{
    /// <summary>The weekday it starts on.</summary>
    public string? Day { get; init; }

    /// <summary>The local start time, e.g. <c>07:30</c>.</summary>
    public string? LocalTime { get; init; }

    /// <summary>How long it lasts (ISO 8601, e.g. <c>PT1H30M</c>).</summary>
    [DataType(DataType.Duration)]
    public string? Duration { get; init; }

    /// <summary>The IANA zone.</summary>
    public string? TimeZoneId { get; init; }
}

/// <summary>
/// The routing table (kind <c>routing</c>, id <c>default</c>) a change manager edits: ordered rules, first match
/// wins; a change no rule matches goes to its type's default.
/// </summary>
public sealed record RoutingTableDocument
{
    /// <summary>The rules, in the order they are tried.</summary>
    public IReadOnlyList<RoutingRuleDocument>? Rules { get; init; }

    /// <summary>Per change type (Standard, Normal, Emergency): the workflow and CAB board when no rule matches.</summary>
    public IReadOnlyDictionary<string, RoutingTargetDocument>? Defaults { get; init; }
}

/// <summary>One rule: every criterion given must match; criteria left out match anything.</summary>
public sealed record RoutingRuleDocument
{
    /// <summary>A stable id for audit ("routed by rule x").</summary>
    public string? Id { get; init; }

    /// <summary>Why the rule exists.</summary>
    public string? Description { get; init; }

    /// <summary>Change types (Standard, Normal, Emergency).</summary>
    public IReadOnlyList<string>? Types { get; init; }

    /// <summary>Categories (Minor, Significant, Major).</summary>
    public IReadOnlyList<string>? Categories { get; init; }

    /// <summary>The lowest overall risk level that matches (Low, Medium, High).</summary>
    public string? MinRiskLevel { get; init; }

    /// <summary>Matches when the change touches any of these services.</summary>
    public IReadOnlyList<string>? ServiceIds { get; init; }

    /// <summary>Matches when the change touches any of these configuration items.</summary>
    public IReadOnlyList<string>? ConfigurationItemIds { get; init; }

    /// <summary>The workflow definition id to start.</summary>
    public string? Workflow { get; init; }

    /// <summary>The CAB board whose agenda the change goes on (optional).</summary>
    public string? CabBoard { get; init; }
}

/// <summary>Where a change goes.</summary>
public sealed record RoutingTargetDocument
{
    /// <summary>The workflow definition id.</summary>
    public string? Workflow { get; init; }

    /// <summary>The CAB board (optional).</summary>
    public string? CabBoard { get; init; }
}
