using ChangeFlow.Application.Changes;
using ChangeFlow.Domain.Changes;
using ChangeFlow.Domain.Incidents;

namespace ChangeFlow.Application.Incidents;

/// <summary>SLA compliance of one service at one priority, over incidents opened in the period.</summary>
/// <param name="ServiceId">The service.</param>
/// <param name="Priority">The priority (null: never prioritized).</param>
/// <param name="Incidents">Incidents opened.</param>
/// <param name="ResponseMeasured">Incidents whose response target is decided (met or missed).</param>
/// <param name="ResponseMet">Of those, met.</param>
/// <param name="ResolutionMeasured">Incidents whose resolution target is decided (resolved, or missed).</param>
/// <param name="ResolutionMet">Of those, met.</param>
/// <param name="ResponseCompliance">ResponseMet / ResponseMeasured, or null when nothing is measured.</param>
/// <param name="ResolutionCompliance">ResolutionMet / ResolutionMeasured, or null.</param>
public sealed record SlaCompliance(
    string ServiceId,
    Priority? Priority,
    int Incidents,
    int ResponseMeasured,
    int ResponseMet,
    int ResolutionMeasured,
    int ResolutionMet,
    double? ResponseCompliance,
    double? ResolutionCompliance);

/// <summary>Incident figures over a period.</summary>
/// <param name="Opened">Incidents opened in the period.</param>
/// <param name="Resolved">Of those, resolved (or closed).</param>
/// <param name="MeanTimeToAcknowledge">MTTA: opening to the start of diagnosis (or resolution), averaged; null when none.</param>
/// <param name="MeanTimeToResolve">MTTR: opening to (the last) resolution, averaged; null when none.</param>
/// <param name="Compliance">SLA compliance per service and priority.</param>
/// <param name="BacklogByPriority">Incidents not yet resolved now, by priority (<c>none</c> when not prioritized), whenever they were opened.</param>
/// <param name="Reopened">Incidents opened in the period that were reopened at least once.</param>
/// <param name="Crises">Incidents opened in the period that were declared a crisis.</param>
public sealed record IncidentFigures(
    int Opened,
    int Resolved,
    TimeSpan? MeanTimeToAcknowledge,
    TimeSpan? MeanTimeToResolve,
    IReadOnlyList<SlaCompliance> Compliance,
    IReadOnlyDictionary<string, int> BacklogByPriority,
    int Reopened,
    int Crises);

/// <summary>Change figures over a period: what the DORA change failure rate counts.</summary>
/// <param name="Completed">Changes whose implementation ended in the period (they have an outcome).</param>
/// <param name="Successful">Completed, neither failed nor rolled back, and no incident attributed to them.</param>
/// <param name="Failed">Completed and failed, rolled back, or the cause of at least one incident.</param>
/// <param name="RolledBack">Of the failed, rolled back.</param>
/// <param name="CausedIncidents">Of the failed, the cause of incidents.</param>
/// <param name="SuccessRate">Successful / Completed, or null.</param>
/// <param name="FailureRate">Failed / Completed, or null.</param>
/// <param name="FailedChanges">The numbers of the failed changes.</param>
public sealed record ChangeFigures(int Completed, int Successful, int Failed, int RolledBack, int CausedIncidents, double? SuccessRate, double? FailureRate, IReadOnlyList<string> FailedChanges);

/// <summary>The metrics report.</summary>
/// <param name="From">The period's start.</param>
/// <param name="To">The period's end (exclusive).</param>
/// <param name="Incidents">Incident figures.</param>
/// <param name="Changes">Change figures.</param>
public sealed record MetricsReport(DateTimeOffset From, DateTimeOffset To, IncidentFigures Incidents, ChangeFigures Changes);

/// <summary>
/// Computes MTTA, MTTR, SLA compliance per service and priority, the backlog by priority, and the change success and
/// failure rates (a change fails when it failed, was rolled back, or caused an incident).
/// </summary>
public sealed class ServiceMetrics
{
    private readonly IIncidentStore _incidents;
    private readonly IChangeStore _changes;
    private readonly TimeProvider _time;

    /// <summary>Creates the calculator.</summary>
    public ServiceMetrics(IIncidentStore incidents, IChangeStore changes, TimeProvider time)
    {
        _incidents = incidents;
        _changes = changes;
        _time = time;
    }

    /// <summary>The report for <c>[from, to)</c>.</summary>
    public async Task<MetricsReport> ReportAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var opened = (await _incidents.ListAllAsync(new IncidentQuery(OpenedFrom: from, OpenedTo: to), cancellationToken)).Select(r => r.Incident).ToList();
        var open = await _incidents.ListAllAsync(new IncidentQuery(Open: true), cancellationToken);
        var acknowledged = opened.Where(i => i.AcknowledgedAt is not null).Select(i => i.AcknowledgedAt!.Value - i.OpenedAt).ToList();
        var resolved = opened.Where(i => i.ResolvedAt is not null).Select(i => i.ResolvedAt!.Value - i.OpenedAt).ToList();
        var compliance = opened
            .Where(i => i.ServiceId is not null)
            .GroupBy(i => (i.ServiceId!, i.Priority))
            .OrderBy(g => g.Key.Item1, StringComparer.Ordinal).ThenBy(g => g.Key.Priority ?? (Priority)99)
            .Select(g =>
            {
                var responses = g.Where(i => i.ResponseClock is { } c && (c.Status == SlaClockStatus.Stopped || c.IsBreached)).ToList();
                var resolutions = g.Where(i => i.ResolutionClock is { } c && (i.ResolvedAt is not null || c.IsBreached)).ToList();
                var responseMet = responses.Count(i => !i.ResponseClock!.IsBreached);
                var resolutionMet = resolutions.Count(i => !i.ResolutionClock!.IsBreached);
                return new SlaCompliance(
                    g.Key.Item1,
                    g.Key.Priority,
                    g.Count(),
                    responses.Count,
                    responseMet,
                    resolutions.Count,
                    resolutionMet,
                    Ratio(responseMet, responses.Count),
                    Ratio(resolutionMet, resolutions.Count));
            })
            .ToList();
        var backlog = Enum.GetNames<Priority>().Append("none").ToDictionary(p => p, _ => 0, StringComparer.Ordinal);
        foreach (var record in open)
        {
            backlog[record.Incident.Priority?.ToString() ?? "none"]++;
        }

        var incidents = new IncidentFigures(
            opened.Count,
            resolved.Count,
            Mean(acknowledged),
            Mean(resolved),
            compliance,
            backlog,
            opened.Count(i => i.ReopenCount > 0),
            opened.Count(i => i.Crisis is not null));
        return new MetricsReport(from, to, incidents, await ChangesAsync(from, to, cancellationToken));
    }

    private async Task<ChangeFigures> ChangesAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var completed = new List<ChangeRecord>();
        foreach (var state in new[] { ChangeState.Review, ChangeState.Closed })
        {
            completed.AddRange((await _changes.ListAllAsync(new ChangeQuery(State: state), cancellationToken))
                .Where(c => c.Change.Outcome is not null && CompletedAt(c.Change) is { } at && at >= from && at < to));
        }

        var causing = (await _incidents.ListAllAsync(new IncidentQuery(), cancellationToken))
            .Select(r => r.Incident.CausedByChange).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var rolledBack = completed.Where(c => c.Change.Outcome == ChangeOutcome.RolledBack).ToList();
        var failed = completed.Where(c => c.Change.Outcome is ChangeOutcome.RolledBack or ChangeOutcome.Failed || causing.Contains(c.Number)).ToList();
        return new ChangeFigures(
            completed.Count,
            completed.Count - failed.Count,
            failed.Count,
            rolledBack.Count,
            completed.Count(c => causing.Contains(c.Number)),
            Ratio(completed.Count - failed.Count, completed.Count),
            Ratio(failed.Count, completed.Count),
            [.. failed.Select(c => c.Number).Order(StringComparer.Ordinal)]);
    }

    /// <summary>When the implementation ended: the move that set the outcome.</summary>
    private static DateTimeOffset? CompletedAt(ChangeRequest change) =>
        change.History.LastOrDefault(h => h.From == ChangeState.Implement)?.At ?? change.History.LastOrDefault(h => h.Outcome is not null)?.At;

    private static TimeSpan? Mean(List<TimeSpan> spans) => spans.Count == 0 ? null : TimeSpan.FromTicks((long)spans.Average(s => s.Ticks));

    private static double? Ratio(int part, int whole) => whole == 0 ? null : Math.Round((double)part / whole, 4);

    /// <summary>The current instant (for callers that default the period).</summary>
    public DateTimeOffset Now => _time.GetUtcNow();
}
