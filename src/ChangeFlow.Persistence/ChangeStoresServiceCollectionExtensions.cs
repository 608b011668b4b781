using ChangeFlow.Application.Changes;
using ChangeFlow.Application.Common;
using ChangeFlow.Application.Improvement;
using ChangeFlow.Application.Notifications;
using ChangeFlow.Application.Tasks;
using ChangeFlow.Persistence.Stores;
using Microsoft.Extensions.DependencyInjection;

namespace ChangeFlow.Persistence;

/// <summary>Registers the stores of change enablement and the run-write handlers that let activities write through them.</summary>
public static class ChangeStoresServiceCollectionExtensions
{
    /// <summary>
    /// Adds the change, sequence, timeline, human task, reference and improvement stores, the outbox, and every
    /// <see cref="IRunWriteHandler"/> the instance store applies in a run's commit, as singletons. Needs a registered
    /// <c>IDbContextFactory&lt;ChangeFlowDbContext&gt;</c>.
    /// </summary>
    public static IServiceCollection AddChangeFlowChangeStores(this IServiceCollection services)
    {
        services.AddSingleton<ISequenceStore, EfSequenceStore>();
        services.AddSingleton<IChangeStore, EfChangeStore>();
        services.AddSingleton<ITimelineStore, EfTimelineStore>();
        services.AddSingleton<IHumanTaskStore, EfHumanTaskStore>();
        services.AddSingleton<IReferenceStore, EfReferenceStore>();
        services.AddSingleton<IImprovementStore, EfImprovementStore>();
        services.AddSingleton<IOutbox, EfOutbox>();
        foreach (var handler in RunWriteHandlers())
        {
            services.AddSingleton(handler);
        }

        return services;
    }

    /// <summary>One of each run-write handler of change enablement, for hosts and tests that build the instance store by hand.</summary>
    public static IReadOnlyList<IRunWriteHandler> RunWriteHandlers() =>
    [
        new ChangeWriteHandler(),
        new TimelineWriteHandler(),
        new TaskCreateWriteHandler(),
        new TaskCloseWriteHandler(),
        new ImprovementWriteHandler(),
        new OutboxWriteHandler(),
        new OutboxCancelWriteHandler(),
        new Security.IdempotencySealWriteHandler(),
    ];
}
