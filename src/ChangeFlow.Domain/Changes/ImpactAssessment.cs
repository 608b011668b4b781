namespace ChangeFlow.Domain.Changes;

/// <summary>
/// What the change touches and who feels it: the "Impact" part of a CAB dossier. Items and services are ids into
/// the registry so conflict detection and incident correlation can use them; the rest is prose for the CAB.
/// </summary>
public sealed record ImpactAssessment
{
    /// <summary>The configuration items the change modifies, e.g. <c>lims-prod-01</c>. Schedule conflicts are found on these.</summary>
    public IReadOnlyList<string> ConfigurationItemIds { get; init; } = [];

    /// <summary>The services the change takes down or modifies, e.g. <c>lims</c>.</summary>
    public IReadOnlyList<string> ServiceIds { get; init; } = [];

    /// <summary>About how many people are affected (the seed: ~65).</summary>
    public int UsersAffected { get; init; }

    /// <summary>Who they are, e.g. the departments (Virology, Bacteriology, …).</summary>
    public IReadOnlyList<string> UserGroups { get; init; } = [];

    /// <summary>The business processes interrupted, e.g. "Sample reception".</summary>
    public IReadOnlyList<string> BusinessProcesses { get; init; } = [];

    /// <summary>Services not changed but affected as a side effect.</summary>
    public IReadOnlyList<DownstreamImpact> DownstreamServices { get; init; } = [];

    /// <summary>How long users are without the service (the seed: ~8 hours).</summary>
    public TimeSpan Duration { get; init; }

    /// <summary>Anything the CAB should know about the duration, e.g. "all impact contained within the Saturday night window".</summary>
    public string? DurationNote { get; init; }

    /// <summary>What data could be lost or corrupted, and whether it is personal data.</summary>
    public string? DataAtRisk { get; init; }
}
