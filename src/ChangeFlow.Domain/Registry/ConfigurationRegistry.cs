using System.Text.RegularExpressions;
using ChangeFlow.Domain.Common;

namespace ChangeFlow.Domain.Registry;

/// <summary>
/// The known services and configuration items, so a dossier can be checked for ids that name nothing. It is a
/// snapshot handed to validators, not a CMDB: where the items come from (a database, a CMDB sync) is not the
/// domain's business.
/// </summary>
public sealed partial class ConfigurationRegistry
{
    private readonly Dictionary<string, Service> _services;
    private readonly Dictionary<string, ConfigurationItem> _items;

    private ConfigurationRegistry(Dictionary<string, Service> services, Dictionary<string, ConfigurationItem> items)
    {
        _services = services;
        _items = items;
    }

    /// <summary>The services, by id.</summary>
    public IReadOnlyDictionary<string, Service> Services => _services;

    /// <summary>The configuration items, by id.</summary>
    public IReadOnlyDictionary<string, ConfigurationItem> ConfigurationItems => _items;

    /// <summary>
    /// Creates a registry, or reports every problem: blank or malformed ids (lower-case letters, digits and single
    /// dashes), duplicates, names missing, items supporting services that are not listed.
    /// </summary>
    public static Result<ConfigurationRegistry> Create(IReadOnlyList<Service> services, IReadOnlyList<ConfigurationItem> items)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(items);
        var errors = new ErrorList();
        var serviceById = new Dictionary<string, Service>(StringComparer.Ordinal);
        for (var i = 0; i < services.Count; i++)
        {
            var path = ErrorList.Index("services", i);
            if (CheckId(errors, path, services[i].Id) && !serviceById.TryAdd(services[i].Id, services[i]))
            {
                errors.Add(ErrorList.Member(path, "id"), ErrorCodes.Duplicate, $"The service id '{services[i].Id}' is used twice.");
            }

            errors.RequireText(ErrorList.Member(path, "name"), services[i].Name, "A name");
        }

        var itemById = new Dictionary<string, ConfigurationItem>(StringComparer.Ordinal);
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            var path = ErrorList.Index("configurationItems", i);
            if (CheckId(errors, path, item.Id) && !itemById.TryAdd(item.Id, item))
            {
                errors.Add(ErrorList.Member(path, "id"), ErrorCodes.Duplicate, $"The configuration item id '{item.Id}' is used twice.");
            }

            errors.RequireText(ErrorList.Member(path, "name"), item.Name, "A name");
            errors.RequireDefined(ErrorList.Member(path, "kind"), item.Kind, "The kind");
            var supported = item.SupportedServiceIds ?? [];
            for (var s = 0; s < supported.Count; s++)
            {
                if (!serviceById.ContainsKey(supported[s] ?? string.Empty))
                {
                    errors.Add(ErrorList.Index(ErrorList.Member(path, "supportedServiceIds"), s), ErrorCodes.Unknown, $"No service has the id '{supported[s]}'.");
                }
            }
        }

        return errors.Count > 0
            ? Result.Failure<ConfigurationRegistry>(errors.ToList())
            : Result.Success(new ConfigurationRegistry(serviceById, itemById));
    }

    /// <summary>Whether <paramref name="id"/> is the id of a known configuration item.</summary>
    public bool HasConfigurationItem(string id) => _items.ContainsKey(id);

    /// <summary>Whether <paramref name="id"/> is the id of a known service.</summary>
    public bool HasService(string id) => _services.ContainsKey(id);

    /// <summary>The services that depend on any of <paramref name="configurationItemIds"/>, each once, in registry order of first mention.</summary>
    public IReadOnlyList<Service> ServicesSupportedBy(IEnumerable<string> configurationItemIds) =>
        [.. configurationItemIds
            .Where(_items.ContainsKey)
            .SelectMany(id => _items[id].SupportedServiceIds)
            .Distinct(StringComparer.Ordinal)
            .Where(_services.ContainsKey)
            .Select(id => _services[id])];

    /// <summary>Whether <paramref name="id"/> has the registry's id shape: lower-case letters and digits in dash-separated groups.</summary>
    public static bool IsWellFormedId(string? id) => id is not null && IdPattern().IsMatch(id);

    private static bool CheckId(ErrorList errors, string path, string? id)
    {
        var idPath = ErrorList.Member(path, "id");
        if (!errors.RequireText(idPath, id, "An id"))
        {
            return false;
        }

        if (!IsWellFormedId(id))
        {
            errors.Add(idPath, ErrorCodes.Invalid, $"'{id}' is not a well-formed id (lower-case letters and digits separated by single dashes, e.g. lims-prod-01).");
            return false;
        }

        return true;
    }

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$", RegexOptions.CultureInvariant)]
    private static partial Regex IdPattern();
}
