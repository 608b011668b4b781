namespace ChangeFlow.Domain.Registry;

/// <summary>
/// Something that is managed so a service can be delivered: a server, a database, an integration. Conflict
/// detection works on these ids (two changes touching <c>lims-db-01</c> at once conflict); the services an item
/// supports tell which users feel a change to it.
/// </summary>
/// <param name="Id">A stable, lower-case, dash-separated id, e.g. <c>lims-prod-01</c>.</param>
/// <param name="Name">What people call it.</param>
/// <param name="Kind">What sort of item it is.</param>
/// <param name="SupportedServiceIds">The ids of the <see cref="Service"/>s that depend on it.</param>
public sealed record ConfigurationItem(
    string Id,
    string Name,
    ConfigurationItemKind Kind,
    IReadOnlyList<string> SupportedServiceIds);
