using System.Globalization;
using System.Text.Json.Nodes;
using ChangeFlow.Application.Incidents.Config;
using ChangeFlow.Domain.Incidents;
using ChangeFlow.Engine.Descriptors;
using ChangeFlow.Engine.Execution;
using Incident = ChangeFlow.Domain.Incidents.Incident;

namespace ChangeFlow.Application.Incidents.Activities;

/// <summary>
/// Keeps the incident's response and resolution clocks until it is resolved: raises each warning (default 50 % and
/// 75 %) and the breach exactly once, applies the escalation policy's levels when their triggers come, and re-arms
/// one durable timer for whatever falls due next; a new priority or the end of a hold re-arms it from the stored
/// incident.
/// </summary>
public sealed class TrackIncidentSla : IncidentActivity
{
    /// <summary>The incident was resolved (or closed).</summary>
    public const string Resolved = "Resolved";

    /// <inheritdoc />
    public override ActivityDescriptor Descriptor { get; } = new(
        "ChangeFlow.TrackIncidentSla", Category, "Track SLA clocks",
        "Raise SLA warnings and breaches once each and escalate by policy until the incident is resolved.",
        ActivityKind.Blocking, [], [], [Resolved]);

    /// <inheritdoc />
    public override async ValueTask ExecuteAsync(ActivityExecutionContext context) => await EvaluateAsync(context, first: true);

    /// <inheritdoc />
    public override async ValueTask ResumeAsync(ActivityExecutionContext context) => await EvaluateAsync(context, first: false);

    private static async Task EvaluateAsync(ActivityExecutionContext context, bool first)
    {
        var record = await LoadIncidentAsync(context);
        if (record.Incident.State is IncidentState.Resolved or IncidentState.Closed)
        {
            context.RemoveOwnBookmarks();
            context.Complete(Resolved);
            return;
        }

        var config = await ConfigurationAsync(context);
        var evaluation = SlaWatch.Evaluate(record.Incident, config, context.Now);
        var incident = evaluation.Incident;
        if (evaluation.Changed)
        {
            record = SaveIncident(context, With(record, incident));
        }

        var calendar = config.PlanOf(incident).Calendar;
        foreach (var reached in evaluation.Thresholds.Where(t => t.IsWarning || t.IsBreach))
        {
            var clock = incident.ClockOf(reached.Clock)!;
            var notice = IncidentNotices.Threshold(incident, reached, clock, calendar);
            var to = await NotifyAsync(context, notice, [incident.AssigneeId is null ? "assignment-group" : "assignee"], incident, config);
            var percent = reached.Fraction.ToString("0.##", CultureInfo.InvariantCulture);
            AddTimeline(
                context,
                incident.Number,
                reached.IsBreach ? "sla.breached" : "sla.warning",
                reached.IsBreach
                    ? $"{reached.Clock} target missed ({clock.Target.Describe()}, {incident.Priority?.ToString() ?? "default priority"})."
                    : $"{reached.Fraction * 100:0.#} % of the {reached.Clock.ToString().ToLowerInvariant()} target used ({clock.Target.Describe()}).",
                new JsonObject
                {
                    ["clock"] = reached.Clock.ToString(),
                    ["fraction"] = JsonValue.Create(reached.Fraction),
                    ["reachedAt"] = reached.At.ToString("O", CultureInfo.InvariantCulture),
                    ["notified"] = Addresses(to),
                    ["key"] = $"{reached.Clock}:{percent}",
                });
        }

        var sequence = record.Incident.Escalations.Count - evaluation.Escalations.Count;
        foreach (var due in evaluation.Escalations)
        {
            sequence++;
            var notice = IncidentNotices.Escalation(incident, due.Entry, due.Level.Name, sequence, calendar);
            var to = await NotifyAsync(context, notice, due.Entry.Notify, incident, config);
            AddTimeline(
                context,
                incident.Number,
                "incident.escalated",
                due.Entry.Kind == EscalationKind.Functional
                    ? $"Functional escalation ({due.Level.Name}): {due.Entry.Reason}; {(due.Entry.ToGroup is { } g ? $"handed from {due.Entry.FromGroup ?? "no group"} to {g}" : "no further support tier")}."
                    : $"Hierarchical escalation ({due.Level.Name}): {due.Entry.Reason}.",
                new JsonObject
                {
                    ["level"] = due.Level.Id,
                    ["kind"] = due.Entry.Kind.ToString(),
                    ["fromGroup"] = due.Entry.FromGroup,
                    ["toGroup"] = due.Entry.ToGroup,
                    ["notified"] = Addresses(to),
                });
        }

        // The breach instant of each running clock: when one moves (a new priority, the end of a hold), people are told.
        var moved = false;
        foreach (var clock in incident.Clocks)
        {
            var key = $"due:{clock.Kind}";
            var due = clock.DueAt(1, calendar)?.ToString("O", CultureInfo.InvariantCulture);
            if (due is null)
            {
                continue; // Paused or stopped: the last due instant is kept, so resuming compares against it.
            }

            moved |= context.State[key]?.GetValue<string>() is { } before && before != due;
            context.State[key] = due;
        }

        if (first && incident.ResolutionClock is not null)
        {
            AddTimeline(context, incident.Number, "sla.tracking", Describe(incident, config, "SLA clocks tracked"));
        }
        else if (moved)
        {
            AddTimeline(context, incident.Number, "sla.rescheduled", Describe(incident, config, "SLA due times recalculated"));
        }

        KeepWaiting(context, incident.Number, evaluation.NextDue);
    }

    private static string Describe(Incident incident, IncidentConfiguration config, string lead)
    {
        var plan = config.PlanOf(incident);
        string Clock(SlaClock? clock, string name) => clock switch
        {
            null => $"{name}: none",
            { Status: SlaClockStatus.Stopped } => $"{name} {(clock.IsBreached ? "missed" : "met")}",
            _ when clock.DueAt(1, plan.Calendar) is { } due => $"{name} due {plan.Calendar.Format(due)} ({clock.Target.Describe()})",
            _ => $"{name} paused ({clock.Target.Describe()})",
        };

        return $"{lead} at {plan.Priority}: {Clock(incident.ResponseClock, "response")}; {Clock(incident.ResolutionClock, "resolution")}.";
    }

    private static JsonArray Addresses(IReadOnlyList<Notifications.MailRecipient> to) => [.. to.Select(r => (JsonNode?)JsonValue.Create(r.Address))];
}
