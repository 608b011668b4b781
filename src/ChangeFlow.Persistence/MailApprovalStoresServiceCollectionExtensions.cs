using ChangeFlow.Application.Approvals;
using ChangeFlow.Persistence.Stores;
using Microsoft.Extensions.DependencyInjection;

namespace ChangeFlow.Persistence;

/// <summary>Registers the stores of approve by e-mail.</summary>
public static class MailApprovalStoresServiceCollectionExtensions
{
    /// <summary>
    /// Adds the link-signing key store, the redemption store and the run-write handler that records a link's use with
    /// the completion, as singletons. Needs a registered <c>IDbContextFactory&lt;ChangeFlowDbContext&gt;</c>.
    /// </summary>
    public static IServiceCollection AddChangeFlowMailApprovalStores(this IServiceCollection services)
    {
        services.AddSingleton<EfMailLinkStore>();
        services.AddSingleton<IMailLinkKeyStore>(sp => sp.GetRequiredService<EfMailLinkStore>());
        services.AddSingleton<IMailLinkRedemptionStore>(sp => sp.GetRequiredService<EfMailLinkStore>());
        services.AddSingleton<IRunWriteHandler>(new MailLinkRedemptionWriteHandler());
        return services;
    }
}
