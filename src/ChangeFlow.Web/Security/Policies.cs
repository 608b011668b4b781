using ChangeFlow.Application.Security;
using Microsoft.AspNetCore.Authorization;

namespace ChangeFlow.Web.Security;

/// <summary>
/// Every authorization rule of the API, by name, in one place. Endpoints say <c>.RequireAuthorization(Policies.X)</c>;
/// an endpoint that says nothing still needs a signed-in user (the fallback policy), and anonymous endpoints say
/// <c>.AllowAnonymous()</c> explicitly (health, OpenAPI document, sign-in).
/// </summary>
public static class Policies
{
    /// <summary>Any signed-in, active user (cookie or API token).</summary>
    public const string Authenticated = nameof(Authenticated);

    /// <summary>Administrators: users, tokens of others, the Hangfire dashboard.</summary>
    public const string Admin = nameof(Admin);

    /// <summary>Change managers and administrators: workflow definitions, instances, stimuli, routing, CAB boards.</summary>
    public const string ChangeManagement = nameof(ChangeManagement);

    /// <summary>Who may look people up (the user directory): change managers and administrators.</summary>
    public const string UserDirectory = nameof(UserDirectory);

    /// <summary>Who may submit a change: requestors, service desk agents, change managers and administrators.</summary>
    public const string SubmitChanges = nameof(SubmitChanges);

    /// <summary>Who may vote on a change: CAB members and change managers (administrators are not voters by role).</summary>
    public const string CabVoting = nameof(CabVoting);

    /// <summary>Who may report implementation steps and validate: implementers, change managers and administrators.</summary>
    public const string Implementation = nameof(Implementation);

    /// <summary>Service desk work (incidents, requests): service desk agents, change managers and administrators.</summary>
    public const string ServiceDesk = nameof(ServiceDesk);

    /// <summary>The roles each role-based policy admits: the application's permission table (<see cref="Permissions"/>).</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> RolesByPolicy { get; } = new Dictionary<string, IReadOnlyList<string>>
    {
        [Admin] = Permissions.Administration,
        [ChangeManagement] = Permissions.ChangeManagement,
        [UserDirectory] = Permissions.UserDirectory,
        [SubmitChanges] = Permissions.SubmitChanges,
        [CabVoting] = Permissions.CabVoting,
        [Implementation] = Permissions.Implementation,
        [ServiceDesk] = Permissions.ServiceDesk,
    };

    /// <summary>Registers the policies and makes a signed-in user the rule for endpoints that state none.</summary>
    public static void Configure(AuthorizationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var authenticated = new AuthorizationPolicyBuilder(ChangeFlowAuthentication.Scheme).RequireAuthenticatedUser().Build();
        options.AddPolicy(Authenticated, authenticated);
        options.DefaultPolicy = authenticated;
        options.FallbackPolicy = authenticated;
        foreach (var (name, roles) in RolesByPolicy)
        {
            options.AddPolicy(name, p => p.AddAuthenticationSchemes(ChangeFlowAuthentication.Scheme).RequireAuthenticatedUser().RequireRole(roles));
        }
    }
}
