using System.Collections;
using System.Collections.Concurrent;
using System.Text.Encodings.Web;
using System.Text.RegularExpressions;
using System.Text.Unicode;
using System.Xml;
using ChangeFlow.Engine.Expressions;
using Fluid;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ChangeFlow.Application.Notifications;

/// <summary>Where one part of a template comes from.</summary>
/// <param name="Part">subject, html or text.</param>
/// <param name="Language">The language variant (<c>fr</c>), or null for the default.</param>
/// <param name="Source"><c>built-in</c> or <c>override</c>.</param>
/// <param name="File">The file name (<c>maintenance-notice.html.liquid</c>).</param>
/// <param name="Problem">Why an override is not used (it does not parse), or null.</param>
public sealed record TemplatePartSource(string Part, string? Language, string Source, string File, string? Problem);

/// <summary>A template and the files of its parts.</summary>
/// <param name="Name">The template name.</param>
/// <param name="BuiltIn">Whether ChangeFlow ships it.</param>
/// <param name="Overridden">Whether any part is overridden from the data directory.</param>
/// <param name="Parts">Every part file found, built-in and override.</param>
public sealed record TemplateDescription(string Name, bool BuiltIn, bool Overridden, IReadOnlyList<TemplatePartSource> Parts);

/// <summary>A template part that does not parse (or, given a sample model, does not render).</summary>
/// <param name="Template">The template name.</param>
/// <param name="Part">subject, html or text.</param>
/// <param name="File">The file, for an override; the resource name for a built-in.</param>
/// <param name="Line">The 1-based line, when known.</param>
/// <param name="Message">What is wrong.</param>
public sealed record TemplateProblem(string Template, string Part, string File, int? Line, string Message);

/// <summary>
/// Renders notice templates with Fluid (Liquid). Each template has three parts, <c>&lt;name&gt;.subject.liquid</c>,
/// <c>&lt;name&gt;.html.liquid</c> and <c>&lt;name&gt;.text.liquid</c>, built in as embedded resources; a file of the same
/// name in the override directory (<c>&lt;DataDirectory&gt;/templates/</c>) replaces a part, and a language variant
/// (<c>&lt;name&gt;.fr.html.liquid</c>) is preferred for recipients of that language.
/// </summary>
/// <remarks>
/// <para>Parsed templates are cached. An override is looked at again when its modification time or length changes
/// (one file-system stat per part and render), so an operator's edit applies to the next message without a restart
/// and without a file watcher that container file systems do not always honour.</para>
/// <para>An override that does not parse, or fails while rendering, is logged with its file and line and the
/// built-in part is used instead: a typo in a data-directory file must never stop notices or crash the service.
/// Built-in templates that fail are bugs and throw <see cref="TemplateException"/>.</para>
/// <para>HTML parts are HTML-encoded by default (<c>{{ change.title }}</c> with <c>&lt;script&gt;</c> in it is shown, not
/// run; <c>| raw</c> opts out); subject and text parts are not encoded. The subject is one line.</para>
/// </remarks>
public sealed partial class FluidMessageTemplates : IMessageTemplates
{
    /// <summary>The parts of a template, in order.</summary>
    public static IReadOnlyList<string> Parts => PartOrder;

    /// <summary>The logical name prefix of the embedded built-in templates.</summary>
    public const string ResourcePrefix = "ChangeFlow.Notifications.Templates.";

    private const string Extension = ".liquid";

    private static readonly string[] PartOrder = ["subject", "html", "text"];

    private static readonly FluidParser Parser = new();

    // Keeps letters of every script as they are (é, →), escaping only what HTML needs.
    private static readonly HtmlEncoder Html = HtmlEncoder.Create(UnicodeRanges.All);

    private readonly TemplateOptions _options;
    private readonly ScriptOptions _limits;
    private readonly string? _overrideDirectory;
    private readonly ILogger _logger;
    private readonly Dictionary<string, string> _builtInSources;
    private readonly ConcurrentDictionary<string, IFluidTemplate> _builtIns = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, OverrideEntry> _overrides = new(StringComparer.Ordinal);

    /// <summary>Creates the renderer.</summary>
    /// <param name="overrideDirectory">The directory of override files, or null for built-ins only; it need not exist.</param>
    /// <param name="logger">Where override problems are reported.</param>
    /// <param name="builtIns">The built-in template files by name (<c>maintenance-notice.html.liquid</c>); the embedded ones by default.</param>
    /// <param name="limits">The bounds of every render (steps, output, collections, nesting, time); the defaults of <see cref="ScriptOptions"/> otherwise.</param>
    public FluidMessageTemplates(string? overrideDirectory, ILogger<FluidMessageTemplates>? logger = null, IReadOnlyDictionary<string, string>? builtIns = null, ScriptOptions? limits = null)
    {
        _overrideDirectory = string.IsNullOrWhiteSpace(overrideDirectory) ? null : Path.GetFullPath(overrideDirectory);
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _builtInSources = builtIns is null ? LoadEmbedded() : new Dictionary<string, string>(builtIns, StringComparer.Ordinal);
        _limits = limits ?? new ScriptOptions();
        _options = TemplateFilters.Register(new TemplateOptionsBuilder().WithLimits(_limits)).Build();
    }

    /// <summary>The directory overrides are read from, or null.</summary>
    public string? OverrideDirectory => _overrideDirectory;

    /// <inheritdoc />
    public IReadOnlyCollection<string> Names =>
        [.. AllFiles().Select(f => f.Name).Distinct(StringComparer.Ordinal).Where(Exists).Order(StringComparer.Ordinal)];

    /// <summary>Every template with the files of its parts, in name order.</summary>
    public IReadOnlyList<TemplateDescription> Describe()
    {
        var files = AllFiles().ToList();
        return
        [
            .. files.GroupBy(f => f.Name, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => new TemplateDescription(
                g.Key,
                g.Any(f => !f.IsOverride),
                g.Any(f => f.IsOverride),
                [.. g.OrderBy(f => Array.IndexOf(PartOrder, f.Part)).ThenBy(f => f.Language).ThenBy(f => f.IsOverride).Select(f => new TemplatePartSource(
                    f.Part,
                    f.Language,
                    f.IsOverride ? "override" : "built-in",
                    f.FileName,
                    f.IsOverride ? OverrideTemplate(f.FileName).Problem : null))])),
        ];
    }

    /// <inheritdoc />
    public async ValueTask<RenderedMessage> RenderAsync(string template, IReadOnlyDictionary<string, object?> model, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (string.IsNullOrWhiteSpace(template) || !NamePattern().IsMatch(template))
        {
            throw new TemplateException(template ?? string.Empty, $"'{template}' is not a template name (lower-case letters, digits and dashes).");
        }

        if (!Exists(template))
        {
            throw new TemplateException(template, $"No template '{template}'; known: {string.Join(", ", Names)}.");
        }

        var (zone, culture) = RecipientOf(model);
        var language = NoticeCultures.LanguageOf(culture);
        var values = model.ToDictionary(p => p.Key, p => Plain(p.Value), StringComparer.Ordinal);
        var subject = await RenderPartAsync(template, "subject", language, values, zone, culture, NullEncoder.Default, cancellationToken)
            ?? throw new TemplateException(template, "subject", null, $"Template '{template}' has no subject part ({template}.subject.liquid).");
        var html = await RenderPartAsync(template, "html", language, values, zone, culture, Html, cancellationToken);
        var text = await RenderPartAsync(template, "text", language, values, zone, culture, NullEncoder.Default, cancellationToken);
        return new RenderedMessage(WhitespaceRun().Replace(subject, " ").Trim(), html, text is null ? null : text.ReplaceLineEndings("\n"));
    }

    /// <summary>
    /// Parses every built-in and override part (and, given <paramref name="sample"/>, renders every template with it),
    /// logging each problem; returns them. Built-in problems are bugs; override problems mean the built-in is used.
    /// </summary>
    public async Task<IReadOnlyList<TemplateProblem>> ValidateAsync(IReadOnlyDictionary<string, object?>? sample, CancellationToken cancellationToken)
    {
        var problems = new List<TemplateProblem>();
        foreach (var file in AllFiles())
        {
            if (file.IsOverride)
            {
                if (OverrideTemplate(file.FileName) is { Problem: { } problem, Line: var line })
                {
                    problems.Add(new TemplateProblem(file.Name, file.Part, Path.Combine(_overrideDirectory!, file.FileName), line, problem));
                }
            }
            else if (!Parser.TryParse(_builtInSources[file.FileName], out _, out var error))
            {
                problems.Add(new TemplateProblem(file.Name, file.Part, ResourcePrefix + file.FileName, LineOf(error), FirstLine(error)));
                LogBuiltInBroken(_logger, file.FileName, LineOf(error), FirstLine(error));
            }
        }

        if (sample is not null)
        {
            foreach (var name in Names)
            {
                try
                {
                    await RenderAsync(name, sample, cancellationToken);
                }
                catch (TemplateException ex)
                {
                    problems.Add(new TemplateProblem(name, ex.Part ?? string.Empty, name, ex.Line, ex.Message));
                    LogSampleFailed(_logger, name, ex.Part, ex.Message);
                }
            }
        }

        return problems;
    }

    private async ValueTask<string?> RenderPartAsync(
        string name,
        string part,
        string? language,
        Dictionary<string, object?> values,
        string zone,
        string culture,
        TextEncoder encoder,
        CancellationToken cancellationToken)
    {
        foreach (var fileName in Candidates(name, part, language))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var overridden = OverrideTemplate(fileName).Template;
            if (overridden is not null)
            {
                try
                {
                    return await RenderAsync(overridden, values, zone, culture, encoder, cancellationToken);
                }
                catch (RenderFailedException ex)
                {
                    // The operator's file fails on this model; the built-in of the same name (if any) still says it.
                    LogOverrideRenderFailed(_logger, Path.Combine(_overrideDirectory!, fileName), name, part, ex.Message);
                }
            }

            if (BuiltIn(name, part, fileName) is { } builtIn)
            {
                try
                {
                    return await RenderAsync(builtIn, values, zone, culture, encoder, cancellationToken);
                }
                catch (RenderFailedException ex)
                {
                    throw new TemplateException(name, part, null, $"Template '{name}' ({fileName}) failed to render: {ex.Message}", ex.InnerException);
                }
            }
        }

        return null;
    }

    private async ValueTask<string> RenderAsync(IFluidTemplate template, Dictionary<string, object?> values, string zone, string culture, TextEncoder encoder, CancellationToken cancellationToken)
    {
        var context = new TemplateContext(_options);
        foreach (var (key, value) in values)
        {
            context.SetValue(key, Fluid.Values.FluidValue.Create(value, _options));
        }

        TemplateFilters.SetRecipient(context, zone, culture);
        using var timeLimit = LiquidLimits.TimeLimit(_limits, cancellationToken);
        context.CancellationToken = timeLimit.Token;
        try
        {
            return await template.RenderAsync(context, encoder);
        }
        catch (Exception ex) when (LiquidLimits.Describe(ex, timeLimit, cancellationToken) is { } problem)
        {
            throw new RenderFailedException(problem, ex);
        }
    }

    private IFluidTemplate? BuiltIn(string name, string part, string fileName)
    {
        if (!_builtInSources.TryGetValue(fileName, out var source))
        {
            return null;
        }

        return _builtIns.GetOrAdd(fileName, _ => Parser.TryParse(source, out var parsed, out var error)
            ? parsed
            : throw new TemplateException(name, part, LineOf(error), $"The built-in template {fileName} does not parse (line {LineOf(error)}): {FirstLine(error)}"));
    }

    private OverrideEntry OverrideTemplate(string fileName)
    {
        if (_overrideDirectory is null)
        {
            return OverrideEntry.None;
        }

        var path = Path.Combine(_overrideDirectory, fileName);
        FileInfo info;
        try
        {
            info = new FileInfo(path);
            if (!info.Exists)
            {
                _overrides.TryRemove(path, out _);
                return OverrideEntry.None;
            }
        }
        catch (IOException)
        {
            return OverrideEntry.None;
        }

        var stamp = (info.LastWriteTimeUtc, info.Length);
        if (_overrides.TryGetValue(path, out var cached) && cached.Stamp == stamp)
        {
            return cached;
        }

        OverrideEntry entry;
        try
        {
            var source = File.ReadAllText(path);
            if (Parser.TryParse(source, out var parsed, out var error))
            {
                entry = new OverrideEntry(stamp, parsed, null, null);
                LogOverrideLoaded(_logger, path);
            }
            else
            {
                entry = new OverrideEntry(stamp, null, FirstLine(error), LineOf(error));
                var (name, part, _) = Split(fileName)!.Value;
                LogOverrideBroken(_logger, path, entry.Line, entry.Problem!, name, part);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            entry = new OverrideEntry(stamp, null, $"The file cannot be read: {ex.Message}", null);
            LogOverrideUnreadable(_logger, path, ex.Message);
        }

        _overrides[path] = entry;
        return entry;
    }

    private bool Exists(string name) =>
        Candidates(name, "subject", null).Any(HasFile) && (Candidates(name, "html", null).Any(HasFile) || Candidates(name, "text", null).Any(HasFile));

    private bool HasFile(string fileName) =>
        _builtInSources.ContainsKey(fileName) || (_overrideDirectory is not null && File.Exists(Path.Combine(_overrideDirectory, fileName)));

    private static IEnumerable<string> Candidates(string name, string part, string? language)
    {
        if (language is not null)
        {
            yield return $"{name}.{language}.{part}{Extension}";
        }

        yield return $"{name}.{part}{Extension}";
    }

    private IEnumerable<TemplateFile> AllFiles()
    {
        foreach (var fileName in _builtInSources.Keys)
        {
            if (Split(fileName) is { } split)
            {
                yield return new TemplateFile(split.Name, split.Part, split.Language, fileName, IsOverride: false);
            }
        }

        if (_overrideDirectory is null || !Directory.Exists(_overrideDirectory))
        {
            yield break;
        }

        foreach (var path in Directory.EnumerateFiles(_overrideDirectory, "*" + Extension).Order(StringComparer.Ordinal))
        {
            var fileName = Path.GetFileName(path);
            if (Split(fileName) is { } split)
            {
                yield return new TemplateFile(split.Name, split.Part, split.Language, fileName, IsOverride: true);
            }
        }
    }

    private static (string Name, string Part, string? Language)? Split(string fileName)
    {
        var match = FilePattern().Match(fileName);
        return match.Success
            ? (match.Groups["name"].Value, match.Groups["part"].Value, match.Groups["lang"].Success ? match.Groups["lang"].Value : null)
            : null;
    }

    private static Dictionary<string, string> LoadEmbedded()
    {
        var assembly = typeof(FluidMessageTemplates).Assembly;
        var sources = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(r => r.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            sources[resource[ResourcePrefix.Length..]] = reader.ReadToEnd();
        }

        return sources;
    }

    private static (string Zone, string Culture) RecipientOf(IReadOnlyDictionary<string, object?> model)
    {
        string? zone = null, culture = null;
        if (model.TryGetValue("recipient", out var recipient) && recipient is IEnumerable<KeyValuePair<string, object?>> fields)
        {
            foreach (var (key, value) in fields)
            {
                if (key == "time_zone" && value is string z)
                {
                    zone = z;
                }
                else if (key == "culture" && value is string c)
                {
                    culture = c;
                }
            }
        }

        return (zone ?? "Etc/UTC", NoticeCultures.IsSupported(culture) ? culture! : NoticeCultures.Default);
    }

    /// <summary>The model as the plain values Fluid reads: dictionaries, lists, strings, numbers, booleans, instants.</summary>
    private static object? Plain(object? value) => value switch
    {
        null or string or bool or DateTimeOffset => value,
        DateTime time => new DateTimeOffset(DateTime.SpecifyKind(time, time.Kind == DateTimeKind.Unspecified ? DateTimeKind.Utc : time.Kind)),
        TimeSpan span => XmlConvert.ToString(span),
        Enum e => e.ToString(),
        int or long or decimal or double or float or short or byte => value,
        IEnumerable<KeyValuePair<string, object?>> map => map.ToDictionary(p => p.Key, p => Plain(p.Value), StringComparer.Ordinal),
        IEnumerable list => list.Cast<object?>().Select(Plain).ToList(),
        _ => value.ToString(),
    };

    private static int? LineOf(string? error) =>
        error is not null && LinePattern().Match(error) is { Success: true } m ? int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : null;

    private static string FirstLine(string? error) =>
        (error ?? "unknown error").Split('\n', 2)[0].Trim();

    [GeneratedRegex(@"^(?<name>[a-z0-9]+(?:-[a-z0-9]+)*)\.(?:(?<lang>[a-z]{2})\.)?(?<part>subject|html|text)\.liquid$", RegexOptions.CultureInvariant)]
    private static partial Regex FilePattern();

    [GeneratedRegex("^[a-z0-9]+(?:-[a-z0-9]+)*$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();

    [GeneratedRegex(@"at \((\d+):\d+\)", RegexOptions.CultureInvariant)]
    private static partial Regex LinePattern();

    [GeneratedRegex(@"\s+", RegexOptions.CultureInvariant)]
    private static partial Regex WhitespaceRun();

    [LoggerMessage(Level = LogLevel.Error, Message = "Template override {File} does not parse (line {Line}): {Problem}; the built-in {Template} {Part} part is used instead until the file is fixed")]
    private static partial void LogOverrideBroken(ILogger logger, string file, int? line, string problem, string template, string part);

    [LoggerMessage(Level = LogLevel.Error, Message = "Template override {File} failed to render {Template} {Part}: {Problem}; the built-in part is used for this message")]
    private static partial void LogOverrideRenderFailed(ILogger logger, string file, string template, string part, string problem);

    [LoggerMessage(Level = LogLevel.Error, Message = "Template override {File} cannot be read: {Problem}; the built-in part is used")]
    private static partial void LogOverrideUnreadable(ILogger logger, string file, string problem);

    [LoggerMessage(Level = LogLevel.Information, Message = "Template override {File} loaded")]
    private static partial void LogOverrideLoaded(ILogger logger, string file);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Built-in template {File} does not parse (line {Line}): {Problem}")]
    private static partial void LogBuiltInBroken(ILogger logger, string file, int? line, string problem);

    [LoggerMessage(Level = LogLevel.Error, Message = "Template {Template} ({Part}) fails on the sample change: {Problem}")]
    private static partial void LogSampleFailed(ILogger logger, string template, string? part, string problem);

    /// <summary>A render that failed on its template or its limits (not on a caller's cancellation).</summary>
    private sealed class RenderFailedException(string message, Exception inner) : Exception(message, inner);

    private sealed record TemplateFile(string Name, string Part, string? Language, string FileName, bool IsOverride);

    private sealed record OverrideEntry((DateTime, long) Stamp, IFluidTemplate? Template, string? Problem, int? Line)
    {
        public static OverrideEntry None { get; } = new(default, null, null, null);
    }
}
