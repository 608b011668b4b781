using System.Text.Encodings.Web;
using ChangeFlow.Application.Security;
using ChangeFlow.Persistence;
using ChangeFlow.Web.Hosting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace ChangeFlow.Web.Security;

/// <summary>
/// Authenticates <c>Authorization: Bearer &lt;token&gt;</c> against the stored hashes of personal API tokens.
/// Challenges and refusals are RFC 9457 problems, with <c>WWW-Authenticate: Bearer</c> on 401 (RFC 6750).
/// </summary>
internal sealed class BearerTokenHandler : AuthenticationHandler<AuthenticationSchemeOptions>
{
    private const string Prefix = "Bearer ";
    private static readonly object StorageFailureKey = new();
    private readonly UserService _users;

    public BearerTokenHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, UserService users)
        : base(options, logger, encoder)
    {
        _users = users;
    }

    /// <summary>Whether a request carries a bearer token (the default scheme then forwards here).</summary>
    public static bool HasBearer(HttpRequest request) =>
        request.Headers.Authorization.ToString().StartsWith(Prefix, StringComparison.OrdinalIgnoreCase);

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }

        TokenAuthentication? authentication;
        try
        {
            authentication = await _users.AuthenticateTokenAsync(header[Prefix.Length..].Trim(), Context.RequestAborted);
        }
#pragma warning disable CA1031 // Any store failure: the token is unchecked, not the request broken.
        catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
        {
            // The authorization middleware authenticates even for anonymous endpoints; with the database down,
            // /health/ready must still answer its 503 instead of failing here.
            Logger.LogWarning(ex, "An API token could not be checked.");
            if (StorageFailure.IsUnavailable(ex))
            {
                // An endpoint that needs the caller answers 503 for this (see HandleChallengeAsync), not 401.
                Context.Items[StorageFailureKey] = ex;
            }

            return AuthenticateResult.Fail("The token could not be checked now; try again.");
        }

        if (authentication is null)
        {
            return AuthenticateResult.Fail("The token is unknown, revoked or expired, or its user is deactivated.");
        }

        var principal = ChangeFlowAuthentication.CreatePrincipal(authentication.User, Scheme.Name, authentication.Token.Id);
        return AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme.Name));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (Context.Items[StorageFailureKey] is Exception storageFailure)
        {
            await StorageUnavailableHandler.WriteAsync(Context, storageFailure);
            return;
        }

        var result = await HandleAuthenticateOnceSafeAsync();
        Response.Headers.WWWAuthenticate = result.Failure is null ? "Bearer" : "Bearer error=\"invalid_token\"";
        await AuthProblems.WriteAsync(Context, StatusCodes.Status401Unauthorized, result.Failure?.Message);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        AuthProblems.WriteAsync(Context, StatusCodes.Status403Forbidden, null);
}

/// <summary>The problem bodies of authentication challenges and refusals.</summary>
internal static class AuthProblems
{
    public static async Task WriteAsync(HttpContext context, int status, string? detail)
    {
        context.Response.StatusCode = status;
        var problem = new Microsoft.AspNetCore.Mvc.ProblemDetails
        {
            Status = status,
            Title = status == StatusCodes.Status401Unauthorized ? "Authentication required" : "Forbidden",
            Detail = detail ?? (status == StatusCodes.Status401Unauthorized
                ? "Sign in (POST /api/auth/login) or send Authorization: Bearer <API token>."
                : "Your roles do not allow this."),
            Type = $"https://httpstatuses.io/{status}",
        };
        var service = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        if (!await service.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem }))
        {
            await context.Response.WriteAsJsonAsync(problem, (System.Text.Json.JsonSerializerOptions?)null, "application/problem+json");
        }
    }
}
