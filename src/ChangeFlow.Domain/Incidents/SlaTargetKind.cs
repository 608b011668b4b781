namespace ChangeFlow.Domain.Incidents;

/// <summary>How an SLA target is written in the service catalogue.</summary>
public enum SlaTargetKind
{
    /// <summary>A duration, e.g. "4h", counted in business hours or round the clock.</summary>
    Within = 1,

    /// <summary>A number of business days, e.g. "1 business day" (each as long as the calendar's business day).</summary>
    BusinessDays = 2,

    /// <summary>"Next business day": by close of business on the first business day after the clock started.</summary>
    NextBusinessDay = 3,
}
