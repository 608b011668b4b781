namespace ChangeFlow.Application.Notifications;

/// <summary>A message rendered from a template: its subject and its HTML and plain-text parts.</summary>
public sealed record RenderedMessage(string Subject, string? HtmlBody, string? TextBody);

/// <summary>
/// Renders message templates by name (e.g. <c>maintenance-notice</c>, <c>approval-request</c>). Each template has a
/// subject, an HTML and a plain-text part; a file in the data directory's <c>templates</c> folder overrides the
/// built-in one of the same name, so operators can reword messages without a release.
/// </summary>
public interface IMessageTemplates
{
    /// <summary>The names of the templates that exist (built-in or overridden).</summary>
    IReadOnlyCollection<string> Names { get; }

    /// <summary>
    /// Renders <paramref name="template"/> with <paramref name="model"/> (values are strings, numbers, booleans,
    /// instants, nested dictionaries and lists). An unknown template or a template error throws
    /// <see cref="TemplateException"/> naming the template and the part.
    /// </summary>
    ValueTask<RenderedMessage> RenderAsync(string template, IReadOnlyDictionary<string, object?> model, CancellationToken cancellationToken);
}

/// <summary>A template that does not exist or does not parse or render.</summary>
public sealed class TemplateException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TemplateException(string template, string message, Exception? inner = null)
        : base(message, inner)
    {
        Template = template;
    }

    /// <summary>Creates the exception for one part of a template, at a line when it is known.</summary>
    /// <param name="template">The template's name.</param>
    /// <param name="part">The part: <c>subject</c>, <c>html</c> or <c>text</c>.</param>
    /// <param name="line">The 1-based line of the problem, when the parser or renderer says.</param>
    /// <param name="message">What is wrong, for the operator who edits the file.</param>
    /// <param name="inner">The underlying error.</param>
    public TemplateException(string template, string part, int? line, string message, Exception? inner = null)
        : base(message, inner)
    {
        Template = template;
        Part = part;
        Line = line;
    }

    /// <summary>Creates the exception without a template name.</summary>
    public TemplateException()
    {
        Template = "";
    }

    /// <summary>Creates the exception without a template name.</summary>
    public TemplateException(string message)
        : base(message)
    {
        Template = "";
    }

    /// <summary>Creates the exception without a template name.</summary>
    public TemplateException(string message, Exception inner)
        : base(message, inner)
    {
        Template = "";
    }

    /// <summary>The template's name.</summary>
    public string Template { get; }

    /// <summary>The part (<c>subject</c>, <c>html</c>, <c>text</c>), when the problem is in one.</summary>
    public string? Part { get; }

    /// <summary>The 1-based line in that part, when known.</summary>
    public int? Line { get; }
}
