using System.Text.Json;
using ChangeFlow.Application.Changes.Catalog;
using ChangeFlow.Application.Common;
using ChangeFlow.Application.Workflows;
using ChangeFlow.Domain.Common;
using ChangeFlow.Domain.Incidents;

namespace ChangeFlow.Application.Incidents.Config;

/// <summary>
/// Incident management's configuration over <see cref="IReferenceStore"/>: the priority matrix, business calendars,
/// service levels, escalation policies and settings, edited by administrators at run time with optimistic
/// concurrency. Documents are validated when written (with their paths), including references between them (a
/// service's calendar and policy must exist; a calendar in use cannot be deleted). Reading a stored document that
/// does not parse means the store was edited behind the catalogue's back, which is a bug and throws.
/// </summary>
public sealed class IncidentCatalog
{
    /// <summary>The kinds this catalogue owns.</summary>
    public static readonly IReadOnlyList<string> Kinds =
        [ReferenceKinds.PriorityMatrix, ReferenceKinds.BusinessCalendar, ReferenceKinds.ServiceLevel, ReferenceKinds.EscalationPolicy, ReferenceKinds.IncidentSettings];

    private readonly IReferenceStore _store;
    private readonly TimeProvider _time;

    /// <summary>Creates the catalogue.</summary>
    public IncidentCatalog(IReferenceStore store, TimeProvider time)
    {
        _store = store;
        _time = time;
    }

    /// <summary>Reads the whole configuration once; what is not stored takes its default (the seed's matrix, the default settings).</summary>
    public async Task<IncidentConfiguration> LoadAsync(CancellationToken cancellationToken)
    {
        var matrix = await _store.FindAsync(ReferenceKinds.PriorityMatrix, IncidentConfigParser.SingletonId, cancellationToken) is { } m
            ? Valid(IncidentConfigParser.ParseMatrix(m.Json), m)
            : PriorityMatrix.Default;
        var settings = await _store.FindAsync(ReferenceKinds.IncidentSettings, IncidentConfigParser.SingletonId, cancellationToken) is { } s
            ? Valid(IncidentConfigParser.ParseSettings(s.Json), s)
            : IncidentConfigDefaults.Settings;
        var calendars = (await _store.ListAsync(ReferenceKinds.BusinessCalendar, cancellationToken))
            .ToDictionary(d => d.Id, d => Valid(IncidentConfigParser.ParseCalendar(d.Id, d.Json), d), StringComparer.Ordinal);
        var services = (await _store.ListAsync(ReferenceKinds.ServiceLevel, cancellationToken))
            .ToDictionary(d => d.Id, d => Valid(IncidentConfigParser.ParseServiceLevel(d.Id, d.Json), d), StringComparer.Ordinal);
        var policies = (await _store.ListAsync(ReferenceKinds.EscalationPolicy, cancellationToken))
            .ToDictionary(d => d.Id, d => Valid(IncidentConfigParser.ParsePolicy(d.Id, d.Json), d), StringComparer.Ordinal);
        return new IncidentConfiguration(matrix, settings, calendars, services, policies);
    }

    /// <summary>
    /// Validates and writes a document (<paramref name="expectedVersion"/> null creates it): Invalid with paths,
    /// Invalid with <see cref="ErrorCodes.Unknown"/> for a reference to a calendar, policy or service that does not
    /// exist, Conflict on a stale version.
    /// </summary>
    public async Task<CommandResult<ReferenceDocument>> PutAsync(string kind, string id, string json, long? expectedVersion, string? by, CancellationToken cancellationToken)
    {
        var errors = IncidentConfigParser.Validate(kind, id, json);
        if (errors.Count > 0)
        {
            return CommandResult.Invalid<ReferenceDocument>(errors);
        }

        var references = await CheckReferencesAsync(kind, id, json, cancellationToken);
        if (references.Count > 0)
        {
            return CommandResult.Invalid<ReferenceDocument>(references);
        }

        try
        {
            await _store.PutAsync(kind, id, json, expectedVersion, _time.GetUtcNow(), by, cancellationToken);
        }
        catch (ConcurrencyConflictException ex)
        {
            return CommandResult.Conflict<ReferenceDocument>("version", expectedVersion is null ? $"The {kind} '{id}' already exists; send If-Match with its version to replace it." : ex.Message);
        }

        return CommandResult.Ok((await _store.FindAsync(kind, id, cancellationToken))!);
    }

    /// <summary>
    /// Deletes a calendar, service level or policy; refused (Conflict) while another document refers to it. The
    /// matrix and the settings are replaced, never deleted.
    /// </summary>
    public async Task<CommandResult<bool>> DeleteAsync(string kind, string id, CancellationToken cancellationToken)
    {
        if (kind is ReferenceKinds.PriorityMatrix or ReferenceKinds.IncidentSettings)
        {
            return CommandResult.Conflict<bool>("kind", $"The {kind} is replaced, not deleted.");
        }

        if (await _store.FindAsync(kind, id, cancellationToken) is null)
        {
            return CommandResult.NotFound<bool>("id", $"No {kind} '{id}'.");
        }

        var config = await LoadAsync(cancellationToken);
        var users = kind switch
        {
            ReferenceKinds.BusinessCalendar => config.Services.Values.Where(s => s.CalendarId == id).Select(s => $"service level '{s.Id}'")
                .Concat(config.Settings.DefaultCalendarId == id ? ["the settings' default calendar"] : []),
            ReferenceKinds.EscalationPolicy => config.Services.Values.Where(s => s.EscalationPolicyId == id).Select(s => $"service level '{s.Id}'")
                .Concat(config.Settings.DefaultEscalationPolicyId == id ? ["the settings' default policy"] : []),
            ReferenceKinds.ServiceLevel => config.Settings.Alertmanager.DefaultServiceId == id || config.Settings.Alertmanager.Services.Values.Contains(id)
                ? ["the settings' Alertmanager mapping"] : [],
            _ => [],
        };
        var inUse = users.ToList();
        if (inUse.Count > 0)
        {
            return CommandResult.Conflict<bool>("id", $"The {kind} '{id}' is used by {string.Join(", ", inUse)}.");
        }

        return CommandResult.Ok(await _store.DeleteAsync(kind, id, cancellationToken));
    }

    /// <summary>
    /// Writes the default configuration where a document is missing (never overwriting an administrator's edit). Safe
    /// to call at every start.
    /// </summary>
    /// <returns>How many documents were added.</returns>
    public async Task<int> SeedDefaultsAsync(string? by, CancellationToken cancellationToken)
    {
        var added = 0;
        foreach (var (kind, id, document) in IncidentConfigDefaults.Documents())
        {
            if (await _store.FindAsync(kind, id, cancellationToken) is not null)
            {
                continue;
            }

            var json = JsonSerializer.Serialize(document, document.GetType(), CatalogParser.JsonOptions);
            var errors = kind == ReferenceKinds.Service ? CatalogParser.Validate(kind, id, json) : IncidentConfigParser.Validate(kind, id, json);
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

    private async Task<IReadOnlyList<DomainError>> CheckReferencesAsync(string kind, string id, string json, CancellationToken cancellationToken)
    {
        var errors = new List<DomainError>();
        async Task ExistsAsync(string path, string referencedKind, string? referenced, string what)
        {
            if (referenced is not null && await _store.FindAsync(referencedKind, referenced, cancellationToken) is null)
            {
                errors.Add(new DomainError(path, ErrorCodes.Unknown, $"No {what} '{referenced}' is configured."));
            }
        }

        switch (kind)
        {
            case ReferenceKinds.ServiceLevel:
                var service = IncidentConfigParser.ParseServiceLevel(id, json);
                if (service.IsSuccess)
                {
                    await ExistsAsync("calendarId", ReferenceKinds.BusinessCalendar, service.Value.CalendarId, "business calendar");
                    await ExistsAsync("escalationPolicyId", ReferenceKinds.EscalationPolicy, service.Value.EscalationPolicyId, "escalation policy");
                }

                break;
            case ReferenceKinds.IncidentSettings:
                var settings = IncidentConfigParser.ParseSettings(json).Value;
                await ExistsAsync("defaultCalendarId", ReferenceKinds.BusinessCalendar, settings.DefaultCalendarId, "business calendar");
                await ExistsAsync("defaultEscalationPolicyId", ReferenceKinds.EscalationPolicy, settings.DefaultEscalationPolicyId, "escalation policy");
                await ExistsAsync("alertmanager.defaultServiceId", ReferenceKinds.ServiceLevel, settings.Alertmanager.DefaultServiceId, "service level");
                foreach (var (value, serviceId) in settings.Alertmanager.Services)
                {
                    await ExistsAsync($"alertmanager.services.{value}", ReferenceKinds.ServiceLevel, serviceId, "service level");
                }

                break;
        }

        return errors;
    }

    private static T Valid<T>(Result<T> result, ReferenceDocument doc) =>
        result.IsSuccess
            ? result.Value
            : throw new InvalidOperationException($"The stored {doc.Kind} '{doc.Id}' is invalid: {string.Join("; ", result.Errors)}");
}
