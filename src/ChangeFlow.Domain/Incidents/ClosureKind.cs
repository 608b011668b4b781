namespace ChangeFlow.Domain.Incidents;

/// <summary>How an incident was closed.</summary>
public enum ClosureKind
{
    /// <summary>The reporter confirmed the resolution.</summary>
    Confirmed = 1,

    /// <summary>The service desk closed it (e.g. the reporter could not be reached).</summary>
    ClosedByAgent = 2,

    /// <summary>Nobody answered within the configured number of business days after resolution.</summary>
    AutoClosed = 3,
}
