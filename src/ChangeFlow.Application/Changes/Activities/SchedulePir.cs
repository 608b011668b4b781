using System.Globalization;
using System.Text.Json.Nodes;
using ChangeFlow.Domain.Changes;
using ChangeFlow.Domain.Time;
using ChangeFlow.Engine.Activities;
using ChangeFlow.Engine.Descriptors;
using ChangeFlow.Engine.Execution;
using ChangeFlow.Engine.Model;

namespace ChangeFlow.Application.Changes.Activities;

/// <summary>
/// Schedules the post-implementation review and writes its date into the dossier. One rule decides the time, and
/// every message and invitation reads it from the dossier: the time the dossier plans, if any (the outcome notice
/// may already have told stakeholders); else the <c>at</c> input; else 10:00 on the next working day after the window
/// ends, in the window's zone (the seed plans Monday 10:00 WAT, which is also that default).
/// A review is required when flagged mandatory, when the change is not a successful standard change, or when the
/// dossier plans one; otherwise the outcome is NotRequired.
/// </summary>
public sealed class SchedulePir : ChangeActivity
{
    /// <summary>The review was scheduled.</summary>
    public const string Scheduled = "Scheduled";

    /// <summary>No review is needed.</summary>
    public const string NotRequired = "NotRequired";

    /// <summary>The instant of the review.</summary>
    public static readonly InputDescriptor At = Inputs.Of(DataType.DateTime, "at", "At", "When the review starts if the dossier plans no time; by default the next working day after the window, at the local time below.");

    /// <summary>The local time of day.</summary>
    public static readonly InputDescriptor LocalTime = new("localTime", "Local time", DataType.String, "The local time of day of the default review slot (HH:mm).", DefaultValue: JsonValue.Create("10:00"));

    /// <summary>Whether the review is mandatory.</summary>
    public static readonly InputDescriptor Mandatory = new("mandatory", "Mandatory", DataType.Boolean, "Hold the review whatever the outcome (emergency changes, rollbacks).", DefaultValue: JsonValue.Create(false));

    /// <summary>How long it lasts.</summary>
    public static readonly InputDescriptor Duration = new("duration", "Duration", DataType.TimeSpan, "How long the review lasts when the dossier does not say.", DefaultValue: JsonValue.Create("PT30M"));

    /// <summary>When it was scheduled.</summary>
    public static readonly OutputDescriptor ScheduledAt = new("scheduledAt", DataType.DateTime, "When the review starts.");

    /// <inheritdoc />
    public override ActivityDescriptor Descriptor { get; } = new(
        "ChangeFlow.SchedulePir", Category, "Schedule PIR",
        "Schedule the post-implementation review at the dossier's planned time (else the next working day 10:00 in the window's zone) and record it in the dossier.",
        ActivityKind.Action, [At, LocalTime, Mandatory, Duration], [ScheduledAt], [Scheduled, NotRequired]);

    /// <inheritdoc />
    public override async ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        var record = await LoadChangeAsync(context);
        var change = record.Change;
        var mandatory = context.GetBoolean(Mandatory);
        var planned = change.PostImplementationReview;
        if (!mandatory && change.Type == ChangeType.Standard && change.Outcome == ChangeOutcome.Successful && planned is null)
        {
            AddTimeline(context, record.Number, "pir.not-required", "No post-implementation review: a successful standard change.");
            context.Complete(NotRequired);
            return;
        }

        var at = planned is { ScheduledAt: var plannedAt } && plannedAt != default ? plannedAt : context.GetInstant(At) ?? DefaultSlot(context, change);
        var duration = planned is { Duration: var d } && d > TimeSpan.Zero ? d : context.GetTimeSpan(Duration) ?? TimeSpan.FromMinutes(30);
        var review = (planned ?? new PostImplementationReview()) with { ScheduledAt = at, Duration = duration };
        SaveChange(context, record with { Change = change with { PostImplementationReview = review } });
        var text = at.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);
        context.SetOutput(ScheduledAt.Name, text);
        AddTimeline(context, record.Number, "pir.scheduled", $"Post-implementation review {Local(record, at)}{(mandatory ? " (mandatory)" : string.Empty)}.", new JsonObject
        {
            ["scheduledAt"] = text,
            ["mandatory"] = mandatory,
        });
        context.Complete(Scheduled);
    }

    private static DateTimeOffset DefaultSlot(ActivityExecutionContext context, ChangeRequest change)
    {
        var text = context.GetString(LocalTime) ?? "10:00";
        if (!TimeOnly.TryParseExact(text, ["HH:mm", "HH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var time))
        {
            throw new WorkflowFaultException("InvalidTime", $"'{text}' is not a local time (HH:mm).");
        }

        var calendar = change.Window is { IsValid: true } window ? window.Calendar : ZoneCalendar.ForId("Etc/UTC");
        var after = change.Window is { IsValid: true } w ? w.End : context.Now;
        var date = calendar.DateOf(after).AddDays(1);
        while (date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday)
        {
            date = date.AddDays(1);
        }

        return calendar.ToInstant(date, time);
    }
}
