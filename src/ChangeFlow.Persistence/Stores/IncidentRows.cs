using ChangeFlow.Application.Incidents;
using ChangeFlow.Domain.Incidents;

namespace ChangeFlow.Persistence.Stores;

/// <summary>Maps incident and problem records to rows and back.</summary>
internal static class IncidentRows
{
    public static IncidentTicketEntity ToEntity(IncidentRecord record)
    {
        var incident = record.Incident;
        var number = TicketNumber.Parse(TicketNumber.IncidentPrefix, incident.Number).Value;
        return new IncidentTicketEntity
        {
            Number = incident.Number,
            Year = number.Year,
            Sequence = number.Sequence,
            Title = incident.Title.Length > IncidentTicketEntity.TitleLength ? incident.Title[..IncidentTicketEntity.TitleLength] : incident.Title,
            State = incident.State.ToString(),
            IsOpen = IncidentLifecycle.IsOpen(incident.State),
            Priority = incident.Priority?.ToString(),
            ServiceId = incident.ServiceId,
            AssignmentGroup = incident.AssignmentGroup,
            AssigneeId = incident.AssigneeId,
            ReporterId = incident.ReporterId,
            ProblemNumber = incident.ProblemNumber,
            CausedByChange = incident.CausedByChange,
            OpenAlertKey = incident.State == IncidentState.Closed ? null : incident.Alert?.Key,
            OpenedAt = Instants.ToUtc(incident.OpenedAt),
            ResolvedAt = Instants.ToUtc(incident.ResolvedAt),
            ClosedAt = Instants.ToUtc(incident.ClosedAt),
            WorkflowInstanceId = record.WorkflowInstanceId,
            CreatedBy = record.CreatedBy,
            CreatedAt = Instants.ToUtc(record.CreatedAt),
            UpdatedAt = Instants.ToUtc(record.UpdatedAt),
            Version = record.Version,
            RecordJson = IncidentJson.Write(incident),
        };
    }

    public static IncidentRecord FromEntity(IncidentTicketEntity entity) => new()
    {
        Incident = IncidentJson.ReadIncident(entity.RecordJson),
        CreatedBy = entity.CreatedBy,
        WorkflowInstanceId = entity.WorkflowInstanceId,
        CreatedAt = Instants.FromUtc(entity.CreatedAt),
        UpdatedAt = Instants.FromUtc(entity.UpdatedAt),
        Version = entity.Version,
    };

    public static ProblemEntity ToEntity(ProblemRecord record)
    {
        var problem = record.Problem;
        var number = TicketNumber.Parse(TicketNumber.ProblemPrefix, problem.Number).Value;
        return new ProblemEntity
        {
            Number = problem.Number,
            Year = number.Year,
            Sequence = number.Sequence,
            Title = problem.Title.Length > IncidentTicketEntity.TitleLength ? problem.Title[..IncidentTicketEntity.TitleLength] : problem.Title,
            State = problem.State.ToString(),
            ServiceId = problem.ServiceId,
            CreatedAt = Instants.ToUtc(problem.CreatedAt),
            UpdatedAt = Instants.ToUtc(record.UpdatedAt),
            Version = record.Version,
            RecordJson = IncidentJson.Write(problem),
        };
    }

    public static ProblemRecord FromEntity(ProblemEntity entity) => new()
    {
        Problem = IncidentJson.ReadProblem(entity.RecordJson),
        UpdatedAt = Instants.FromUtc(entity.UpdatedAt),
        Version = entity.Version,
    };
}
