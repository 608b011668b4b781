using ChangeFlow.Application.Notifications;
using ChangeFlow.Domain.Incidents;
using Microsoft.Extensions.Logging;

namespace ChangeFlow.Application.Incidents;

/// <summary>
/// Reports an undeliverable message as the mail sender does (failure record, timeline entry, notice to the
/// administrators) and, when the message has failed for good, also opens an incident for the service desk: a
/// stakeholder who was not told is a service problem someone must own, not only a log line.
/// </summary>
public sealed partial class DeliveryFailureIncidents : IDeliveryFailureReporter
{
    /// <summary>The catalogue service incidents about ChangeFlow's own mail are logged against.</summary>
    public const string ServiceId = "application-support";

    /// <summary>The category of those incidents (one of the default categories).</summary>
    public const string Category = "software";

    private readonly IDeliveryFailureReporter _inner;
    private readonly Func<IncidentService> _incidents;
    private readonly ILogger<DeliveryFailureIncidents> _logger;

    /// <param name="inner">The mail sender's own reporting.</param>
    /// <param name="incidents">The incident service (resolved late: it depends on the outbox this reporter serves).</param>
    /// <param name="logger">Logs an incident that could not be opened.</param>
    public DeliveryFailureIncidents(IDeliveryFailureReporter inner, Func<IncidentService> incidents, ILogger<DeliveryFailureIncidents> logger)
    {
        _inner = inner;
        _incidents = incidents;
        _logger = logger;
    }

    /// <inheritdoc />
    public async Task ReportAsync(DeliveryFailure failure, OutboxEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(failure);
        await _inner.ReportAsync(failure, entry, cancellationToken);
        if (!failure.MessageFailed || failure.Kind is DeliveryFailureReporter.NoticeKind)
        {
            return;
        }

        var refused = string.Join("\n", failure.Refused.Select(r => $"- {r.Address}: {r.Code} {r.Reply}"));
        var report = new IncidentReport(
            Title: $"Message could not be delivered: {failure.Subject}",
            Description: $"""
                The {failure.Kind ?? "message"} "{failure.Subject}" (outbox {failure.OutboxId}, Message-ID {failure.MessageId}{(failure.CorrelationKey is null ? "" : ", about " + failure.CorrelationKey)}) failed after {failure.Attempts} attempt(s) and will not be retried.
                Reason: {failure.Reason}
                {refused}
                Check the addresses or the mail server, then requeue it from the outbox (POST /api/outbox/{failure.OutboxId}/retry).
                """,
            ServiceId: ServiceId,
            Source: IncidentSource.MonitoringAlert,
            Category: Category,
            Impact: Impact.Low,
            Urgency: Urgency.Medium);
        try
        {
            var opened = await _incidents().OpenAsync(report, "system", cancellationToken);
            if (!opened.IsOk)
            {
                LogNotOpened(_logger, failure.OutboxId, opened.Message);
            }
        }
#pragma warning disable CA1031 // Reporting must not fail the dispatcher; the failure record and the notice stand.
        catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
        {
            LogNotOpened(_logger, failure.OutboxId, ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "No incident could be opened for the undeliverable outbox message {OutboxId}: {Reason}")]
    private static partial void LogNotOpened(ILogger logger, string outboxId, string reason);
}
