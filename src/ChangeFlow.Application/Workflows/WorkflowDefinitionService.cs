using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ChangeFlow.Engine.Loading;
using ChangeFlow.Engine.Model;
using Microsoft.Extensions.Logging;

namespace ChangeFlow.Application.Workflows;

/// <summary>What importing one file did.</summary>
public sealed record ImportOutcome(string File, string? DefinitionId, int? Version, string Result, IReadOnlyList<WorkflowProblem> Problems);

/// <summary>The result of saving or publishing: the stored version, or the problems that stopped it.</summary>
public sealed record DefinitionChange(DefinitionVersion? Version, IReadOnlyList<WorkflowProblem> Problems, string? Conflict = null)
{
    public bool Succeeded => Version is not null;
}

/// <summary>
/// The definition catalogue: validates, versions, publishes and loads workflow definitions. Every stored version is
/// kept; a published version never changes, so instances pinned to it always find the graph they started on.
/// </summary>
public sealed partial class WorkflowDefinitionService
{
    private readonly IWorkflowDefinitionStore _store;
    private readonly WorkflowLoader _loader;
    private readonly TimeProvider _time;
    private readonly ILogger<WorkflowDefinitionService> _logger;

    // Versions that were ever published never change again, so their graphs are kept for good: every run of an
    // instance needs its pinned graph, and reading it from the database each time cost a query per run.
    private readonly ConcurrentDictionary<string, WorkflowDefinition> _publishedVersions = new(StringComparer.Ordinal);

    // Which version is published changes, so that lookup is kept only briefly. A publish on this node is seen at
    // once; one on another node within PublishedLookupCacheDuration.
    private readonly ConcurrentDictionary<string, (WorkflowDefinition Definition, DateTimeOffset Until)> _publishedLookups = new(StringComparer.Ordinal);

    public WorkflowDefinitionService(IWorkflowDefinitionStore store, WorkflowLoader loader, TimeProvider time, ILogger<WorkflowDefinitionService> logger)
    {
        _store = store;
        _loader = loader;
        _time = time;
        _logger = logger;
    }

    /// <summary>The loader (and through it, the activity registry).</summary>
    public WorkflowLoader Loader => _loader;

    /// <summary>Checks a document without storing it.</summary>
    public WorkflowLoadResult Validate(string json) => _loader.Load(json);

    /// <summary>How long this node trusts its answer to "which version of X is published" after a publish elsewhere.</summary>
    /// <value>The default is 2 s.</value>
    public TimeSpan PublishedLookupCacheDuration { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The graph of the published version of a definition, or null.</summary>
    public async Task<WorkflowDefinition?> GetPublishedAsync(string definitionId, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        if (_publishedLookups.TryGetValue(definitionId, out var cached) && cached.Until > now)
        {
            return cached.Definition;
        }

        var version = await _store.FindPublishedAsync(definitionId, cancellationToken);
        var definition = version is null ? null : _loader.Load(version.Json).Definition;
        if (definition is not null)
        {
            _publishedVersions.TryAdd(version!.Id, definition);
            if (PublishedLookupCacheDuration > TimeSpan.Zero)
            {
                _publishedLookups[definitionId] = (definition, now + PublishedLookupCacheDuration);
            }
        }

        return definition;
    }

    /// <summary>The graph of one stored version (instances use this to find the version they are pinned to).</summary>
    public async Task<WorkflowDefinition?> GetVersionAsync(string versionId, CancellationToken cancellationToken)
    {
        if (_publishedVersions.TryGetValue(versionId, out var known))
        {
            return known;
        }

        var version = await _store.FindVersionAsync(versionId, cancellationToken);
        var definition = version is null ? null : _loader.Load(version.Json).Definition;
        if (definition is not null && version!.PublishedAt is not null)
        {
            _publishedVersions.TryAdd(versionId, definition);
        }

        return definition;
    }

    /// <summary>
    /// Imports every <c>*.json</c> file of a directory as a published version: a file whose text changed since its
    /// definition's latest version becomes a new version; unchanged files are left alone; invalid files are reported and skipped.
    /// </summary>
    public async Task<IReadOnlyList<ImportOutcome>> ImportDirectoryAsync(string directory, CancellationToken cancellationToken)
    {
        var outcomes = new List<ImportOutcome>();
        if (!Directory.Exists(directory))
        {
            LogImportDirectoryMissing(_logger, directory);
            return outcomes;
        }

        foreach (var file in Directory.EnumerateFiles(directory, "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var relative = Path.GetRelativePath(directory, file);
            var text = await File.ReadAllTextAsync(file, cancellationToken);
            var outcome = await ImportAsync(text, "file:" + relative.Replace('\\', '/'), publish: true, cancellationToken);
            outcomes.Add(outcome with { File = relative });
            if (outcome.Result == "invalid")
            {
                LogImportInvalid(_logger, relative, string.Join("; ", outcome.Problems.Where(p => p.Severity == ProblemSeverity.Error)));
            }
            else if (outcome.Result == "added")
            {
                LogImported(_logger, relative, outcome.DefinitionId!, outcome.Version!.Value);
            }
        }

        return outcomes;
    }

    /// <summary>Imports one document; see <see cref="ImportDirectoryAsync"/>.</summary>
    public async Task<ImportOutcome> ImportAsync(string json, string source, bool publish, CancellationToken cancellationToken)
    {
        var loaded = _loader.Load(json);
        if (loaded.Definition is not { } definition)
        {
            return new ImportOutcome(source, null, null, "invalid", loaded.Problems);
        }

        var sourceHash = Hash(json);
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var latest = await _store.FindLatestAsync(definition.DefinitionId, cancellationToken);
            if (latest is not null && latest.ContentHash == sourceHash)
            {
                return new ImportOutcome(source, definition.DefinitionId, latest.Version, "unchanged", loaded.Problems);
            }

            var number = (latest?.Version ?? 0) + 1;
            var version = CreateVersion(json, definition, number, sourceHash, source, publish);
            try
            {
                await _store.AddVersionAsync(version, publish, cancellationToken);
                _publishedLookups.TryRemove(definition.DefinitionId, out _);
                return new ImportOutcome(source, definition.DefinitionId, number, "added", loaded.Problems);
            }
            catch (ConcurrencyConflictException)
            {
                // Another node imported the same file at the same moment; look again.
            }
        }

        return new ImportOutcome(source, definition.DefinitionId, null, "conflict", loaded.Problems);
    }

    /// <summary>Saves a draft: replaces the latest version if it is an unpublished draft, otherwise adds a new draft version.</summary>
    public async Task<DefinitionChange> SaveDraftAsync(string json, CancellationToken cancellationToken)
    {
        var loaded = _loader.Load(json);
        if (loaded.Definition is not { } definition)
        {
            return new DefinitionChange(null, loaded.Problems);
        }

        var latest = await _store.FindLatestAsync(definition.DefinitionId, cancellationToken);
        if (latest is { IsPublished: false })
        {
            var updated = CreateVersion(json, definition, latest.Version, Hash(json), "api", publish: false) with { CreatedAt = latest.CreatedAt };
            await _store.UpdateDraftAsync(updated, cancellationToken);
            return new DefinitionChange(updated, loaded.Problems);
        }

        var draft = CreateVersion(json, definition, (latest?.Version ?? 0) + 1, Hash(json), "api", publish: false);
        try
        {
            await _store.AddVersionAsync(draft, publish: false, cancellationToken);
        }
        catch (ConcurrencyConflictException ex)
        {
            return new DefinitionChange(null, loaded.Problems, ex.Message);
        }

        return new DefinitionChange(draft, loaded.Problems);
    }

    /// <summary>Publishes a version (the latest when <paramref name="version"/> is null); new instances start on it.</summary>
    public async Task<DefinitionChange> PublishAsync(string definitionId, int? version, CancellationToken cancellationToken)
    {
        var versions = await _store.ListVersionsAsync(definitionId, cancellationToken);
        var target = version is null ? versions.MaxBy(v => v.Version) : versions.FirstOrDefault(v => v.Version == version);
        if (target is null)
        {
            return new DefinitionChange(null, [], $"Definition '{definitionId}' has no version {version?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "at all"}.");
        }

        var loaded = _loader.Load(target.Json);
        if (!loaded.Succeeded)
        {
            return new DefinitionChange(null, loaded.Problems);
        }

        if (!target.IsPublished)
        {
            await _store.PublishAsync(target.Id, _time.GetUtcNow(), cancellationToken);
            _publishedLookups.TryRemove(definitionId, out _);
        }

        return new DefinitionChange(await _store.FindVersionAsync(target.Id, cancellationToken), loaded.Problems);
    }

    private DefinitionVersion CreateVersion(string json, WorkflowDefinition definition, int number, string sourceHash, string source, bool publish)
    {
        var id = $"{definition.DefinitionId}:v{number}";
        var node = JsonNode.Parse(json.TrimStart('\uFEFF'))!.AsObject();
        node["id"] = id;
        node["definitionId"] = definition.DefinitionId;
        node["version"] = number;
        node["isPublished"] = publish;
        node["isLatest"] = true;
        var now = _time.GetUtcNow();
        return new DefinitionVersion(
            id,
            definition.DefinitionId,
            number,
            definition.Name,
            definition.Description,
            IsLatest: true,
            IsPublished: publish,
            node.ToJsonString(new JsonSerializerOptions { WriteIndented = true }),
            sourceHash,
            source,
            now,
            publish ? now : null);
    }

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Workflow directory {Directory} does not exist; nothing imported.")]
    private static partial void LogImportDirectoryMissing(ILogger logger, string directory);

    [LoggerMessage(Level = LogLevel.Error, Message = "Workflow file {File} is invalid and was not imported: {Problems}")]
    private static partial void LogImportInvalid(ILogger logger, string file, string problems);

    [LoggerMessage(Level = LogLevel.Information, Message = "Imported workflow file {File} as {DefinitionId} v{Version}.")]
    private static partial void LogImported(ILogger logger, string file, string definitionId, int version);
}
