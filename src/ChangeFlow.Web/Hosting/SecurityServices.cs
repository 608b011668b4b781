using ChangeFlow.Application.Security;
using ChangeFlow.Persistence.Security;
using ChangeFlow.Web.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;

namespace ChangeFlow.Web.Hosting;

/// <summary>Users, sign-in (cookie and bearer token), authorization policies and idempotency keys.</summary>
public static partial class SecurityServices
{
    /// <summary>Registers the security options, stores, services, authentication schemes and policies.</summary>
    public static IServiceCollection AddChangeFlowSecurity(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<BootstrapOptions>().Bind(configuration.GetSection(BootstrapOptions.Section));
        services.AddOptions<SecurityOptions>().Bind(configuration.GetSection(SecurityOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<IdempotencyOptions>().Bind(configuration.GetSection(IdempotencyOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        var security = configuration.GetSection(SecurityOptions.Section).Get<SecurityOptions>() ?? new SecurityOptions();
        services.AddChangeFlowProxies(configuration);

        services.AddSingleton<EfUserStore>();
        services.AddSingleton<IUserStore>(sp => sp.GetRequiredService<EfUserStore>());
        services.AddSingleton<IUserDirectory>(sp => sp.GetRequiredService<EfUserStore>());
        services.AddSingleton<IApiTokenStore, EfApiTokenStore>();
        services.AddSingleton<IIdempotencyStore, EfIdempotencyStore>();
        services.AddSingleton<UserService>();
        services.AddSingleton<CalendarFeeds>();
        services.AddSingleton<IdempotencyService>();
        services.AddHostedService<IdempotencyPurger>();
        services.AddHttpContextAccessor();
        services.AddScoped<HttpCurrentUser>();
        services.AddScoped<ICurrentUser>(sp => sp.GetRequiredService<HttpCurrentUser>());

        services.AddAuthentication(ChangeFlowAuthentication.Scheme)
            .AddPolicyScheme(ChangeFlowAuthentication.Scheme, "Cookie or bearer token", o =>
                o.ForwardDefaultSelector = context => BearerTokenHandler.HasBearer(context.Request)
                    ? ChangeFlowAuthentication.BearerScheme
                    : ChangeFlowAuthentication.CookieScheme)
            .AddScheme<AuthenticationSchemeOptions, BearerTokenHandler>(ChangeFlowAuthentication.BearerScheme, null)
            .AddCookie(ChangeFlowAuthentication.CookieScheme, o =>
            {
                o.Cookie.Name = ChangeFlowAuthentication.CookieName;
                o.Cookie.HttpOnly = true;

                // Strict: the browser never sends the cookie on a request another site starts, the first CSRF defence of
                // the cookie-authenticated JSON API; CrossSiteRequestGuard checks Origin and the JSON body on the server too.
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.Cookie.SecurePolicy = SecurePolicy(security, configuration);
                o.ExpireTimeSpan = security.SessionLifetime;
                o.SlidingExpiration = true;
                // No sign-in page exists yet: a browser asked to sign in lands on the home page, which says how (and is anonymous,
                // so the redirect cannot loop).
                o.LoginPath = Pages.HomePage.Path;
                o.Events.OnRedirectToLogin = context => Refuse(context, StatusCodes.Status401Unauthorized);
                o.Events.OnRedirectToAccessDenied = context => Refuse(context, StatusCodes.Status403Forbidden);
                o.Events.OnValidatePrincipal = RefreshPrincipalAsync;
            });
        services.AddAuthorization(Policies.Configure);
        return services;
    }

    /// <summary>
    /// Adds the cross-site check of cookie-signed requests (<see cref="CrossSiteRequestGuard"/>), authentication,
    /// authorization and <c>Idempotency-Key</c> handling to the pipeline, in that order.
    /// </summary>
    public static IApplicationBuilder UseChangeFlowSecurity(this IApplicationBuilder app)
    {
        app.UseMiddleware<CrossSiteRequestGuard>();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseMiddleware<IdempotencyMiddleware>();
        return app;
    }

    /// <summary>
    /// On first start, creates the administrator (<see cref="BootstrapOptions"/>). A generated password is written to
    /// the log this once; configured secrets never are.
    /// </summary>
    public static async Task BootstrapSecurityAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        var options = services.GetRequiredService<IOptions<BootstrapOptions>>().Value;
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("ChangeFlow.Security");
        var result = await services.GetRequiredService<UserService>().BootstrapAsync(options, cancellationToken);
        if (!result.Created)
        {
            return;
        }

        if (result.GeneratedPassword is { } password)
        {
            LogGeneratedPassword(logger, result.AdminEmail!, password);
        }
        else
        {
            LogConfiguredAdmin(logger, result.AdminEmail!);
        }

        if (result.TokenRegistered)
        {
            LogTokenRegistered(logger, result.AdminEmail!);
        }
    }

    // Secure whenever users reach the service over HTTPS: configured so, PublicBaseUrl (the address they open) is https,
    // or the request came over HTTPS (directly or, per X-Forwarded-Proto, through a trusted proxy).
    private static CookieSecurePolicy SecurePolicy(SecurityOptions security, IConfiguration configuration) =>
        security.SecureCookie
        || (configuration[$"{PublicUrlOptions.Section}:{nameof(PublicUrlOptions.PublicBaseUrl)}"] is { Length: > 0 } url && PublicUrlOptions.Parse(url)?.Scheme == Uri.UriSchemeHttps)
            ? CookieSecurePolicy.Always
            : CookieSecurePolicy.SameAsRequest;

    // API paths (and the dashboard) answer 401/403 problems; other paths are the browser's: one that needs a sign-in goes
    // to the home page, one the user may not see answers 403 (there is no access-denied page).
    private static Task Refuse(RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        var path = context.Request.Path;
        if (path.StartsWithSegments("/api") || path.StartsWithSegments("/hangfire") || status != StatusCodes.Status401Unauthorized)
        {
            return AuthProblems.WriteAsync(context.HttpContext, status, null);
        }

        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }

    // A cookie is refused once its user is deactivated or their security stamp changed (sign-out, password, roles,
    // deactivation: see UserService.UpdateAsync); other changes (display name, groups) are picked up, as the claims
    // carry the user's version. What the user looks like is read at most once per SessionCheckInterval per node.
    private static async Task RefreshPrincipalAsync(CookieValidatePrincipalContext context)
    {
        var id = context.Principal?.GetUserId();
        var user = id is null ? null : await context.HttpContext.RequestServices.GetRequiredService<UserService>().FindForSessionAsync(id, context.HttpContext.RequestAborted);
        var stamp = context.Principal?.FindFirst(ChangeFlowAuthentication.StampClaim)?.Value;
        if (user is not { IsActive: true } || string.IsNullOrEmpty(stamp) || !string.Equals(stamp, user.SecurityStamp, StringComparison.Ordinal))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(ChangeFlowAuthentication.CookieScheme);
            return;
        }

        var version = context.Principal!.FindFirst(ChangeFlowAuthentication.VersionClaim)?.Value;
        if (version != user.Version.ToString(System.Globalization.CultureInfo.InvariantCulture))
        {
            context.ReplacePrincipal(ChangeFlowAuthentication.CreatePrincipal(user, ChangeFlowAuthentication.CookieScheme));
            context.ShouldRenew = true;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "First start: created the administrator {Email} with the generated password {Password} . It is shown only this once: sign in and change it (POST /api/users/me/password).")]
    private static partial void LogGeneratedPassword(ILogger logger, string email, string password);

    [LoggerMessage(Level = LogLevel.Information, Message = "First start: created the administrator {Email} with the configured password.")]
    private static partial void LogConfiguredAdmin(ILogger logger, string email);

    [LoggerMessage(Level = LogLevel.Information, Message = "First start: registered ChangeFlow:Bootstrap:AdminApiToken as an API token of {Email}.")]
    private static partial void LogTokenRegistered(ILogger logger, string email);
}
