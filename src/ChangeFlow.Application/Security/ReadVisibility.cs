using ChangeFlow.Application.Incidents;

namespace ChangeFlow.Application.Security;

/// <summary>
/// Who may read what, in one place (README "Who reads what"). Incidents can hold personal or security details ("my
/// password was leaked"), so as in ITSM tools they are read by the service desk roles (<see cref="IncidentService.AgentRoles"/>),
/// by their caller (the reporter, or whoever opened them) and by their assignee; to anyone else an incident does not
/// exist (404, left out of lists). Changes and their timelines are read by every signed-in user: the change schedule
/// is meant to be seen by the staff it affects. Workflow instances and their journals (variables, inputs, incidents of
/// the engine) are read by the roles that manage workflows, change managers and admins: the API's ChangeManagement
/// policy, which every workflow-instance endpoint requires.
/// </summary>
public static class ReadVisibility
{
    /// <summary>Whether <paramref name="roles"/> include one that reads every incident.</summary>
    public static bool SeesEveryIncident(IReadOnlyCollection<string> roles) =>
        roles is not null && IncidentService.AgentRoles.Any(roles.Contains);

    /// <summary>Whether <paramref name="userId"/> with <paramref name="roles"/> may read <paramref name="record"/>.</summary>
    public static bool MaySee(IncidentRecord record, string? userId, IReadOnlyCollection<string> roles)
    {
        ArgumentNullException.ThrowIfNull(record);
        return SeesEveryIncident(roles)
            || (!string.IsNullOrEmpty(userId) && (record.Incident.ReporterId == userId || record.CreatedBy == userId || record.Incident.AssigneeId == userId));
    }

    /// <summary><paramref name="query"/> narrowed to the incidents the caller may read (the store filters, so totals and pages agree).</summary>
    public static IncidentQuery Scope(IncidentQuery query, string? userId, IReadOnlyCollection<string> roles)
    {
        ArgumentNullException.ThrowIfNull(query);
        return SeesEveryIncident(roles) ? query : query with { VisibleTo = userId ?? string.Empty };
    }
}
