using System.ComponentModel.DataAnnotations;
using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace ChangeFlow.Web.Hosting;

/// <summary>
/// The reverse proxies ChangeFlow believes (section <c>ChangeFlow:Proxy</c>): from them, and only from them,
/// <c>X-Forwarded-For</c> gives the client's address (sign-in throttling counts by it) and <c>X-Forwarded-Proto</c>
/// the scheme the client used (an <c>https</c> request gets a <c>Secure</c> cookie). Anyone else's headers are ignored.
/// </summary>
public sealed class ProxyOptions : IValidatableObject
{
    /// <summary>The configuration section.</summary>
    public const string Section = "ChangeFlow:Proxy";

    /// <summary>Trust a proxy on the same machine (requests from <c>127.0.0.1</c> or <c>::1</c>).</summary>
    /// <value>The default is true.</value>
    public bool TrustLoopback { get; set; } = true;

    /// <summary>Addresses of further trusted proxies, e.g. <c>10.0.0.5</c>.</summary>
    /// <value>The default is none.</value>
    public string[] TrustedProxies { get; set; } = [];

    /// <summary>Networks of trusted proxies in CIDR notation, e.g. <c>172.18.0.0/16</c> for a Docker network.</summary>
    /// <value>The default is none.</value>
    public string[] TrustedNetworks { get; set; } = [];

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        for (var i = 0; i < TrustedProxies.Length; i++)
        {
            if (!IPAddress.TryParse(TrustedProxies[i], out _))
            {
                yield return new ValidationResult($"{Section}:TrustedProxies:{i}: '{TrustedProxies[i]}' is not an IP address such as 10.0.0.5.", [nameof(TrustedProxies)]);
            }
        }

        for (var i = 0; i < TrustedNetworks.Length; i++)
        {
            if (!System.Net.IPNetwork.TryParse(TrustedNetworks[i], out _))
            {
                yield return new ValidationResult($"{Section}:TrustedNetworks:{i}: '{TrustedNetworks[i]}' is not a network such as 172.18.0.0/16.", [nameof(TrustedNetworks)]);
            }
        }
    }
}

/// <summary>Running behind a TLS reverse proxy: forwarded headers from trusted proxies only.</summary>
public static class ProxyServices
{
    /// <summary>Registers <see cref="ProxyOptions"/> (validated at start-up) and the forwarded-headers settings made from them.</summary>
    public static IServiceCollection AddChangeFlowProxies(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ProxyOptions>().Bind(configuration.GetSection(ProxyOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<ProxyOptions>>((forwarded, proxies) =>
        {
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            forwarded.KnownProxies.Clear();
            forwarded.KnownIPNetworks.Clear();
            if (proxies.Value.TrustLoopback)
            {
                forwarded.KnownProxies.Add(IPAddress.Loopback);
                forwarded.KnownProxies.Add(IPAddress.IPv6Loopback);
            }

            foreach (var address in proxies.Value.TrustedProxies)
            {
                forwarded.KnownProxies.Add(IPAddress.Parse(address));
            }

            foreach (var network in proxies.Value.TrustedNetworks)
            {
                forwarded.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
            }
        });
        return services;
    }

    /// <summary>Applies the trusted proxies' forwarded headers; the first middleware, so everything after sees the client's address and scheme.</summary>
    public static IApplicationBuilder UseChangeFlowForwardedHeaders(this IApplicationBuilder app) => app.UseForwardedHeaders();
}
