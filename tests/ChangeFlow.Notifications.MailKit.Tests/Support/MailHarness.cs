using ChangeFlow.Application.Common;
using ChangeFlow.Application.Notifications;
using ChangeFlow.Persistence.Stores;
using ChangeFlow.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace ChangeFlow.Notifications.MailKit.Tests.Support;

/// <summary>
/// The mail delivery path as the service wires it, on a real migrated database (SQLite or PostgreSQL) and the one
/// fake clock: the outbox, the dispatcher's store, failure records, timelines, the default failure reporter, and
/// dispatchers (one per "node") sending to a real SMTP receiver.
/// </summary>
public sealed class MailHarness : IAsyncDisposable
{
    private MailHarness(TestDatabase database, MailOptions options)
    {
        Database = database;
        Options = options;
        var factory = database.CreateFactory();
        Outbox = new EfOutbox(factory, Clock);
        Delivery = new EfOutboxDelivery(factory);
        Failures = new EfDeliveryFailureStore(factory);
        Timeline = new EfTimelineStore(factory);
    }

    /// <summary>The database.</summary>
    public TestDatabase Database { get; }

    /// <summary>The clock.</summary>
    public FakeTimeProvider Clock { get; } = new(EngineFixture.StartInstant);

    /// <summary>The mail settings the dispatchers use.</summary>
    public MailOptions Options { get; }

    /// <summary>The outbox.</summary>
    public EfOutbox Outbox { get; }

    /// <summary>The dispatcher's store.</summary>
    public EfOutboxDelivery Delivery { get; }

    /// <summary>Delivery failure records.</summary>
    public EfDeliveryFailureStore Failures { get; }

    /// <summary>Timelines.</summary>
    public EfTimelineStore Timeline { get; }

    /// <summary>The sender state of the dispatchers made here.</summary>
    public MailDeliveryState State { get; } = new("test");

    /// <summary>A harness with <paramref name="configure"/> applied to default settings pointing at 127.0.0.1:<paramref name="smtpPort"/>.</summary>
    public static async Task<MailHarness> CreateAsync(DatabaseProvider provider, int smtpPort, Action<MailOptions>? configure = null)
    {
        var options = new MailOptions
        {
            From = new MailSender { Address = "changeflow@lab.example", DisplayName = "ChangeFlow" },
            Smtp = new SmtpSettings { Host = "127.0.0.1", Port = smtpPort, Security = SmtpSecurity.None, Timeout = TimeSpan.FromSeconds(10) },
            FailureNotice = new FailureNoticeSettings { To = ["ops@lab.example"] },
        };
        configure?.Invoke(options);
        Assert.True(new MailOptionsValidator().Validate(null, options).Succeeded);
        return new MailHarness(await TestDatabase.CreateAsync(provider), options);
    }

    /// <summary>The SMTP transport for the harness's settings.</summary>
    public SmtpMailTransport Smtp() => new(Options, Clock);

    /// <summary>A dispatcher (one node) sending through <paramref name="transport"/> (SMTP by default) and <paramref name="store"/>.</summary>
    public OutboxDispatcher Dispatcher(string node, IMailTransport? transport = null, IOutboxDeliveryStore? store = null) => new(
        store ?? Delivery,
        transport ?? Smtp(),
        Reporter(),
        State,
        Clock,
        Microsoft.Extensions.Options.Options.Create(Options),
        NullLogger<OutboxDispatcher>.Instance,
        node);

    /// <summary>The default failure reporter over the harness's stores.</summary>
    public DeliveryFailureReporter Reporter() =>
        new(Failures, Outbox, Clock, Microsoft.Extensions.Options.Options.Create(Options), NullLogger<DeliveryFailureReporter>.Instance, Timeline);

    /// <summary>Queues a message to <paramref name="to"/> (and returns its id).</summary>
    public async Task<string> QueueAsync(string subject, IReadOnlyList<string> to, Func<OutboundMessage, OutboundMessage>? shape = null)
    {
        var message = new OutboundMessage
        {
            Id = OutboxIds.New(Clock),
            Subject = subject,
            To = [.. to.Select(a => new MailRecipient(a))],
            TextBody = $"Text of {subject}",
            HtmlBody = $"<p>HTML of {subject}</p>",
            CorrelationKey = "change:RFC-2026-014",
            Kind = "maintenance-notice",
        };
        message = shape?.Invoke(message) ?? message;
        Assert.True(await Outbox.EnqueueAsync(message, CancellationToken.None));
        return message.Id;
    }

    /// <summary>One message by id.</summary>
    public async Task<OutboxEntry> FindAsync(string id) =>
        await Outbox.FindAsync(id, CancellationToken.None) ?? throw new InvalidOperationException($"No outbox message {id}.");

    /// <summary>Timeline entries of RFC-2026-014.</summary>
    public Task<IReadOnlyList<TimelineEntry>> ChangeTimelineAsync() => Timeline.ListAsync("RFC-2026-014", CancellationToken.None);

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await Database.DisposeAsync();
}
