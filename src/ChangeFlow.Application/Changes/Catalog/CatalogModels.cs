using ChangeFlow.Domain.Changes;
using ChangeFlow.Domain.Risk;

namespace ChangeFlow.Application.Changes.Catalog;

/// <summary>A validated standard-change template.</summary>
/// <param name="Id">The template id.</param>
/// <param name="Name">What people call it.</param>
/// <param name="Description">What the change does.</param>
/// <param name="MaxRiskLevel">The highest overall risk a change may have and still be pre-authorized by it.</param>
/// <param name="ServiceIds">The services it may touch; empty means any.</param>
/// <param name="Workflow">The workflow that runs it, when it overrides the routing table.</param>
public sealed record StandardTemplate(string Id, string Name, string Description, RiskLevel MaxRiskLevel, IReadOnlyList<string> ServiceIds, string? Workflow);

/// <summary>A validated routing rule; criteria that are empty (or null) match anything.</summary>
public sealed record RoutingRule(
    string Id,
    IReadOnlyList<ChangeType> Types,
    IReadOnlyList<ChangeCategory> Categories,
    RiskLevel? MinRiskLevel,
    IReadOnlyList<string> ServiceIds,
    IReadOnlyList<string> ConfigurationItemIds,
    string Workflow,
    string? CabBoard)
{
    /// <summary>Whether every criterion matches <paramref name="change"/>.</summary>
    public bool Matches(ChangeRequest change, RiskLevel? risk)
    {
        ArgumentNullException.ThrowIfNull(change);
        return (Types.Count == 0 || Types.Contains(change.Type))
            && (Categories.Count == 0 || Categories.Contains(change.Category))
            && (MinRiskLevel is not { } min || (risk is { } level && level >= min))
            && (ServiceIds.Count == 0 || (change.Impact?.ServiceIds ?? []).Any(ServiceIds.Contains))
            && (ConfigurationItemIds.Count == 0 || (change.Impact?.ConfigurationItemIds ?? []).Any(ConfigurationItemIds.Contains));
    }
}

/// <summary>Where a change goes: a workflow and, optionally, a CAB board.</summary>
/// <param name="Workflow">The workflow definition id.</param>
/// <param name="CabBoard">The CAB board id, if any.</param>
/// <param name="RuleId">The rule that matched, or null when the type's default applied.</param>
public sealed record RouteDecision(string Workflow, string? CabBoard, string? RuleId);

/// <summary>The validated routing table: first matching rule wins, otherwise the type's default.</summary>
/// <param name="Rules">The rules in order.</param>
/// <param name="Defaults">Per change type, where a change goes when no rule matches.</param>
public sealed record RoutingTable(IReadOnlyList<RoutingRule> Rules, IReadOnlyDictionary<ChangeType, RouteDecision> Defaults)
{
    /// <summary>Routes <paramref name="change"/> whose overall risk is <paramref name="risk"/>; null when nothing applies.</summary>
    public RouteDecision? Route(ChangeRequest change, RiskLevel? risk)
    {
        ArgumentNullException.ThrowIfNull(change);
        foreach (var rule in Rules)
        {
            if (rule.Matches(change, risk))
            {
                var board = rule.CabBoard ?? (Defaults.TryGetValue(change.Type, out var fallback) ? fallback.CabBoard : null);
                return new RouteDecision(rule.Workflow, board, rule.Id);
            }
        }

        return Defaults.TryGetValue(change.Type, out var target) ? target : null;
    }
}

/// <summary>A member of a validated distribution list: a ChangeFlow user or an outside address.</summary>
/// <param name="UserId">The user (id or e-mail), for a directory member.</param>
/// <param name="Email">The address, for an outside member.</param>
/// <param name="Name">The name of an outside member.</param>
/// <param name="TimeZoneId">The zone of an outside member, if given.</param>
/// <param name="Culture">The culture of an outside member, if given.</param>
public sealed record DistributionMember(string? UserId, string? Email, string? Name, string? TimeZoneId, string? Culture);

/// <summary>A validated distribution list.</summary>
/// <param name="Id">The list id.</param>
/// <param name="Name">What people call it.</param>
/// <param name="TimeZoneId">The zone of members who state none.</param>
/// <param name="Culture">The culture of members who state none.</param>
/// <param name="Members">The members, in document order.</param>
public sealed record DistributionList(string Id, string Name, string? TimeZoneId, string? Culture, IReadOnlyList<DistributionMember> Members);

/// <summary>Who uses a service: listed members and distribution lists.</summary>
/// <param name="ServiceId">The service.</param>
/// <param name="Name">The service's name.</param>
/// <param name="Users">Members listed on the service itself.</param>
/// <param name="DistributionLists">Ids of lists whose members use it.</param>
public sealed record ServiceAudience(string ServiceId, string Name, IReadOnlyList<DistributionMember> Users, IReadOnlyList<string> DistributionLists);
