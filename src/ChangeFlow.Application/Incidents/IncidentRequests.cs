using ChangeFlow.Domain.Incidents;

namespace ChangeFlow.Application.Incidents;

/// <summary>
/// A report of an incident (identification, and logging when it is complete). With a description, a service and a
/// reporter it is logged at once; with a category it is categorized; with impact and urgency it is prioritized.
/// </summary>
/// <param name="Title">A one-line summary (required).</param>
/// <param name="Description">What is wrong.</param>
/// <param name="ServiceId">The affected service (a service level of the catalogue).</param>
/// <param name="ConfigurationItemId">The affected configuration item.</param>
/// <param name="ReporterId">Who reports it; the caller when absent.</param>
/// <param name="Source">How it was identified; <see cref="IncidentSource.Api"/> when absent.</param>
/// <param name="Category">The type of incident (one of the configured categories).</param>
/// <param name="Impact">The impact, with <paramref name="Urgency"/>.</param>
/// <param name="Urgency">The urgency, with <paramref name="Impact"/>.</param>
/// <param name="AssignmentGroup">The group; the service's first support tier when absent.</param>
/// <param name="AssigneeId">The person, if already known.</param>
public sealed record IncidentReport(
    string? Title,
    string? Description = null,
    string? ServiceId = null,
    string? ConfigurationItemId = null,
    string? ReporterId = null,
    IncidentSource? Source = null,
    string? Category = null,
    Impact? Impact = null,
    Urgency? Urgency = null,
    string? AssignmentGroup = null,
    string? AssigneeId = null);

/// <summary>Who asks for a command, and which version of the incident they saw (null: any).</summary>
/// <param name="UserId">The acting user.</param>
/// <param name="Roles">Their roles.</param>
/// <param name="ExpectedVersion">The version the caller read (If-Match); a different stored version is a conflict.</param>
public sealed record IncidentActor(string UserId, IReadOnlyCollection<string> Roles, long? ExpectedVersion = null);
