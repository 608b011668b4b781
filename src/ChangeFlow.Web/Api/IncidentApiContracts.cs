using ChangeFlow.Domain.Incidents;

namespace ChangeFlow.Web.Api;

// The request bodies of the incident and problem commands, for the OpenAPI document. The endpoints read bodies with
// CommandBody (so every problem is a 400 with its field path); these records only describe them.

/// <summary>Reports an incident.</summary>
/// <param name="Title">A one-line summary.</param>
/// <param name="Description">What is wrong.</param>
/// <param name="ServiceId">The affected service (e.g. <c>application-support</c>).</param>
/// <param name="ConfigurationItemId">The affected configuration item.</param>
/// <param name="Reporter">Agents only: who reported it (user id or e-mail); the caller by default.</param>
/// <param name="Source">Agents only: Api, Ui, Phone, MonitoringAlert.</param>
/// <param name="Category">Agents only: the category.</param>
/// <param name="Impact">Agents only: the impact.</param>
/// <param name="Urgency">Agents only: the urgency.</param>
/// <param name="AssignmentGroup">Agents only: the group; the service's first tier by default.</param>
/// <param name="Assignee">Agents only: the assignee.</param>
public sealed record OpenIncidentBody(
    string Title,
    string? Description,
    string? ServiceId,
    string? ConfigurationItemId,
    string? Reporter,
    IncidentSource? Source,
    string? Category,
    Impact? Impact,
    Urgency? Urgency,
    string? AssignmentGroup,
    string? Assignee);

/// <summary>Assigns an incident.</summary>
/// <param name="Group">The support group.</param>
/// <param name="Assignee">The person (user id or e-mail).</param>
public sealed record AssignIncidentBody(string? Group, string? Assignee);

/// <summary>Logs a problem.</summary>
/// <param name="Title">A one-line summary.</param>
/// <param name="Description">What is known.</param>
/// <param name="ServiceId">The service it affects.</param>
public sealed record CreateProblemBody(string Title, string? Description, string? ServiceId);
