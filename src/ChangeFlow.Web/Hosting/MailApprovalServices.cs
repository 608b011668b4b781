using ChangeFlow.Application.Approvals;
using ChangeFlow.Application.Changes;
using ChangeFlow.Application.Changes.Catalog;
using ChangeFlow.Application.Common;
using ChangeFlow.Application.Notifications;
using ChangeFlow.Application.Security;
using ChangeFlow.Application.Tasks;
using ChangeFlow.Persistence;
using Microsoft.Extensions.Options;

namespace ChangeFlow.Web.Hosting;

/// <summary>Approve by e-mail: options, the public address, link signing, the approval mailer and the link pages' use case.</summary>
public static class MailApprovalServices
{
    /// <summary>
    /// Registers <see cref="MailApprovalOptions"/> and <see cref="PublicUrlOptions"/> (validated at start-up), the
    /// stores, <see cref="MailLinkKeyRing"/>, <see cref="ApprovalLinks"/>, <see cref="ApprovalMailer"/> (which writes
    /// nothing until an <see cref="IMessageTemplates"/> is registered), <see cref="ApprovalReassignmentMailer"/> and
    /// <see cref="MailApprovalService"/>.
    /// </summary>
    public static IServiceCollection AddChangeFlowMailApproval(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<MailApprovalOptions>().Bind(configuration.GetSection(MailApprovalOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<PublicUrlOptions>().Bind(configuration.GetSection(PublicUrlOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IPublicUrls, ServerPublicUrls>();
        services.AddChangeFlowMailApprovalStores();
        services.AddSingleton(sp => new MailLinkKeyRing(sp.GetRequiredService<IMailLinkKeyStore>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new ApprovalLinks(
            sp.GetRequiredService<MailLinkKeyRing>(),
            sp.GetRequiredService<IPublicUrls>(),
            sp.GetRequiredService<IOptions<MailApprovalOptions>>(),
            sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new ApprovalMailer(
            sp.GetRequiredService<ApprovalLinks>(),
            sp.GetRequiredService<IUserDirectory>(),
            sp.GetRequiredService<IPublicUrls>(),
            sp.GetRequiredService<ChangeCatalog>(),
            sp.GetRequiredService<IOptions<MailApprovalOptions>>(),
            sp.GetService<IMessageTemplates>()));
        services.AddSingleton<ITaskReassignmentListener>(sp => new ApprovalReassignmentMailer(
            sp.GetRequiredService<ApprovalMailer>(),
            sp.GetRequiredService<IChangeStore>(),
            sp.GetRequiredService<IOutbox>(),
            sp.GetRequiredService<ITimelineStore>(),
            sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new MailApprovalService(
            sp.GetRequiredService<ApprovalLinks>(),
            sp.GetRequiredService<IMailLinkRedemptionStore>(),
            sp.GetRequiredService<IHumanTaskStore>(),
            sp.GetRequiredService<IUserDirectory>(),
            sp.GetRequiredService<IChangeStore>(),
            sp.GetRequiredService<ChangeCatalog>(),
            sp.GetRequiredService<TaskService>(),
            sp.GetRequiredService<IOptions<MailApprovalOptions>>()));
        return services;
    }
}
