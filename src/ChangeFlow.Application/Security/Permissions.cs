namespace ChangeFlow.Application.Security;

/// <summary>
/// Who may do what, once: each permission is the roles that hold it (a user needs any one of them). The API's
/// authorization policies, the application services and the pages all read this table, so a rule is written once.
/// </summary>
public static class Permissions
{
    /// <summary>Administration: users, other people's tokens, the outbox, incident configuration, the Hangfire dashboard.</summary>
    public static IReadOnlyList<string> Administration { get; } = [Roles.Admin];

    /// <summary>Change management: workflow definitions and instances, routing, CAB boards, acting on any change.</summary>
    public static IReadOnlyList<string> ChangeManagement { get; } = [Roles.ChangeManager, Roles.Admin];

    /// <summary>Looking people up in the user directory.</summary>
    public static IReadOnlyList<string> UserDirectory { get; } = [Roles.ChangeManager, Roles.Admin];

    /// <summary>Submitting changes.</summary>
    public static IReadOnlyList<string> SubmitChanges { get; } = [Roles.Requestor, Roles.ServiceDeskAgent, Roles.ChangeManager, Roles.Admin];

    /// <summary>Voting on changes (administrators are not voters by role).</summary>
    public static IReadOnlyList<string> CabVoting { get; } = [Roles.CabMember, Roles.ChangeManager];

    /// <summary>Reporting implementation steps and validating.</summary>
    public static IReadOnlyList<string> Implementation { get; } = [Roles.Implementer, Roles.ChangeManager, Roles.Admin];

    /// <summary>Service desk work: incidents, problems, metrics, alerts.</summary>
    public static IReadOnlyList<string> ServiceDesk { get; } = [Roles.ServiceDeskAgent, Roles.ChangeManager, Roles.Admin];

    /// <summary>Whether <paramref name="roles"/> hold <paramref name="permission"/>.</summary>
    public static bool Grants(IReadOnlyList<string> permission, IEnumerable<string>? roles)
    {
        ArgumentNullException.ThrowIfNull(permission);
        return roles is not null && roles.Any(permission.Contains);
    }
}
