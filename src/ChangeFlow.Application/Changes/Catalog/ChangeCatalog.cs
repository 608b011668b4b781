using System.Text.Json;
using ChangeFlow.Application.Common;
using ChangeFlow.Application.Workflows;
using ChangeFlow.Domain.Cab;
using ChangeFlow.Domain.Changes;
using ChangeFlow.Domain.Common;
using ChangeFlow.Domain.Registry;
using ChangeFlow.Domain.Risk;
using ChangeFlow.Domain.Scheduling;

namespace ChangeFlow.Application.Changes.Catalog;

/// <summary>
/// The change catalogue over <see cref="IReferenceStore"/>: CAB boards, standard-change templates, configuration
/// items, services, blackout windows and the routing table. Documents are validated when written, so reading one
/// that does not parse means the store was edited behind the catalogue's back, which is a bug and throws.
/// </summary>
public sealed class ChangeCatalog
{
    /// <summary>The id of the one routing table.</summary>
    public const string RoutingId = "default";

    private readonly IReferenceStore _store;
    private readonly TimeProvider _time;

    /// <summary>Creates the catalogue.</summary>
    public ChangeCatalog(IReferenceStore store, TimeProvider time)
    {
        _store = store;
        _time = time;
    }

    /// <summary>The scale overall risk levels are computed on.</summary>
    public RiskScale RiskScale { get; init; } = RiskScale.Default;

    /// <summary>Validates and writes a document; Invalid with paths, Conflict on a stale version.</summary>
    public async Task<CommandResult<ReferenceDocument>> PutAsync(string kind, string id, string json, long? expectedVersion, string? by, CancellationToken cancellationToken)
    {
        var errors = CatalogParser.Validate(kind, id, json);
        if (errors.Count > 0)
        {
            return CommandResult.Invalid<ReferenceDocument>(errors);
        }

        try
        {
            await _store.PutAsync(kind, id, json, expectedVersion, _time.GetUtcNow(), by, cancellationToken);
        }
        catch (ConcurrencyConflictException ex)
        {
            return CommandResult.Conflict<ReferenceDocument>("version", ex.Message);
        }

        return CommandResult.Ok((await _store.FindAsync(kind, id, cancellationToken))!);
    }

    /// <summary>A CAB board, or null.</summary>
    public async Task<CabBoard?> FindBoardAsync(string id, CancellationToken cancellationToken) =>
        await _store.FindAsync(ReferenceKinds.CabBoard, id, cancellationToken) is { } doc ? Valid(CatalogParser.ParseBoard(doc.Id, doc.Json), doc) : null;

    /// <summary>Every CAB board.</summary>
    public async Task<IReadOnlyList<CabBoard>> ListBoardsAsync(CancellationToken cancellationToken) =>
        [.. (await _store.ListAsync(ReferenceKinds.CabBoard, cancellationToken)).Select(doc => Valid(CatalogParser.ParseBoard(doc.Id, doc.Json), doc))];

    /// <summary>A standard-change template, or null.</summary>
    public async Task<StandardTemplate?> FindTemplateAsync(string id, CancellationToken cancellationToken) =>
        await _store.FindAsync(ReferenceKinds.StandardTemplate, id, cancellationToken) is { } doc ? Valid(CatalogParser.ParseTemplate(doc.Id, doc.Json), doc) : null;

    /// <summary>Every blackout window.</summary>
    public async Task<IReadOnlyList<BlackoutWindow>> ListBlackoutsAsync(CancellationToken cancellationToken) =>
        [.. (await _store.ListAsync(ReferenceKinds.Blackout, cancellationToken)).Select(doc => Valid(CatalogParser.ParseBlackout(doc.Id, doc.Json), doc))];

    /// <summary>The known services and configuration items, for checking the ids a dossier names.</summary>
    public async Task<ConfigurationRegistry> GetRegistryAsync(CancellationToken cancellationToken)
    {
        var services = (await _store.ListAsync(ReferenceKinds.Service, cancellationToken)).Select(doc => Valid(CatalogParser.ParseService(doc.Id, doc.Json), doc)).ToList();
        var items = (await _store.ListAsync(ReferenceKinds.ConfigurationItem, cancellationToken)).Select(doc => Valid(CatalogParser.ParseConfigurationItem(doc.Id, doc.Json), doc)).ToList();
        var known = services.Select(s => s.Id).ToHashSet(StringComparer.Ordinal);

        // An item may name a service deleted since; the registry keeps the item and forgets the dangling link.
        var registry = ConfigurationRegistry.Create(services, [.. items.Select(i => i with { SupportedServiceIds = [.. i.SupportedServiceIds.Where(known.Contains)] })]);
        return registry.IsSuccess ? registry.Value : throw new InvalidOperationException($"The catalogue's registry is inconsistent: {string.Join("; ", registry.Errors)}");
    }

    /// <summary>A distribution list, or null.</summary>
    public async Task<DistributionList?> FindDistributionListAsync(string id, CancellationToken cancellationToken) =>
        await _store.FindAsync(ReferenceKinds.DistributionList, id, cancellationToken) is { } doc ? Valid(CatalogParser.ParseDistributionList(doc.Id, doc.Json), doc) : null;

    /// <summary>Who uses a service (its listed users and distribution lists), or null when the service is unknown.</summary>
    public async Task<ServiceAudience?> FindServiceAudienceAsync(string serviceId, CancellationToken cancellationToken) =>
        await _store.FindAsync(ReferenceKinds.Service, serviceId, cancellationToken) is { } doc ? Valid(CatalogParser.ParseServiceAudience(doc.Id, doc.Json), doc) : null;

    /// <summary>The routing table; an empty table with no defaults when none was written yet.</summary>
    public async Task<RoutingTable> GetRoutingTableAsync(CancellationToken cancellationToken) =>
        await _store.FindAsync(ReferenceKinds.Routing, RoutingId, cancellationToken) is { } doc
            ? Valid(CatalogParser.ParseRouting(doc.Json), doc)
            : new RoutingTable([], new Dictionary<ChangeType, RouteDecision>());

    /// <summary>Where <paramref name="change"/> goes: the first matching rule, the type's default, or null.</summary>
    public async Task<RouteDecision?> RouteAsync(ChangeRequest change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        var table = await GetRoutingTableAsync(cancellationToken);
        return table.Route(change, change.RiskRegister.OverallLevel(RiskScale));
    }

    /// <summary>
    /// Writes the default catalogue where a document is missing (never overwriting what a change manager edited):
    /// the RFC-2026-014 CAB and an emergency CAB, the LIMS services and configuration items, the "Monday 07:30 lab
    /// opening" blackout, two standard-change templates and a routing table. Safe to call at every start.
    /// </summary>
    /// <returns>How many documents were added.</returns>
    public async Task<int> SeedDefaultsAsync(string? by, CancellationToken cancellationToken)
    {
        var added = 0;
        foreach (var (kind, id, document) in CatalogDefaults.Documents())
        {
            if (await _store.FindAsync(kind, id, cancellationToken) is not null)
            {
                continue;
            }

            var json = JsonSerializer.Serialize(document, document.GetType(), CatalogParser.JsonOptions);
            var errors = CatalogParser.Validate(kind, id, json);
            if (errors.Count > 0)
            {
                throw new InvalidOperationException($"The default {kind} '{id}' is invalid: {string.Join("; ", errors)}");
            }

            try
            {
                await _store.PutAsync(kind, id, json, null, _time.GetUtcNow(), by, cancellationToken);
                added++;
            }
            catch (ConcurrencyConflictException)
            {
                // Another node seeded it first.
            }
        }

        return added;
    }

    private static T Valid<T>(Result<T> result, ReferenceDocument doc) =>
        result.IsSuccess
            ? result.Value
            : throw new InvalidOperationException($"The stored {doc.Kind} '{doc.Id}' is invalid: {string.Join("; ", result.Errors)}");
}
