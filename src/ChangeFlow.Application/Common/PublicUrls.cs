namespace ChangeFlow.Application.Common;

/// <summary>
/// The address people reach ChangeFlow at (<c>ChangeFlow:PublicBaseUrl</c>, e.g. <c>https://changeflow.example.org/</c>),
/// for the links ChangeFlow writes into e-mails. Behind a reverse proxy it is the proxy's address, not the node's.
/// </summary>
public interface IPublicUrls
{
    /// <summary>The base address, absolute, ending with <c>/</c>.</summary>
    Uri BaseUrl { get; }
}

/// <summary>Links under <see cref="IPublicUrls.BaseUrl"/>.</summary>
public static class PublicUrlsExtensions
{
    /// <summary>The absolute address of <paramref name="relativePath"/> (no leading <c>/</c>, already escaped).</summary>
    public static Uri Link(this IPublicUrls urls, string relativePath)
    {
        ArgumentNullException.ThrowIfNull(urls);
        ArgumentNullException.ThrowIfNull(relativePath);
        return new Uri(urls.BaseUrl, relativePath.TrimStart('/'));
    }

    /// <summary>Where a change is shown: today its API resource (<c>api/changes/RFC-2026-014</c>), readable when signed in.</summary>
    public static Uri Change(this IPublicUrls urls, string number) => urls.Link("api/changes/" + Uri.EscapeDataString(number));
}
