using System.Reflection;
using System.Text.Encodings.Web;
using ChangeFlow.Application.Notifications;
using Fluid;

namespace ChangeFlow.Testing;

/// <summary>
/// A test-only <see cref="IMessageTemplates"/> over the built-in template files (the <c>*.liquid</c> resources of
/// ChangeFlow.Application, <c>&lt;name&gt;.subject|html|text.liquid</c>), rendered with Fluid as the service's engine
/// renders them: the HTML part with every value HTML-encoded, the subject trimmed to one line. Tests of features that
/// queue messages use it where the service has no engine registered.
/// </summary>
public sealed class EmbeddedMessageTemplates : IMessageTemplates
{
    private static readonly FluidParser Parser = new();
    private static readonly Assembly Source = typeof(IMessageTemplates).Assembly;
    private readonly Dictionary<string, string> _files;

    /// <summary>Reads the embedded templates once.</summary>
    public EmbeddedMessageTemplates()
    {
        _files = Source.GetManifestResourceNames()
            .Where(n => n.EndsWith(".liquid", StringComparison.Ordinal) && n.Contains(".Templates.", StringComparison.Ordinal))
            .ToDictionary(n => n[(n.LastIndexOf(".Templates.", StringComparison.Ordinal) + ".Templates.".Length)..^".liquid".Length], Read, StringComparer.Ordinal);
    }

    /// <inheritdoc />
    public IReadOnlyCollection<string> Names => [.. _files.Keys.Select(k => k[..k.LastIndexOf('.')]).Distinct(StringComparer.Ordinal)];

    /// <inheritdoc />
    public async ValueTask<RenderedMessage> RenderAsync(string template, IReadOnlyDictionary<string, object?> model, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!Names.Contains(template))
        {
            throw new TemplateException(template, $"No template '{template}'.");
        }

        var subject = await PartAsync(template, "subject", model, NullEncoder.Default);
        return new RenderedMessage(
            string.Join(' ', (subject ?? template).Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)),
            await PartAsync(template, "html", model, HtmlEncoder.Default),
            await PartAsync(template, "text", model, NullEncoder.Default));
    }

    private async Task<string?> PartAsync(string template, string part, IReadOnlyDictionary<string, object?> model, TextEncoder encoder)
    {
        if (!_files.TryGetValue($"{template}.{part}", out var text))
        {
            return null;
        }

        if (!Parser.TryParse(text, out var parsed, out var error))
        {
            throw new TemplateException(template, $"{template}.{part}.liquid does not parse: {error}");
        }

        var context = new TemplateContext(new TemplateOptions { MaxSteps = 100_000 });
        foreach (var (name, value) in model)
        {
            context.SetValue(name, value);
        }

        return await parsed.RenderAsync(context, encoder);
    }

    private static string Read(string resource)
    {
        using var stream = Source.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
