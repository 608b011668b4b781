using ChangeFlow.Application.Incidents;
using ChangeFlow.Persistence.Stores;
using Microsoft.Extensions.DependencyInjection;

namespace ChangeFlow.Persistence;

/// <summary>Registers the stores of incident and problem management and their run-write handler.</summary>
public static class IncidentStoresServiceCollectionExtensions
{
    /// <summary>
    /// Adds the incident and problem stores and the <see cref="IRunWriteHandler"/> that lets workflow runs write
    /// incidents, as singletons. Needs the sequence store (<see cref="ChangeStoresServiceCollectionExtensions.AddChangeFlowChangeStores"/>).
    /// </summary>
    public static IServiceCollection AddChangeFlowIncidentStores(this IServiceCollection services)
    {
        services.AddSingleton<IIncidentStore, EfIncidentStore>();
        services.AddSingleton<IProblemStore, EfProblemStore>();
        foreach (var handler in RunWriteHandlers())
        {
            services.AddSingleton(handler);
        }

        return services;
    }

    /// <summary>The run-write handlers of incident management, for hosts and tests that build the instance store by hand.</summary>
    public static IReadOnlyList<IRunWriteHandler> RunWriteHandlers() => [new IncidentWriteHandler()];
}
