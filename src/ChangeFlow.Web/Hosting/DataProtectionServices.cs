using ChangeFlow.Persistence;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;

namespace ChangeFlow.Web.Hosting;

/// <summary>
/// Data Protection (which encrypts sign-in cookies, antiforgery tokens and Blazor circuit state) keeps its key ring in
/// ChangeFlow's database instead of the machine's home directory. Every node on one database then reads what another
/// node wrote, and a redeployed container does not sign everyone out.
/// </summary>
public static class DataProtectionServices
{
    /// <summary>The application name every node shares: keys are isolated per application name.</summary>
    public const string ApplicationName = "ChangeFlow";

    /// <summary>Registers Data Protection with its keys in <see cref="ChangeFlowDbContext.DataProtectionKeys"/>.</summary>
    public static IServiceCollection AddChangeFlowDataProtection(this IServiceCollection services)
    {
        // The key repository asks for the context in a scope of its own; the rest of ChangeFlow uses the pooled factory.
        services.AddScoped(sp => sp.GetRequiredService<IDbContextFactory<ChangeFlowDbContext>>().CreateDbContext());
        services.AddDataProtection()
            .SetApplicationName(ApplicationName)
            .PersistKeysToDbContext<ChangeFlowDbContext>();
        return services;
    }
}
