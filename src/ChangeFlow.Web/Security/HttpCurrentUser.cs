using System.Security.Claims;
using ChangeFlow.Application.Security;

namespace ChangeFlow.Web.Security;

/// <summary>
/// <see cref="ICurrentUser"/> for a request: the cookie's or token's user. Outside a request (jobs, start-up) it is
/// the system: no user id and no roles.
/// </summary>
public sealed class HttpCurrentUser : ICurrentUser
{
    private readonly IHttpContextAccessor _accessor;

    /// <summary>Creates the accessor-backed user.</summary>
    public HttpCurrentUser(IHttpContextAccessor accessor)
    {
        _accessor = accessor;
    }

    /// <inheritdoc />
    public string? UserId => Principal?.GetUserId();

    /// <summary>The signed-in user's e-mail, or null.</summary>
    public string? Email => UserId is null ? null : Principal!.FindFirstValue(ClaimTypes.Email);

    /// <summary>The signed-in user's assignment groups.</summary>
    public IReadOnlyList<string> Groups => UserId is null ? [] : [.. Principal!.FindAll(ChangeFlowAuthentication.GroupClaim).Select(c => c.Value)];

    /// <summary>The signed-in user's roles.</summary>
    public IReadOnlyList<string> Roles => UserId is null ? [] : [.. Principal!.FindAll(ClaimTypes.Role).Select(c => c.Value)];

    private ClaimsPrincipal? Principal => _accessor.HttpContext?.User;

    /// <inheritdoc />
    public bool IsInRole(string role) => UserId is not null && Principal!.IsInRole(role);
}
