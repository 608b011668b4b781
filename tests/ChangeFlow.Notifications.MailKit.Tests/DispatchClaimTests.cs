using ChangeFlow.Application.Notifications;
using ChangeFlow.Notifications.MailKit.Tests.Support;
using ChangeFlow.Testing;

namespace ChangeFlow.Notifications.MailKit.Tests;

/// <summary>
/// Claims, the re-check before each send, and crashes: one copy in the normal case, the same Message-ID on any
/// second copy, and several nodes on one PostgreSQL database sending each message once.
/// </summary>
public sealed class DispatchClaimTests
{
    [Fact]
    public async Task Dispatch_SendsNoSecondCopyWhileTheClaimHolds_AndTheSameMessageIdAfterItRunsOut_WhenTheNodeCrashedBeforeMarkingItSent()
    {
        using var smtp = DumbsterReceiver.Start();
        await using var mail = await MailHarness.CreateAsync(DatabaseProvider.Sqlite, smtp.Port);
        var id = await mail.QueueAsync("Maintenance notice", ["lims-users@lab.example"]);

        // Node A: the server accepts the message, then the process dies before the Sent mark is written.
        var crashing = new CrashBeforeMarkingSent(mail.Delivery);
        Assert.Equal(1, await mail.Dispatcher("node-a", store: crashing).DispatchOnceAsync(CancellationToken.None));
        await smtp.WaitForAsync(1);
        var row = await mail.FindAsync(id);
        Assert.Equal((OutboxStatus.Pending, 0), (row.Status, row.Attempts));

        // Node B runs while A's claim holds: it claims nothing, so nothing is sent twice.
        var nodeB = mail.Dispatcher("node-b");
        mail.Clock.Advance(mail.Options.Lease - TimeSpan.FromSeconds(1));
        Assert.Equal(0, await nodeB.DispatchDueAsync(CancellationToken.None));
        Assert.False(await mail.Delivery.HasDueAsync(mail.Clock.GetUtcNow(), CancellationToken.None));

        // Once the dead node's lease has run out, B takes the message over and sends it with the same Message-ID.
        mail.Clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(1, await nodeB.DispatchDueAsync(CancellationToken.None));
        await smtp.WaitForAsync(2);
        Assert.Equal([$"{id}@changeflow.local", $"{id}@changeflow.local"], smtp.Messages.Select(m => m.MessageId));
        Assert.Equal((OutboxStatus.Sent, 1), ((await mail.FindAsync(id)).Status, (await mail.FindAsync(id)).Attempts));
    }

    [Fact]
    public async Task Dispatch_MarksTheMessageAtItsNextRunWithoutSendingItAgain_WhenOnlyTheSentMarkFailed()
    {
        using var smtp = DumbsterReceiver.Start();
        await using var mail = await MailHarness.CreateAsync(DatabaseProvider.Sqlite, smtp.Port);
        var id = await mail.QueueAsync("Maintenance notice", ["lims-users@lab.example"]);
        var flaky = new CrashBeforeMarkingSent(mail.Delivery);
        var dispatcher = mail.Dispatcher("node-a", store: flaky);

        await dispatcher.DispatchOnceAsync(CancellationToken.None);
        Assert.Equal(1, dispatcher.UnmarkedCount);
        flaky.Crash = false;
        mail.Clock.Advance(mail.Options.Lease * 2);
        Assert.Equal(0, await dispatcher.DispatchOnceAsync(CancellationToken.None));

        Assert.Equal(0, dispatcher.UnmarkedCount);
        Assert.Equal(OutboxStatus.Sent, (await mail.FindAsync(id)).Status);
        await smtp.WaitForAsync(1);
        Assert.Single(smtp.Raw);
    }

    [Fact]
    public async Task Dispatch_SkipsAMessage_WhenItWasCancelledAfterTheClaim()
    {
        using var smtp = DumbsterReceiver.Start();
        await using var mail = await MailHarness.CreateAsync(DatabaseProvider.Sqlite, smtp.Port);
        var cancelled = await mail.QueueAsync("Maintenance notice", ["ada@lab.example"]);
        var kept = await mail.QueueAsync("CAB agenda", ["ben@lab.example"], m => m with { CorrelationKey = "change:RFC-2026-015" });

        // The change is cancelled between the claim and the send: the re-check finds the row no longer Pending.
        var store = new CancelAfterClaim(mail.Delivery, () => mail.Outbox.CancelPendingAsync("change:RFC-2026-014", null, CancellationToken.None));
        Assert.Equal(2, await mail.Dispatcher("node-a", store: store).DispatchOnceAsync(CancellationToken.None));

        await smtp.WaitForAsync(1);
        Assert.Equal("CAB agenda", Assert.Single(smtp.Messages).Subject);
        Assert.Equal(OutboxStatus.Canceled, (await mail.FindAsync(cancelled)).Status);
        Assert.Equal(OutboxStatus.Sent, (await mail.FindAsync(kept)).Status);
    }

    [Fact]
    public async Task CancelPending_IsAConflict_WhileANodeHoldsTheMessage()
    {
        await using var mail = await MailHarness.CreateAsync(DatabaseProvider.Sqlite, 25);
        var id = await mail.QueueAsync("Maintenance notice", ["ada@lab.example"]);
        var now = mail.Clock.GetUtcNow();
        Assert.Single(await mail.Delivery.ClaimDueAsync("node-a/1", now, now + mail.Options.Lease, 10, CancellationToken.None));

        Assert.Equal(new OutboxChange(OutboxChangeResult.Conflict, OutboxStatus.Pending), await mail.Delivery.CancelPendingAsync(id, now, CancellationToken.None));
        Assert.Equal(new OutboxChange(OutboxChangeResult.Changed, OutboxStatus.Canceled), await mail.Delivery.CancelPendingAsync(id, now + mail.Options.Lease, CancellationToken.None));
        Assert.Equal(new OutboxChange(OutboxChangeResult.NotFound, null), await mail.Delivery.CancelPendingAsync("missing", now, CancellationToken.None));
        Assert.False(await mail.Delivery.RenewClaimAsync(id, "node-a/1", now + mail.Options.Lease, CancellationToken.None));
    }

    [Theory]
    [InlineData(DatabaseProvider.PostgreSql)]
    [InlineData(DatabaseProvider.Sqlite)]
    public async Task Dispatch_SendsEachMessageOnce_WhenTwoNodesDispatchABurstAtTheSameTime(DatabaseProvider provider)
    {
        using var smtp = DumbsterReceiver.Start();
        await using var mail = await MailHarness.CreateAsync(provider, smtp.Port, o => o.BatchSize = 10);
        var ids = new List<string>();
        for (var i = 0; i < 120; i++)
        {
            ids.Add(await mail.QueueAsync($"Burst {i}", [$"user{i}@lab.example"]));
        }

        var nodes = new[] { mail.Dispatcher("node-a"), mail.Dispatcher("node-b") };
        using var start = new SemaphoreSlim(0, 2);
        var runs = nodes.Select(node => Task.Run(async () =>
        {
            await start.WaitAsync();
            var claimed = 0;
            for (var round = 0; round < 3; round++)
            {
                claimed += await node.DispatchDueAsync(CancellationToken.None);
            }

            return claimed;
        })).ToList();
        start.Release(2);
        var claimedByNode = await Task.WhenAll(runs);

        Assert.Equal(120, claimedByNode.Sum());
        await smtp.WaitForAsync(120);
        var byMessageId = smtp.Messages.GroupBy(m => m.MessageId ?? "").ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(ids.Select(id => $"{id}@changeflow.local").Order(), byMessageId.Keys.Order());
        Assert.All(byMessageId, pair => Assert.Equal(1, pair.Value));
        foreach (var id in ids)
        {
            var row = await mail.FindAsync(id);
            Assert.Equal((OutboxStatus.Sent, 1), (row.Status, row.Attempts));
        }
    }

    /// <summary>The store of a node that dies right after the server accepted a message: the Sent mark never arrives.</summary>
    private sealed class CrashBeforeMarkingSent(IOutboxDeliveryStore inner) : DelegatingStore(inner)
    {
        public bool Crash { get; set; } = true;

        public override Task<bool> MarkSentAsync(string id, string owner, DateTimeOffset sentAt, string? note, CancellationToken cancellationToken) =>
            Crash ? throw new InvalidOperationException("The node died before marking the message sent.") : base.MarkSentAsync(id, owner, sentAt, note, cancellationToken);
    }

    /// <summary>A store that runs <paramref name="afterClaim"/> (another actor's write) right after each claim.</summary>
    private sealed class CancelAfterClaim(IOutboxDeliveryStore inner, Func<Task> afterClaim) : DelegatingStore(inner)
    {
        public override async Task<IReadOnlyList<OutboxEntry>> ClaimDueAsync(string owner, DateTimeOffset now, DateTimeOffset claimedUntil, int take, CancellationToken cancellationToken)
        {
            var claimed = await base.ClaimDueAsync(owner, now, claimedUntil, take, cancellationToken);
            await afterClaim();
            return claimed;
        }
    }

    private abstract class DelegatingStore(IOutboxDeliveryStore inner) : IOutboxDeliveryStore
    {
        public virtual Task<IReadOnlyList<OutboxEntry>> ClaimDueAsync(string owner, DateTimeOffset now, DateTimeOffset claimedUntil, int take, CancellationToken cancellationToken) =>
            inner.ClaimDueAsync(owner, now, claimedUntil, take, cancellationToken);

        public Task<bool> HasDueAsync(DateTimeOffset now, CancellationToken cancellationToken) => inner.HasDueAsync(now, cancellationToken);

        public Task<bool> RenewClaimAsync(string id, string owner, DateTimeOffset claimedUntil, CancellationToken cancellationToken) =>
            inner.RenewClaimAsync(id, owner, claimedUntil, cancellationToken);

        public virtual Task<bool> MarkSentAsync(string id, string owner, DateTimeOffset sentAt, string? note, CancellationToken cancellationToken) =>
            inner.MarkSentAsync(id, owner, sentAt, note, cancellationToken);

        public Task<bool> MarkRetryAsync(string id, string owner, DateTimeOffset nextAttemptAt, string error, CancellationToken cancellationToken) =>
            inner.MarkRetryAsync(id, owner, nextAttemptAt, error, cancellationToken);

        public Task<bool> MarkFailedAsync(string id, string owner, string error, CancellationToken cancellationToken) =>
            inner.MarkFailedAsync(id, owner, error, cancellationToken);

        public Task ReleaseAsync(string id, string owner, CancellationToken cancellationToken) => inner.ReleaseAsync(id, owner, cancellationToken);

        public Task<OutboxChange> RetryFailedAsync(string id, DateTimeOffset now, CancellationToken cancellationToken) => inner.RetryFailedAsync(id, now, cancellationToken);

        public Task<OutboxChange> CancelPendingAsync(string id, DateTimeOffset now, CancellationToken cancellationToken) => inner.CancelPendingAsync(id, now, cancellationToken);
    }
}
