namespace ChangeFlow.Domain.Incidents;

/// <summary>Which time an SLA target counts.</summary>
public enum SlaHours
{
    /// <summary>Only the working hours of the service's business calendar (weekends and holidays do not count).</summary>
    Business = 1,

    /// <summary>Round the clock (24x7), e.g. a 4-hour recovery time objective.</summary>
    Always = 2,
}
