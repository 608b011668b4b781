namespace ChangeFlow.Domain.Incidents;

/// <summary>How an incident was identified (step 1 of the lifecycle).</summary>
public enum IncidentSource
{
    /// <summary>A user reported it through the API or a client built on it.</summary>
    Api = 1,

    /// <summary>A user reported it in ChangeFlow's own pages.</summary>
    Ui = 2,

    /// <summary>The service desk logged a call.</summary>
    Phone = 3,

    /// <summary>A monitoring system raised an alert (Prometheus Alertmanager).</summary>
    MonitoringAlert = 4,
}
