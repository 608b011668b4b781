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
/// node's server actually listens on (a wildcard host becomes <c>localhost</c>), said once in the log. That address is
/// known only once Kestrel has bound (with <c>urls=http://127.0.0.1:0</c> it picks the port then), so it is remembered
/// only from then on; anything asking before gets the configured <c>urls</c> (or the default) and nothing is cached.
/// </summary>
internal sealed partial class ServerPublicUrls : IPublicUrls
{
    private readonly IOptions<PublicUrlOptions> _options;
    private readonly IServer _server;
    private readonly IConfiguration _configuration;
    private readonly ILogger<ServerPublicUrls> _logger;
    private Uri? _bound;

    public ServerPublicUrls(IOptions<PublicUrlOptions> options, IServer server, IConfiguration configuration, ILogger<ServerPublicUrls> logger)
    {
        _options = options;
        _server = server;
        _configuration = configuration;
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

            if (_bound is { } known)
            {
                return known;
            }

            // Before Kestrel binds, the feature is empty or holds the configured addresses (port 0 among them).
            if (_server.Features.Get<IServerAddressesFeature>()?.Addresses.Select(Usable).FirstOrDefault(u => u is not null) is { } bound)
            {
                if (Interlocked.CompareExchange(ref _bound, bound, null) is null)
                {
                    LogFallback(_logger, bound);
                }

                return _bound;
            }

            return (_configuration["urls"] ?? ChangeFlowHost.DefaultUrl).Split(';').Select(Usable).FirstOrDefault(u => u is not null)
                ?? new Uri(ChangeFlowHost.DefaultUrl + "/");
        }
    }

    // A listening address as a base address: a wildcard host becomes localhost; port 0 (not bound yet) is no address.
    private static Uri? Usable(string address)
    {
        if (!Uri.TryCreate(address.Trim().Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal), UriKind.Absolute, out var uri) || uri.Port == 0)
        {
            return null;
        }

        var builder = new UriBuilder(uri);
        if (builder.Host is "0.0.0.0" or "[::]" or "::")
        {
            builder.Host = "localhost";
        }

        return PublicUrlOptions.Parse(builder.Uri.AbsoluteUri);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "ChangeFlow:PublicBaseUrl is not set: links in e-mails point to {Address}, this node's own address. Set it to the address users open ChangeFlow at.")]
    private static partial void LogFallback(ILogger logger, Uri address);
}
