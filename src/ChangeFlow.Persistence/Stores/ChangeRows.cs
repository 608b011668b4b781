using ChangeFlow.Application.Changes;
using ChangeFlow.Application.Changes.Dossier;
using ChangeFlow.Domain.Changes;
using ChangeFlow.Domain.Risk;

namespace ChangeFlow.Persistence.Stores;

/// <summary>Conversions between <see cref="ChangeRecord"/> and its row, shared by the store and the run-write handler.</summary>
internal static class ChangeRows
{
    /// <summary>States in which a change no longer claims its window.</summary>
    public static readonly string[] Finished = [nameof(ChangeState.Rejected), nameof(ChangeState.Canceled), nameof(ChangeState.Closed)];

    public static ChangeEntity ToEntity(ChangeRecord record)
    {
        var change = record.Change;
        if (change.Number.IsDefault)
        {
            throw new ArgumentException("A change is stored under its number; allocate one first.", nameof(record));
        }

        var rows = change.RiskRegister ?? RiskRegister.Empty;
        var rated = rows.All(r => Enum.IsDefined(r.Probability) && Enum.IsDefined(r.Impact));
        var window = change.Window;
        return new ChangeEntity
        {
            Number = change.Number.ToString(),
            Year = change.Number.Year,
            Sequence = change.Number.Sequence,
            Title = change.Title.Length > ChangeEntity.TitleLength ? change.Title[..ChangeEntity.TitleLength] : change.Title,
            Type = change.Type.ToString(),
            Category = change.Category.ToString(),
            State = change.State.ToString(),
            Outcome = change.Outcome?.ToString(),
            RequestorId = change.Requestor?.Id,
            OverallRisk = rated ? rows.OverallLevel(RiskScale.Default)?.ToString() : null,
            WindowStart = window is null ? null : Instants.ToUtc(window.Start),
            WindowEnd = window is null ? null : Instants.ToUtc(window.End),
            CabBoardId = record.CabBoardId,
            CabMeetingAt = Instants.ToUtc(record.CabMeetingAt),
            WorkflowDefinitionId = record.WorkflowDefinitionId,
            WorkflowInstanceId = record.WorkflowInstanceId,
            CreatedAt = Instants.ToUtc(record.CreatedAt),
            UpdatedAt = Instants.ToUtc(record.UpdatedAt),
            Version = record.Version,
            RecordJson = ChangeRecordJson.Serialize(record),
        };
    }

    /// <summary>The record; its version is the row's, which is what optimistic updates compare with.</summary>
    public static ChangeRecord FromEntity(ChangeEntity entity) =>
        ChangeRecordJson.Deserialize(entity.RecordJson) with { Version = entity.Version };
}
