using ChangeFlow.Application.Workflows;

namespace ChangeFlow.Application.Common;

/// <summary>
/// A document of configuration that people edit at run time rather than in code: a CAB board, a standard-change
/// template, a configuration item, a service, a blackout window, the routing table.
/// </summary>
/// <param name="Kind">The kind, e.g. <c>cab-board</c> (see <see cref="ReferenceKinds"/>).</param>
/// <param name="Id">The id within the kind, e.g. <c>cab-lims</c>.</param>
/// <param name="Json">The document, as JSON text.</param>
/// <param name="Version">Optimistic concurrency: 1 when created, +1 on every replacement.</param>
/// <param name="UpdatedAt">When it was last written.</param>
/// <param name="UpdatedBy">Who last wrote it.</param>
public sealed record ReferenceDocument(string Kind, string Id, string Json, long Version, DateTimeOffset UpdatedAt, string? UpdatedBy);

/// <summary>The kinds of reference documents.</summary>
public static class ReferenceKinds
{
    public const string CabBoard = "cab-board";
    public const string StandardTemplate = "standard-template";
    public const string ConfigurationItem = "configuration-item";
    public const string Service = "service";
    public const string Blackout = "blackout";
    public const string Routing = "routing";

    /// <summary>The incident priority matrix (one document, id <c>default</c>).</summary>
    public const string PriorityMatrix = "priority-matrix";

    /// <summary>A business calendar: working hours, holidays, zone.</summary>
    public const string BusinessCalendar = "business-calendar";

    /// <summary>A service's level: channel, responsible team, support tiers and SLA targets per priority.</summary>
    public const string ServiceLevel = "service-level";

    /// <summary>An incident escalation policy.</summary>
    public const string EscalationPolicy = "escalation-policy";

    /// <summary>The incident management settings (one document, id <c>default</c>).</summary>
    public const string IncidentSettings = "incident-settings";

    /// <summary>A named list of people notices can be addressed to (<c>list:&lt;id&gt;</c> in a communication plan).</summary>
    public const string DistributionList = "distribution-list";
}

/// <summary>Stores reference documents.</summary>
public interface IReferenceStore
{
    Task<ReferenceDocument?> FindAsync(string kind, string id, CancellationToken cancellationToken);

    /// <summary>All documents of a kind, in id order.</summary>
    Task<IReadOnlyList<ReferenceDocument>> ListAsync(string kind, CancellationToken cancellationToken);

    /// <summary>
    /// Creates (<paramref name="expectedVersion"/> null: must not exist) or replaces (must be at that version) a
    /// document; returns the new version. Throws <see cref="ConcurrencyConflictException"/> otherwise.
    /// </summary>
    Task<long> PutAsync(string kind, string id, string json, long? expectedVersion, DateTimeOffset at, string? by, CancellationToken cancellationToken);

    /// <summary>Deletes a document; false when it did not exist.</summary>
    Task<bool> DeleteAsync(string kind, string id, CancellationToken cancellationToken);
}
