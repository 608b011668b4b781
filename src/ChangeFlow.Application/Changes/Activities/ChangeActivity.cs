using System.Text.Json.Nodes;
using ChangeFlow.Application.Changes.Catalog;
using ChangeFlow.Application.Common;
using ChangeFlow.Application.Notifications;
using ChangeFlow.Application.Workflows;
using ChangeFlow.Domain.Changes;
using ChangeFlow.Engine.Activities;
using ChangeFlow.Engine.Execution;

namespace ChangeFlow.Application.Changes.Activities;

/// <summary>
/// The base of the <c>ChangeFlow.*</c> activities. The change an instance is about is the one whose number is the
/// instance's correlation id. Activities read it through <see cref="IChangeStore"/> once per run, keep the latest
/// version in the run's <see cref="RunSession"/> (so two activities of one run see each other's changes) and write it
/// back as one <see cref="ChangeWrite"/> per run, committed with the instance state.
/// </summary>
public abstract class ChangeActivity : Activity
{
    /// <summary>The designer's toolbox group.</summary>
    public const string Category = "Change enablement";

    /// <summary>The actor written when no person caused the run (timers, start-up).</summary>
    public const string SystemActor = "system";

    /// <summary>The change of the instance, as this run last left it.</summary>
    protected static async Task<ChangeRecord> LoadChangeAsync(ActivityExecutionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var number = context.Instance.CorrelationId;
        if (!ChangeNumber.TryParse(number, out var parsed))
        {
            throw new WorkflowFaultException("NoChange", $"The instance's correlation id '{number}' is not a change number; start change workflows through the change service.");
        }

        var session = context.GetRequiredService<RunSession>();
        if (session.Items.TryGetValue(Key(number!), out var kept) && kept is RunChange run)
        {
            return run.Current;
        }

        var record = await context.GetRequiredService<IChangeStore>().FindAsync(parsed, context.CancellationToken)
            ?? throw new WorkflowFaultException("NoChange", $"No change {number} is stored.");
        session.Items[Key(number!)] = new RunChange(record, record.Version);
        return record;
    }

    /// <summary>Stages <paramref name="updated"/> as the run's version of the change (one write per run).</summary>
    protected static void SaveChange(ActivityExecutionContext context, ChangeRecord updated)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(updated);
        var session = context.GetRequiredService<RunSession>();
        var key = Key(updated.Number);
        var baseVersion = session.Items.TryGetValue(key, out var kept) && kept is RunChange run ? run.BaseVersion : updated.Version;
        var next = updated with { Version = baseVersion + 1, UpdatedAt = context.Now };
        session.Items[key] = new RunChange(next, baseVersion);
        session.Upsert(new ChangeWrite(next, baseVersion), w => w.Record.Number == next.Number);
        context.Instance.ActivityState[ChangeSnapshot.StateKey] = ChangeSnapshot.ToJson(next);
    }

    /// <summary>The notice scheduler, when the host sends notices (hosts and tests without mail leave it out).</summary>
    protected static NoticeScheduler? Notices(ActivityExecutionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Services.ServiceProvider?.GetService(typeof(NoticeScheduler)) as NoticeScheduler;
    }

    /// <summary>
    /// Stages what <paramref name="schedule"/> produces for <paramref name="record"/> (the run's latest version of the
    /// change) in this run: outbox cancellations and messages, the change's new notice state, timeline lines. Returns
    /// the change as saved. Without a notice scheduler the change is returned as it is.
    /// </summary>
    protected static async Task<ChangeRecord> StageNoticesAsync(ActivityExecutionContext context, ChangeRecord record, Func<NoticeScheduler, Task<NoticeBatch>> schedule)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(schedule);
        if (Notices(context) is not { } notices)
        {
            return record;
        }

        var batch = await schedule(notices);
        var session = context.GetRequiredService<RunSession>();
        foreach (var write in batch.Writes)
        {
            session.Add(write is OutboxWrite queued
                ? queued with { Message = queued.Message with { InstanceId = queued.Message.InstanceId ?? context.Instance.Id, ActivityId = queued.Message.ActivityId ?? context.Node.Id } }
                : write);
        }

        foreach (var line in batch.Log)
        {
            AddTimeline(context, record.Number, line.Action, line.Summary);
        }

        if (batch.State == record.Notices)
        {
            return record;
        }

        var saved = record with { Notices = batch.State };
        SaveChange(context, saved);
        return saved;
    }

    /// <summary>Adds an audit line for the change, naming this activity.</summary>
    protected static void AddTimeline(ActivityExecutionContext context, string changeNumber, string action, string summary, JsonObject? data = null, string? actor = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        var session = context.GetRequiredService<RunSession>();
        session.Add(new TimelineWrite(new TimelineEntry(
            TimelineIds.Next(context.Now),
            changeNumber,
            context.Now,
            actor ?? Actor(context),
            action,
            summary,
            context.Instance.Id,
            context.Node.Id,
            context.Node.Name ?? context.Node.Descriptor.DisplayName,
            data)));
    }

    /// <summary>Who caused the run: the user behind the stimulus, or <see cref="SystemActor"/>.</summary>
    protected static string Actor(ActivityExecutionContext context) =>
        context.GetRequiredService<RunSession>().Actor ?? SystemActor;

    /// <summary>The catalogue.</summary>
    protected static ChangeCatalog Catalog(ActivityExecutionContext context) => context.GetRequiredService<ChangeCatalog>();

    /// <summary>A timer bookmark of this activity due at <paramref name="dueAt"/>.</summary>
    protected static Bookmark CreateTimer(ActivityExecutionContext context, DateTimeOffset dueAt) =>
        context.CreateBookmark(new JsonObject { ["dueAt"] = dueAt.ToUniversalTime().ToString("O", System.Globalization.CultureInfo.InvariantCulture) }, dueAt.ToUniversalTime());

    /// <summary>
    /// Keeps this activity waiting on a stimulus bookmark (<paramref name="stimulusName"/>, <paramref name="payload"/>)
    /// and, when <paramref name="timerDue"/> is set, on one timer due then; bookmarks already open are kept, a timer
    /// due at another instant is replaced.
    /// </summary>
    protected static void EnsureWaiting(ActivityExecutionContext context, string stimulusName, JsonObject payload, DateTimeOffset? timerDue)
    {
        ArgumentNullException.ThrowIfNull(context);
        var own = context.Instance.Bookmarks.Where(b => b.ActivityId == context.Node.Id).ToList();
        var timer = own.FirstOrDefault(b => b.DueAt is not null);
        var hasStimulus = own.Any(b => b.DueAt is null && b.Name == stimulusName);
        if (timer is not null && timer.DueAt != timerDue?.ToUniversalTime())
        {
            context.RemoveOwnBookmarks();
            timer = null;
            hasStimulus = false;
        }

        if (!hasStimulus)
        {
            context.CreateBookmark(payload, name: stimulusName);
        }

        if (timerDue is { } due && timer is null)
        {
            CreateTimer(context, due);
        }
    }

    /// <summary>Whether the activity is being resumed by one of its timers.</summary>
    protected static bool ResumedByTimer(ActivityExecutionContext context) => context.ResumedBookmark?.DueAt is not null;

    /// <summary>Formats an instant in the change window's zone (or UTC), for people.</summary>
    protected static string Local(ChangeRecord record, DateTimeOffset instant)
    {
        ArgumentNullException.ThrowIfNull(record);
        return record.Change.Window is { IsValid: true } window
            ? $"{window.Calendar.Format(instant)} {window.Calendar.Id}"
            : $"{instant.ToUniversalTime():yyyy-MM-dd HH:mm} UTC";
    }

    private static string Key(string number) => "change:" + number;

    private sealed record RunChange(ChangeRecord Current, long BaseVersion);
}
