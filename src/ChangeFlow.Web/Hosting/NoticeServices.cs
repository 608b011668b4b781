using ChangeFlow.Application.Changes.Catalog;
using ChangeFlow.Application.Notifications;
using ChangeFlow.Application.Security;
using ChangeFlow.Application.Workflows;
using ChangeFlow.Persistence;
using ChangeFlow.Persistence.Stores;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ChangeFlow.Web.Hosting;

/// <summary>Wires the notices: templates, audiences, the communication plan scheduler and the one-transaction committer.</summary>
public static class NoticeServices
{
    /// <summary>
    /// Registers <see cref="NoticeOptions"/> (section <c>ChangeFlow:Notifications</c>, base URL <c>ChangeFlow:PublicBaseUrl</c>),
    /// the Fluid templates with overrides from <c>&lt;DataDirectory&gt;/templates</c>, attachments from
    /// <c>&lt;DataDirectory&gt;/attachments</c>, the <see cref="NoticeScheduler"/>, an <see cref="IWriteCommitter"/>, and a
    /// start-up check that logs every template that does not parse or render.
    /// </summary>
    public static IServiceCollection AddChangeFlowNotices(this IServiceCollection services, IConfiguration configuration, string dataDirectory)
    {
        services.AddOptions<NoticeOptions>()
            .Bind(configuration.GetSection(NoticeOptions.Section))
            .Configure(o =>
            {
                // One reading of the address for links and pages; an unusable one is reported by PublicUrlOptions at start-up.
                if (configuration[$"{PublicUrlOptions.Section}:{nameof(PublicUrlOptions.PublicBaseUrl)}"] is { Length: > 0 } url)
                {
                    o.PublicBaseUrl = PublicUrlOptions.Parse(url);
                }

                o.TemplatesDirectory ??= Path.Combine(dataDirectory, "templates");
                o.AttachmentsDirectory ??= Path.Combine(dataDirectory, "attachments");
            })
            .Validate(o => NoticeCultures.IsSupported(o.DefaultCulture), "ChangeFlow:Notifications:DefaultCulture is not a supported culture (en-GB, fr-FR, pt-PT, es-ES, de-DE...).")
            .Validate(o => o.DefaultTimeZoneId is null || Domain.Time.ZoneCalendar.Find(o.DefaultTimeZoneId).IsSuccess, "ChangeFlow:Notifications:DefaultTimeZoneId is not an IANA time zone.")
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<NoticeOptions>>().Value);
        services.AddSingleton(sp => new FluidMessageTemplates(
            sp.GetRequiredService<NoticeOptions>().TemplatesDirectory,
            sp.GetRequiredService<ILogger<FluidMessageTemplates>>(),
            limits: sp.GetRequiredService<IOptions<Engine.Expressions.ScriptOptions>>().Value));
        services.AddSingleton<IMessageTemplates>(sp => sp.GetRequiredService<FluidMessageTemplates>());
        services.AddSingleton<INoticeAttachments>(sp => new DirectoryNoticeAttachments(sp.GetRequiredService<NoticeOptions>().AttachmentsDirectory!));
        services.AddSingleton(sp => new AudienceResolver(sp.GetRequiredService<IUserDirectory>(), sp.GetRequiredService<ChangeCatalog>(), sp.GetRequiredService<NoticeOptions>()));
        services.AddSingleton(sp => new NoticeFactsLoader(sp.GetRequiredService<ChangeCatalog>(), sp.GetRequiredService<IUserDirectory>(), sp.GetRequiredService<NoticeOptions>()));
        services.AddSingleton(sp => new NoticeScheduler(
            sp.GetRequiredService<IMessageTemplates>(),
            sp.GetRequiredService<AudienceResolver>(),
            sp.GetRequiredService<NoticeFactsLoader>(),
            sp.GetRequiredService<IOutbox>(),
            sp.GetRequiredService<NoticeOptions>(),
            sp.GetRequiredService<INoticeAttachments>(),
            sp.GetRequiredService<ILogger<NoticeScheduler>>()));
        services.AddSingleton<IWriteCommitter>(sp => new EfWriteCommitter(
            sp.GetRequiredService<IDbContextFactory<ChangeFlowDbContext>>(), sp.GetServices<IRunWriteHandler>()));
        services.AddHostedService<TemplateStartupCheck>();
        return services;
    }
}

/// <summary>
/// Checks at start-up that every built-in and overriding template parses and renders the sample change, and logs
/// each problem with its file and line. It never stops the service: a broken override is replaced by the built-in
/// until it is fixed, and a fixed file is picked up without a restart.
/// </summary>
internal sealed partial class TemplateStartupCheck : IHostedService
{
    private readonly FluidMessageTemplates _templates;
    private readonly NoticeOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<TemplateStartupCheck> _logger;

    public TemplateStartupCheck(FluidMessageTemplates templates, NoticeOptions options, TimeProvider time, ILogger<TemplateStartupCheck> logger)
    {
        _templates = templates;
        _options = options;
        _time = time;
        _logger = logger;
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var problems = await _templates.ValidateAsync(NoticeSamples.Model(NoticeTemplates.MaintenanceNotice, _options, _time.GetUtcNow()), cancellationToken);
        var described = _templates.Describe();
        LogChecked(
            _logger,
            described.Count,
            described.Count(d => d.Overridden),
            _templates.OverrideDirectory ?? "(none)",
            problems.Count);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Notice templates: {Count} template(s), {Overridden} overridden from {Directory}, {Problems} problem(s)")]
    private static partial void LogChecked(ILogger logger, int count, int overridden, string directory, int problems);
}
