using System.ComponentModel.DataAnnotations;
using ChangeFlow.Application.Common;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace ChangeFlow.Web.Hosting;

/// <summary>The address people reach ChangeFlow at (key <c>ChangeFlow:PublicBaseUrl</c>).</summary>
public sealed class PublicUrlOptions : IValidatableObject
{
    /// <summary>The configuration section the key is in.</summary>
    public const string Section = "ChangeFlow";

    /// <summary>
    /// The absolute <c>http</c> or <c>https</c> address users open ChangeFlow at, e.g. <c>https://changeflow.example.org/</c>
    /// (the reverse proxy's address, not a node's); links in e-mails start with it. Set it on every node.
    /// </summary>
    /// <value>The default is none: links use the address this node listens on (fine on one machine, wrong behind a proxy).</value>
    public string? PublicBaseUrl { get; set; }

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrWhiteSpace(PublicBaseUrl) && Parse(PublicBaseUrl) is null)
        {
            yield return new ValidationResult(
                $"ChangeFlow:PublicBaseUrl must be an absolute http or https address without query or fragment, e.g. https://changeflow.example.org/; '{PublicBaseUrl}' is not.",
                [nameof(PublicBaseUrl)]);
        }
    }

    /// <summary>The address with a trailing <c>/</c>, or null when <paramref name="text"/> is not a usable base address.</summary>
    internal static Uri? Parse(string text) =>
        Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
        && string.IsNullOrEmpty(uri.Query) && string.IsNullOrEmpty(uri.Fragment) && string.IsNullOrEmpty(uri.UserInfo)
            ? new Uri(uri.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/")
            : null;
}

/// <summary>
/// <see cref="IPublicUrls"/> from <see cref="PublicUrlOptions.PublicBaseUrl"/>, or else from the first address this
/// node's server listens on (a wildcard host becomes <c>localhost</c>), said once in the log.
/// </summary>
internal sealed partial class ServerPublicUrls : IPublicUrls
{
    private readonly IOptions<PublicUrlOptions> _options;
    private readonly IServer _server;
    private readonly ILogger<ServerPublicUrls> _logger;
    private Uri? _fallback;

    public ServerPublicUrls(IOptions<PublicUrlOptions> options, IServer server, ILogger<ServerPublicUrls> logger)
    {
        _options = options;
        _server = server;
        _logger = logger;
    }

    public Uri BaseUrl
    {
        get
        {
            if (_options.Value.PublicBaseUrl is { Length: > 0 } configured && PublicUrlOptions.Parse(configured) is { } uri)
            {
                return uri;
            }

            if (_fallback is { } known)
            {
                return known;
            }

            var address = _server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? ChangeFlowHost.DefaultUrl;
            var builder = new UriBuilder(address.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal));
            if (builder.Host is "0.0.0.0" or "[::]" or "::")
            {
                builder.Host = "localhost";
            }

            var fallback = PublicUrlOptions.Parse(builder.Uri.AbsoluteUri) ?? new Uri(ChangeFlowHost.DefaultUrl + "/");
            if (Interlocked.CompareExchange(ref _fallback, fallback, null) is null)
            {
                LogFallback(_logger, fallback);
            }

            return _fallback;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "ChangeFlow:PublicBaseUrl is not set: links in e-mails point to {Address}, this node's own address. Set it to the address users open ChangeFlow at.")]
    private static partial void LogFallback(ILogger logger, Uri address);
}
