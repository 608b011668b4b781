using System.Text;
using System.Text.Json;
using ChangeFlow.Domain.Changes;
using ChangeFlow.Domain.Common;

namespace ChangeFlow.Application.Changes.Dossier;

/// <summary>A <see cref="ChangeRecord"/> as stored: the dossier in its contract form plus the workflow's fields.</summary>
public sealed record ChangeRecordDocument
{
    /// <summary>The dossier, with state, outcome and history.</summary>
    public ChangeDossierDto? Dossier { get; init; }

    /// <summary>See <see cref="ChangeRecord.CreatedBy"/>.</summary>
    public string? CreatedBy { get; init; }

    /// <summary>See <see cref="ChangeRecord.TemplateId"/>.</summary>
    public string? TemplateId { get; init; }

    /// <summary>See <see cref="ChangeRecord.WorkflowDefinitionId"/>.</summary>
    public string? WorkflowDefinitionId { get; init; }

    /// <summary>See <see cref="ChangeRecord.WorkflowInstanceId"/>.</summary>
    public string? WorkflowInstanceId { get; init; }

    /// <summary>See <see cref="ChangeRecord.CabBoardId"/>.</summary>
    public string? CabBoardId { get; init; }

    /// <summary>See <see cref="ChangeRecord.CabMeetingAt"/>.</summary>
    public DateTimeOffset? CabMeetingAt { get; init; }

    /// <summary>See <see cref="ChangeRecord.ValidatedAt"/>.</summary>
    public DateTimeOffset? ValidatedAt { get; init; }

    /// <summary>See <see cref="ChangeRecord.ValidatedBy"/>.</summary>
    public string? ValidatedBy { get; init; }

    /// <summary>See <see cref="ChangeRecord.Steps"/>.</summary>
    public IReadOnlyList<StepProgressDto?>? Steps { get; init; }

    /// <summary>See <see cref="ChangeRecord.RollbackSteps"/>.</summary>
    public IReadOnlyList<StepProgressDto?>? RollbackSteps { get; init; }

    /// <summary>See <see cref="ChangeRecord.RollbackStartedAt"/>.</summary>
    public DateTimeOffset? RollbackStartedAt { get; init; }

    /// <summary>See <see cref="ChangeRecord.RollbackStartedBy"/>.</summary>
    public string? RollbackStartedBy { get; init; }

    /// <summary>See <see cref="ChangeRecord.RollbackReason"/>.</summary>
    public string? RollbackReason { get; init; }

    /// <summary>See <see cref="ChangeRecord.Notices"/>; absent until the change's notices are first scheduled.</summary>
    public Notifications.NoticeState? Notices { get; init; }

    /// <summary>See <see cref="ChangeRecord.CreatedAt"/>.</summary>
    public DateTimeOffset? CreatedAt { get; init; }

    /// <summary>See <see cref="ChangeRecord.UpdatedAt"/>.</summary>
    public DateTimeOffset? UpdatedAt { get; init; }

    /// <summary>See <see cref="ChangeRecord.Version"/>.</summary>
    public long? Version { get; init; }
}

/// <summary>The latest report on one step.</summary>
public sealed record StepProgressDto
{
    /// <summary>The step's id.</summary>
    public string? StepId { get; init; }

    /// <summary>Pending, Done or Failed.</summary>
    public StepStatus? Status { get; init; }

    /// <summary>What the reporter said.</summary>
    public string? Note { get; init; }

    /// <summary>Who reported it.</summary>
    public string? By { get; init; }

    /// <summary>When.</summary>
    public DateTimeOffset? At { get; init; }
}

/// <summary>
/// Serializes whole <see cref="ChangeRecord"/>s for storage with the dossier contract, so that what is stored is
/// what the API shows. A record read back equals the one written (changes built from JSON always carry their step
/// ids, see <see cref="DossierMapper"/>).
/// </summary>
public static class ChangeRecordJson
{
    /// <summary>The record as JSON text.</summary>
    public static string Serialize(ChangeRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return JsonSerializer.Serialize(ToDocument(record), DossierJson.StorageOptions);
    }

    /// <summary>The record in its stored form.</summary>
    public static ChangeRecordDocument ToDocument(ChangeRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return new ChangeRecordDocument
        {
            Dossier = DossierMapper.ToDto(record.Change),
            CreatedBy = record.CreatedBy,
            TemplateId = record.TemplateId,
            WorkflowDefinitionId = record.WorkflowDefinitionId,
            WorkflowInstanceId = record.WorkflowInstanceId,
            CabBoardId = record.CabBoardId,
            CabMeetingAt = record.CabMeetingAt,
            ValidatedAt = record.ValidatedAt,
            ValidatedBy = record.ValidatedBy,
            Steps = [.. record.Steps.Select(ToDto)],
            RollbackSteps = [.. record.RollbackSteps.Select(ToDto)],
            RollbackStartedAt = record.RollbackStartedAt,
            RollbackStartedBy = record.RollbackStartedBy,
            RollbackReason = record.RollbackReason,
            Notices = record.Notices == Notifications.NoticeState.None ? null : record.Notices,
            CreatedAt = record.CreatedAt,
            UpdatedAt = record.UpdatedAt,
            Version = record.Version,
        };
    }

    /// <summary>Reads a stored record; errors mean the stored text is damaged.</summary>
    public static Result<ChangeRecord> Read(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        var document = DossierParser.Read<ChangeRecordDocument>(Encoding.UTF8.GetBytes(json), string.Empty, "change record", DossierJson.StorageOptions);
        return document.IsSuccess ? FromDocument(document.Value) : Result.Failure<ChangeRecord>(document.Errors);
    }

    /// <summary>Reads a stored record.</summary>
    /// <exception cref="InvalidDataException">The stored text is not a change record: the store is damaged, which is not the caller's input error.</exception>
    public static ChangeRecord Deserialize(string json)
    {
        var read = Read(json);
        return read.IsSuccess ? read.Value : throw new InvalidDataException($"A stored change record is damaged: {string.Join("; ", read.Errors)}");
    }

    /// <summary>Rebuilds a record from its stored form.</summary>
    public static Result<ChangeRecord> FromDocument(ChangeRecordDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var dossier = document.Dossier;
        if (dossier is null)
        {
            return Result.Failure<ChangeRecord>("dossier", ErrorCodes.Required, "The dossier is missing.");
        }

        var number = ChangeNumber.Parse(dossier.Number);
        if (!number.IsSuccess)
        {
            return Result.Failure<ChangeRecord>(number.Errors.Select(e => e with { Path = "dossier.number" }));
        }

        var change = DossierMapper.ToChangeRequest(dossier, new DossierReadOptions { Number = number.Value, RequireComplete = false, Trusted = true, PathPrefix = "dossier" });
        if (!change.IsSuccess)
        {
            return Result.Failure<ChangeRecord>(change.Errors);
        }

        var history = (dossier.History ?? []).Select(h => new StateTransition(
            h?.From ?? default, h?.To ?? default, h?.At ?? default, h?.By ?? string.Empty, h?.Outcome, h?.Note)).ToList();
        var restored = ChangeRequest.Restore(change.Value, dossier.State ?? ChangeState.New, dossier.Outcome, history);
        if (!restored.IsSuccess)
        {
            return Result.Failure<ChangeRecord>(restored.Errors.Select(e => e with { Path = "dossier." + e.Path }));
        }

        return Result.Success(new ChangeRecord
        {
            Change = restored.Value,
            CreatedBy = document.CreatedBy ?? string.Empty,
            TemplateId = document.TemplateId,
            WorkflowDefinitionId = document.WorkflowDefinitionId,
            WorkflowInstanceId = document.WorkflowInstanceId,
            CabBoardId = document.CabBoardId,
            CabMeetingAt = document.CabMeetingAt,
            ValidatedAt = document.ValidatedAt,
            ValidatedBy = document.ValidatedBy,
            Steps = [.. (document.Steps ?? []).OfType<StepProgressDto>().Select(FromDto)],
            RollbackSteps = [.. (document.RollbackSteps ?? []).OfType<StepProgressDto>().Select(FromDto)],
            RollbackStartedAt = document.RollbackStartedAt,
            RollbackStartedBy = document.RollbackStartedBy,
            RollbackReason = document.RollbackReason,
            Notices = document.Notices ?? Notifications.NoticeState.None,
            CreatedAt = document.CreatedAt ?? default,
            UpdatedAt = document.UpdatedAt ?? default,
            Version = document.Version ?? 0,
        });
    }

    private static StepProgressDto ToDto(StepProgress step) =>
        new() { StepId = step.StepId, Status = step.Status, Note = step.Note, By = step.By, At = step.At };

    private static StepProgress FromDto(StepProgressDto step) =>
        new(step.StepId ?? string.Empty, step.Status ?? StepStatus.Pending, step.Note, step.By ?? string.Empty, step.At ?? default);
}
