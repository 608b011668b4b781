using System.Text.Json;
using ChangeFlow.Application.Notifications;
using ChangeFlow.Application.Workflows;
using Microsoft.EntityFrameworkCore;

namespace ChangeFlow.Persistence.Stores;

/// <summary>Delivery problems in <c>mail_delivery_failures</c>; records are only added.</summary>
public sealed class EfDeliveryFailureStore : IDeliveryFailureStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly IDbContextFactory<ChangeFlowDbContext> _factory;

    /// <param name="factory">The database.</param>
    public EfDeliveryFailureStore(IDbContextFactory<ChangeFlowDbContext> factory)
    {
        _factory = factory;
    }

    /// <inheritdoc />
    public async Task<bool> AddAsync(DeliveryFailure failure, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(failure);
        await using var db = await _factory.CreateDbContextAsync(cancellationToken);
        using var turn = await WriteGate.EnterAsync(db, cancellationToken);
        if (await db.Set<DeliveryFailureEntity>().AnyAsync(f => f.Id == failure.Id, cancellationToken))
        {
            return false;
        }

        db.Add(new DeliveryFailureEntity
        {
            Id = failure.Id,
            OutboxId = failure.OutboxId,
            MessageId = failure.MessageId,
            CorrelationKey = failure.CorrelationKey,
            Kind = failure.Kind,
            Subject = failure.Subject,
            At = Instants.ToUtc(failure.At),
            Reason = failure.Reason,
            Refused = JsonSerializer.Serialize(failure.Refused, Json),
            Attempts = failure.Attempts,
            MessageFailed = failure.MessageFailed,
        });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException ex) when (!StorageFailure.IsUnavailable(ex))
        {
            // Two nodes reporting the same attempt: the key kept one record.
            await using var check = await _factory.CreateDbContextAsync(cancellationToken);
            if (await check.Set<DeliveryFailureEntity>().AnyAsync(f => f.Id == failure.Id, cancellationToken))
            {
                return false;
            }

            throw;
        }
    }

    /// <inheritdoc />
    public async Task<Page<DeliveryFailure>> ListAsync(string? outboxId, int skip, int take, CancellationToken cancellationToken)
    {
        await using var db = await _factory.CreateDbContextAsync(cancellationToken);
        var rows = db.Set<DeliveryFailureEntity>().AsNoTracking();
        if (outboxId is not null)
        {
            rows = rows.Where(f => f.OutboxId == outboxId);
        }

        var total = await rows.CountAsync(cancellationToken);
        var items = await rows.OrderByDescending(f => f.At).ThenByDescending(f => f.Id)
            .Skip(Math.Max(0, skip)).Take(Math.Max(0, take)).ToListAsync(cancellationToken);
        return new Page<DeliveryFailure>([.. items.Select(FromEntity)], total, skip, take);
    }

    private static DeliveryFailure FromEntity(DeliveryFailureEntity e) => new(
        e.Id,
        e.OutboxId,
        e.MessageId,
        e.CorrelationKey,
        e.Kind,
        e.Subject,
        Instants.FromUtc(e.At),
        e.Reason,
        JsonSerializer.Deserialize<List<RefusedRecipient>>(e.Refused, Json) ?? [],
        e.Attempts,
        e.MessageFailed);
}
