namespace ChangeFlow.Domain.Registry;

/// <summary>What sort of thing a configuration item is; enough to group and filter, not a full CMDB class model.</summary>
public enum ConfigurationItemKind
{
    /// <summary>A server that runs an application (e.g. <c>lims-prod-01</c>).</summary>
    ApplicationServer = 1,

    /// <summary>A database or database server (e.g. <c>lims-db-01</c>).</summary>
    Database = 2,

    /// <summary>An integration, bridge or API gateway between services.</summary>
    Integration = 3,

    /// <summary>Network equipment or links.</summary>
    Network = 4,

    /// <summary>An end-user device.</summary>
    Workstation = 5,

    /// <summary>Anything else.</summary>
    Other = 6,
}
