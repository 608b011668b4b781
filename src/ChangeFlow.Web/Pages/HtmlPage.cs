using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;

namespace ChangeFlow.Web.Pages;

/// <summary>
/// A small server-rendered HTML page: every piece of text goes through <see cref="HtmlEncoder.Default"/>, markup is
/// only what the code writes. The page has no scripts and no external assets (its one stylesheet is inline and allowed
/// by hash), so its Content-Security-Policy allows nothing else.
/// </summary>
internal sealed class HtmlPage
{
    private const string Css = """
        body{margin:0;background:#f4f5f7;color:#1f2328;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Helvetica,Arial,sans-serif}
        main{max-width:640px;margin:32px auto;padding:24px 28px;background:#fff;border:1px solid #d0d7de;border-radius:6px}
        .brand{margin:0 0 4px;font-size:13px;color:#57606a}
        h1{margin:0 0 12px;font-size:22px;line-height:1.3}
        h2{margin:20px 0 8px;font-size:16px}
        .lead{font-size:17px}
        .ok{border-left:4px solid #1f883d;padding-left:12px}
        .problem{border-left:4px solid #cf222e;padding-left:12px}
        dl{display:grid;grid-template-columns:10em 1fr;gap:6px 12px;margin:0;font-size:15px}
        dt{color:#57606a}
        dd{margin:0}
        ul,ol{margin:0;padding-left:20px}
        form{margin-top:20px}
        label{display:block;font-weight:600;margin-bottom:6px}
        textarea{width:100%;box-sizing:border-box;font:inherit;padding:8px;border:1px solid #8c959f;border-radius:6px}
        textarea[aria-invalid=true]{border-color:#cf222e}
        .error{color:#cf222e;font-weight:600}
        button{margin-top:14px;font:inherit;font-weight:600;color:#fff;border:0;border-radius:6px;padding:10px 22px;cursor:pointer}
        .approve{background:#1f883d}
        .reject{background:#cf222e}
        .note{margin-top:20px;font-size:13px;color:#57606a}
        """;

    private static readonly string CssHash = Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(Css)));

    private readonly StringBuilder _body = new();

    /// <summary>The Content-Security-Policy of every page: nothing but the inline stylesheet and forms to this site.</summary>
    public static string ContentSecurityPolicy { get; } =
        $"default-src 'none'; style-src 'sha256-{CssHash}'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    /// <summary>Encodes <paramref name="text"/> for HTML text or a quoted attribute value.</summary>
    public static string Encode(string? text) => HtmlEncoder.Default.Encode(text ?? string.Empty);

    /// <summary>Appends markup written by the code (never user or stored text).</summary>
    public HtmlPage Markup(string markup)
    {
        _body.Append(markup);
        return this;
    }

    /// <summary>Appends an element holding encoded text, e.g. <c>Element("h1", title)</c>.</summary>
    public HtmlPage Element(string tag, string? text, string? cssClass = null, string? attributes = null)
    {
        _body.Append('<').Append(tag);
        if (cssClass is not null)
        {
            _body.Append(" class=\"").Append(cssClass).Append('"');
        }

        if (attributes is not null)
        {
            _body.Append(' ').Append(attributes);
        }

        _body.Append('>').Append(Encode(text)).Append("</").Append(tag).Append('>');
        return this;
    }

    /// <summary>A fact whose items are shown as a numbered list.</summary>
    public sealed record Steps(IReadOnlyList<string> Items);

    /// <summary>
    /// Appends a definition list of the pairs whose value is not empty; a list of strings becomes a bulleted list,
    /// <see cref="Steps"/> a numbered one.
    /// </summary>
    public HtmlPage Facts(IEnumerable<(string Label, object? Value)> facts)
    {
        _body.Append("<dl>");
        foreach (var (label, value) in facts)
        {
            switch (value)
            {
                case string text when !string.IsNullOrWhiteSpace(text):
                    _body.Append("<dt>").Append(Encode(label)).Append("</dt><dd>").Append(Encode(text)).Append("</dd>");
                    break;
                case Steps { Items.Count: > 0 } steps:
                    List(label, "ol", steps.Items);
                    break;
                case IReadOnlyList<string> { Count: > 0 } items:
                    List(label, "ul", items);
                    break;
            }
        }

        _body.Append("</dl>");
        return this;
    }

    private void List(string label, string tag, IReadOnlyList<string> items)
    {
        _body.Append("<dt>").Append(Encode(label)).Append("</dt><dd><").Append(tag).Append('>');
        foreach (var item in items)
        {
            _body.Append("<li>").Append(Encode(item)).Append("</li>");
        }

        _body.Append("</").Append(tag).Append("></dd>");
    }

    /// <summary>The whole document.</summary>
    public string Render(string title) =>
        $"""
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="robots" content="noindex, nofollow">
        <meta name="referrer" content="no-referrer">
        <title>{Encode(title)} · ChangeFlow</title>
        <style>{Css}</style>
        </head>
        <body>
        <main>
        <p class="brand">ChangeFlow</p>
        {_body}
        </main>
        </body>
        </html>
        """;

    /// <summary>
    /// Writes <paramref name="html"/> with <paramref name="status"/> and the headers every link page needs: no caching,
    /// no referrer (the address holds a link token), not indexed, not framed, nothing but this page's own content.
    /// </summary>
    public static Task WriteAsync(HttpContext context, int status, string html)
    {
        ArgumentNullException.ThrowIfNull(context);
        var response = context.Response;
        response.StatusCode = status;
        response.ContentType = "text/html; charset=utf-8";
        var headers = response.Headers;
        headers.CacheControl = "no-store";
        headers.Pragma = "no-cache";
        headers["Referrer-Policy"] = "no-referrer";
        headers["X-Robots-Tag"] = "noindex, nofollow";
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        return response.WriteAsync(html, context.RequestAborted);
    }
}
