using System.Globalization;
using System.Text.Json.Nodes;
using ChangeFlow.Application.Common;
using ChangeFlow.Application.Incidents.Config;
using ChangeFlow.Application.Notifications;
using ChangeFlow.Application.Workflows;
using ChangeFlow.Domain.Incidents;
using ChangeFlow.Engine.Activities;
using ChangeFlow.Engine.Execution;
using Incident = ChangeFlow.Domain.Incidents.Incident;

namespace ChangeFlow.Application.Incidents.Activities;

/// <summary>
/// The base of the incident activities. The incident an instance watches is the one whose number is the instance's
/// correlation id. Activities read it once per run, keep the latest version in the run's <see cref="RunSession"/>
/// and write it back as one <see cref="IncidentWrite"/>, with their timeline entries and outbox messages, in the
/// run's own transaction: a warning, its timeline line and its e-mail are committed together or not at all.
/// </summary>
public abstract class IncidentActivity : Activity
{
    /// <summary>The designer's toolbox group.</summary>
    public const string Category = "Incident management";

    /// <summary>The incident of the instance, as this run last left it.</summary>
    protected static async Task<IncidentRecord> LoadIncidentAsync(ActivityExecutionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var number = context.Instance.CorrelationId;
        if (!TicketNumber.Parse(TicketNumber.IncidentPrefix, number).IsSuccess)
        {
            throw new WorkflowFaultException("NoIncident", $"The instance's correlation id '{number}' is not an incident number; incidents start their workflow through the incident service.");
        }

        var session = context.GetRequiredService<RunSession>();
        if (session.Items.TryGetValue(Key(number!), out var kept) && kept is RunIncident run)
        {
            return run.Current;
        }

        var record = await context.GetRequiredService<IIncidentStore>().FindAsync(number!, context.CancellationToken)
            ?? throw new WorkflowFaultException("NoIncident", $"No incident {number} is stored.");
        session.Items[Key(number!)] = new RunIncident(record, record.Version);
        return record;
    }

    /// <summary>Stages <paramref name="updated"/> as the run's version of the incident (one write per run).</summary>
    protected static IncidentRecord SaveIncident(ActivityExecutionContext context, IncidentRecord updated)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(updated);
        var session = context.GetRequiredService<RunSession>();
        var key = Key(updated.Number);
        var baseVersion = session.Items.TryGetValue(key, out var kept) && kept is RunIncident run ? run.BaseVersion : updated.Version;
        var next = updated with { Version = baseVersion + 1, UpdatedAt = context.Now };
        session.Items[key] = new RunIncident(next, baseVersion);
        session.Upsert(new IncidentWrite(next, baseVersion), w => w.Record.Number == next.Number);
        context.Instance.ActivityState[IncidentSnapshot.StateKey] = IncidentSnapshot.ToJson(next.Incident);
        return next;
    }

    /// <summary>The configuration, read once per run.</summary>
    protected static async Task<IncidentConfiguration> ConfigurationAsync(ActivityExecutionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var session = context.GetRequiredService<RunSession>();
        if (session.Items.TryGetValue("incident-configuration", out var kept) && kept is IncidentConfiguration config)
        {
            return config;
        }

        var loaded = await context.GetRequiredService<IncidentCatalog>().LoadAsync(context.CancellationToken);
        session.Items["incident-configuration"] = loaded;
        return loaded;
    }

    /// <summary>Adds an audit line for the incident, naming this activity; the actor is the system (timers) or the person whose command woke the run.</summary>
    protected static void AddTimeline(ActivityExecutionContext context, string number, string action, string summary, JsonObject? data = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        var session = context.GetRequiredService<RunSession>();
        session.Add(new TimelineWrite(new TimelineEntry(
            TimelineIds.Next(context.Now),
            number,
            context.Now,
            session.Actor ?? Incident.SystemActor,
            action,
            summary,
            context.Instance.Id,
            context.Node.Id,
            context.Node.Name ?? context.Node.Descriptor.DisplayName,
            data)));
    }

    /// <summary>
    /// Queues <paramref name="notice"/> to the recipients <paramref name="specs"/> name, in the run's transaction; returns
    /// the addresses (none when nobody could be found, in which case nothing is queued).
    /// </summary>
    protected static async Task<IReadOnlyList<MailRecipient>> NotifyAsync(
        ActivityExecutionContext context, IncidentNotice notice, IEnumerable<string> specs, Incident incident, IncidentConfiguration config)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(notice);
        var to = await context.GetRequiredService<IncidentRecipients>().ResolveAsync(specs, incident, config, context.CancellationToken);
        if (to.Count > 0)
        {
            var id = Guid.CreateVersion7(context.Now).ToString("N");
            context.GetRequiredService<RunSession>().Add(new OutboxWrite(IncidentNotices.ToMessage(notice, id, incident.Number, to, context.Instance.Id, context.Node.Id), context.Now));
        }

        return to;
    }

    /// <summary>
    /// Keeps this activity waiting for the incident to change (<see cref="IncidentStimuli.Changed"/>) and, when
    /// <paramref name="timerDue"/> is set, for one timer due then; a timer due at another instant is replaced.
    /// At least one bookmark is (re)made, so a resumed activity that keeps waiting never counts as completed.
    /// </summary>
    protected static void KeepWaiting(ActivityExecutionContext context, string number, DateTimeOffset? timerDue)
    {
        ArgumentNullException.ThrowIfNull(context);
        var createdBefore = context.BookmarksCreated;
        var own = context.Instance.Bookmarks.Where(b => b.ActivityId == context.Node.Id).ToList();
        var timer = own.FirstOrDefault(b => b.DueAt is not null);
        if (timer is not null && timer.DueAt != timerDue)
        {
            context.RemoveOwnBookmarks();
            own.Clear();
            timer = null;
        }

        if (timerDue is { } due && timer is null)
        {
            context.CreateBookmark(new JsonObject { ["dueAt"] = due.ToString("O", CultureInfo.InvariantCulture) }, due);
        }

        if (!own.Any(b => b.DueAt is null && b.Name == IncidentStimuli.Changed))
        {
            context.CreateBookmark(IncidentStimuli.Payload(number), name: IncidentStimuli.Changed);
        }

        if (context.BookmarksCreated == createdBefore)
        {
            // Resumed by its timer with nothing left to time: the engine counts an activity that makes no bookmark as
            // done, so the stimulus bookmark is made anew.
            context.RemoveOwnBookmarks();
            context.CreateBookmark(IncidentStimuli.Payload(number), name: IncidentStimuli.Changed);
        }
    }

    /// <summary>The record with another version of the incident.</summary>
    protected static IncidentRecord With(IncidentRecord record, Incident incident)
    {
        ArgumentNullException.ThrowIfNull(record);
        return record with { Incident = incident };
    }

    private static string Key(string number) => "incident:" + number;

    private sealed record RunIncident(IncidentRecord Current, long BaseVersion);
}
