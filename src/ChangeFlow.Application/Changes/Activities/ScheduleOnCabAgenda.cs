using System.Globalization;
using System.Text.Json.Nodes;
using ChangeFlow.Engine.Activities;
using ChangeFlow.Engine.Descriptors;
using ChangeFlow.Engine.Execution;
using ChangeFlow.Engine.Model;

namespace ChangeFlow.Application.Changes.Activities;

/// <summary>
/// Puts the change on the agenda of its CAB's next meeting that leaves the board its lead time and still precedes
/// the window; NoMeeting when none fits (the window must move).
/// </summary>
public sealed class ScheduleOnCabAgenda : ChangeActivity
{
    /// <summary>The outcome when a meeting was booked.</summary>
    public const string Scheduled = "Scheduled";

    /// <summary>The outcome when no meeting fits before the window.</summary>
    public const string NoMeeting = "NoMeeting";

    /// <summary>The board.</summary>
    public static readonly InputDescriptor Board = Inputs.String("board", "CAB board", "The board id; by default the routing table's board for the change, then its type's default.");

    /// <summary>Overrides the board's lead time.</summary>
    public static readonly InputDescriptor LeadTime = Inputs.Of(DataType.TimeSpan, "leadTime", "Lead time", "How long before the meeting the dossier must be in; the board's own lead time by default.");

    /// <summary>The meeting booked.</summary>
    public static readonly OutputDescriptor MeetingAt = new("meetingAt", DataType.DateTime, "The start of the CAB meeting the change is on.");

    /// <inheritdoc />
    public override ActivityDescriptor Descriptor { get; } = new(
        "ChangeFlow.ScheduleOnCabAgenda", Category, "Schedule on CAB agenda",
        "Book the change on the agenda of the CAB's next meeting before its window, respecting the board's lead time.",
        ActivityKind.Action, [Board, LeadTime], [MeetingAt], [Scheduled, NoMeeting]);

    /// <inheritdoc />
    public override async ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        var record = await LoadChangeAsync(context);
        var catalog = Catalog(context);
        var boardId = context.GetString(Board);
        if (string.IsNullOrWhiteSpace(boardId))
        {
            boardId = record.CabBoardId ?? (await catalog.RouteAsync(record.Change, context.CancellationToken))?.CabBoard;
        }

        if (string.IsNullOrWhiteSpace(boardId))
        {
            throw new WorkflowFaultException("NoBoard", $"No CAB board is named for {record.Number} and the routing table has none for {record.Change.Type} changes.");
        }

        var board = await catalog.FindBoardAsync(boardId, context.CancellationToken)
            ?? throw new WorkflowFaultException("NoBoard", $"No CAB board '{boardId}' is in the catalogue.");
        if (record.Change.Window is not { IsValid: true } window)
        {
            throw new WorkflowFaultException("NoWindow", $"{record.Number} has no valid window to schedule before.");
        }

        var after = record.Change.SubmittedAt == default ? context.Now : record.Change.SubmittedAt;
        var lead = context.GetTimeSpan(LeadTime) ?? board.AgendaLeadTime;
        var meeting = board.NextMeetingBefore(window.Start, after, lead);
        if (meeting is not { } at)
        {
            SaveChange(context, record with { CabBoardId = board.Id, CabMeetingAt = null });
            AddTimeline(context, record.Number, "cab.no-meeting", $"No meeting of {board.Name} leaves {lead.TotalDays:0.#} days' notice before the window {window.ToLocalString()}; the window must move.", new JsonObject { ["board"] = board.Id });
            context.Complete(NoMeeting);
            return;
        }

        SaveChange(context, record with { CabBoardId = board.Id, CabMeetingAt = at, Change = record.Change with { CabReviewAt = at } });
        context.SetOutput(MeetingAt.Name, at.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture));
        AddTimeline(context, record.Number, "cab.scheduled", $"On the agenda of {board.Name}, {Local(record, at)}", new JsonObject
        {
            ["board"] = board.Id,
            ["meetingAt"] = at.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture),
        });
        context.Complete(Scheduled);
    }
}
