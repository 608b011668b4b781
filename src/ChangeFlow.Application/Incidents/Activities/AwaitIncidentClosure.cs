using System.Globalization;
using System.Text.Json.Nodes;
using ChangeFlow.Domain.Incidents;
using ChangeFlow.Engine.Descriptors;
using ChangeFlow.Engine.Execution;
using Incident = ChangeFlow.Domain.Incidents.Incident;

namespace ChangeFlow.Application.Incidents.Activities;

/// <summary>
/// Waits, once the incident is resolved, for the reporter to confirm (or an agent to close it), or for it to be
/// reopened; closes it by itself after the configured number of business days without an answer.
/// </summary>
public sealed class AwaitIncidentClosure : IncidentActivity
{
    /// <summary>The incident was closed (confirmed, by an agent, or automatically).</summary>
    public const string Closed = "Closed";

    /// <summary>The fix did not hold: the incident is back in diagnosis.</summary>
    public const string Reopened = "Reopened";

    /// <inheritdoc />
    public override ActivityDescriptor Descriptor { get; } = new(
        "ChangeFlow.AwaitIncidentClosure", Category, "Await closure",
        "Wait for the reporter to confirm the resolution or reopen the incident; close it automatically after the configured business days.",
        ActivityKind.Blocking, [], [], [Closed, Reopened]);

    /// <inheritdoc />
    public override async ValueTask ExecuteAsync(ActivityExecutionContext context) => await DecideAsync(context);

    /// <inheritdoc />
    public override async ValueTask ResumeAsync(ActivityExecutionContext context) => await DecideAsync(context);

    private static async Task DecideAsync(ActivityExecutionContext context)
    {
        var record = await LoadIncidentAsync(context);
        var incident = record.Incident;
        if (incident.State == IncidentState.Closed)
        {
            context.RemoveOwnBookmarks();
            context.Complete(Closed);
            return;
        }

        if (incident.State != IncidentState.Resolved)
        {
            context.RemoveOwnBookmarks();
            context.Complete(Reopened);
            return;
        }

        var config = await ConfigurationAsync(context);
        var plan = config.PlanOf(incident);
        var days = config.Settings.AutoCloseAfterBusinessDays;
        var closesAt = SlaWatch.RoundUp(plan.Calendar.Add(incident.ResolvedAt!.Value, plan.Calendar.BusinessDayLength * days));
        if (context.Now >= closesAt)
        {
            var closed = incident.Close(ClosureKind.AutoClosed, $"No confirmation within {days} business day(s) of the resolution.", null, null, plan, context.Now, Incident.SystemActor);
            if (!closed.IsSuccess)
            {
                throw new WorkflowFaultException("CloseRefused", $"{incident.Number} could not be closed: {string.Join("; ", closed.Errors)}");
            }

            SaveIncident(context, With(record, closed.Value));
            AddTimeline(context, incident.Number, "incident.closed", $"Closed automatically: no confirmation within {days} business day(s) of the resolution.", new JsonObject { ["kind"] = nameof(ClosureKind.AutoClosed) });
            context.RemoveOwnBookmarks();
            context.Complete(Closed);
            return;
        }

        var announced = incident.ResolvedAt!.Value.ToString("O", CultureInfo.InvariantCulture);
        if (context.State["announced"]?.GetValue<string>() != announced)
        {
            context.State["announced"] = announced;
            AddTimeline(context, incident.Number, "closure.awaiting", $"Awaiting the reporter's confirmation; closes automatically at {plan.Calendar.Format(closesAt)} ({days} business day(s)).", new JsonObject { ["closesAt"] = closesAt.ToString("O", CultureInfo.InvariantCulture) });
        }

        KeepWaiting(context, incident.Number, closesAt);
    }
}
