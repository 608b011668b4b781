namespace ChangeFlow.Domain.Incidents;

/// <summary>Which target a clock measures.</summary>
public enum SlaClockKind
{
    /// <summary>From logging until someone starts working on it (or it is resolved).</summary>
    Response = 1,

    /// <summary>From logging until the service is restored.</summary>
    Resolution = 2,
}
