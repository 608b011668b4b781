using ChangeFlow.Application.Notifications;
using ChangeFlow.Persistence.Stores;
using Microsoft.Extensions.DependencyInjection;

namespace ChangeFlow.Persistence;

/// <summary>Registers the stores of mail delivery.</summary>
public static class MailStoresServiceCollectionExtensions
{
    /// <summary>
    /// Adds the outbox's delivery side (claims, re-checks, outcomes) and the delivery-failure records, as singletons.
    /// Needs a registered <c>IDbContextFactory&lt;ChangeFlowDbContext&gt;</c>.
    /// </summary>
    public static IServiceCollection AddChangeFlowMailStores(this IServiceCollection services)
    {
        services.AddSingleton<IOutboxDeliveryStore, EfOutboxDelivery>();
        services.AddSingleton<IDeliveryFailureStore, EfDeliveryFailureStore>();
        return services;
    }
}
