namespace ChangeFlow.Application.Security;

/// <summary>The roles ChangeFlow knows. A user may hold several.</summary>
public static class Roles
{
    public const string Requestor = "Requestor";
    public const string ChangeManager = "ChangeManager";
    public const string CabMember = "CabMember";
    public const string Implementer = "Implementer";
    public const string ServiceDeskAgent = "ServiceDeskAgent";
    public const string Admin = "Admin";

    /// <summary>Every role, in a stable order.</summary>
    public static IReadOnlyList<string> All { get; } = [Requestor, ChangeManager, CabMember, Implementer, ServiceDeskAgent, Admin];
}

/// <summary>A user as other features see it (no secrets).</summary>
/// <param name="Id">The user id.</param>
/// <param name="Email">The sign-in e-mail.</param>
/// <param name="DisplayName">The name shown to people.</param>
/// <param name="Roles">The roles held (see <see cref="Roles"/>).</param>
/// <param name="IsActive">False once deactivated: no sign-in, no new tasks.</param>
/// <param name="Groups">Assignment groups (e.g. <c>lims-team</c>, <c>service-desk-l2</c>) tasks can be routed to.</param>
public sealed record UserInfo(string Id, string Email, string DisplayName, IReadOnlyList<string> Roles, IReadOnlyList<string> Groups, bool IsActive)
{
    /// <summary>The IANA zone the user reads times in (notices show windows in it); null when not set.</summary>
    public string? TimeZoneId { get; init; }

    /// <summary>The culture tag of the user's notices (<c>en-GB</c>, <c>fr-SN</c>); null when not set.</summary>
    public string? Culture { get; init; }
}

/// <summary>Looks users up for task assignment and display.</summary>
public interface IUserDirectory
{
    /// <summary>A user by id or e-mail (case-insensitive), active or not.</summary>
    Task<UserInfo?> FindAsync(string idOrEmail, CancellationToken cancellationToken);

    /// <summary>Active users holding a role, in e-mail order.</summary>
    Task<IReadOnlyList<UserInfo>> ListByRoleAsync(string role, CancellationToken cancellationToken);

    /// <summary>Active members of an assignment group, in e-mail order.</summary>
    Task<IReadOnlyList<UserInfo>> ListByGroupAsync(string group, CancellationToken cancellationToken);
}

/// <summary>Who is calling: the signed-in user or token owner, or the system (timers, start-up).</summary>
public interface ICurrentUser
{
    /// <summary>The user id, or null for the system.</summary>
    string? UserId { get; }

    /// <summary>Whether the caller holds <paramref name="role"/>.</summary>
    bool IsInRole(string role);
}
