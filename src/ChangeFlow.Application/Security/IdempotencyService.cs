using Microsoft.Extensions.Options;

namespace ChangeFlow.Application.Security;

/// <summary>What to do with a request that carries an <c>Idempotency-Key</c>.</summary>
public enum IdempotencyDecision
{
    /// <summary>First use of the key: run the request, then <see cref="IdempotencyService.CompleteAsync"/> or <see cref="IdempotencyService.AbandonAsync"/>.</summary>
    Proceed,
    /// <summary>The same request was answered before: send <see cref="IdempotencyOutcome.Stored"/> again.</summary>
    Replay,
    /// <summary>The key was used for a different request (method, path or body): HTTP 422.</summary>
    Mismatch,
    /// <summary>The first request with this key is still running: HTTP 409, try again later.</summary>
    InFlight,
    /// <summary>
    /// The first request's effect was committed (<see cref="IdempotencyRecord.CommittedResourceId"/>) but its answer was
    /// never kept, as when the process died in between: answer for that resource, and keep the answer, without running again.
    /// </summary>
    Committed,
}

/// <summary>The decision and, for a replay, the stored answer.</summary>
/// <param name="Decision">What to do.</param>
/// <param name="Stored">The existing record for every decision but <see cref="IdempotencyDecision.Proceed"/>.</param>
/// <param name="Claim">For <see cref="IdempotencyDecision.Proceed"/> and <see cref="IdempotencyDecision.Committed"/>: the hold on the key.</param>
public sealed record IdempotencyOutcome(IdempotencyDecision Decision, IdempotencyRecord? Stored, IdempotencyClaim? Claim = null);

/// <summary>
/// Makes commands safe to send twice (draft-ietf-httpapi-idempotency-key-header): the first request under a key
/// runs and its answer is kept for <see cref="IdempotencyOptions.Retention"/>; a retry of the same request gets the
/// same answer without running again. Keys are scoped per user, so two users never see each other's answers.
/// </summary>
public sealed class IdempotencyService
{
    private readonly IIdempotencyStore _store;
    private readonly TimeProvider _time;
    private readonly IdempotencyOptions _options;

    /// <summary>Creates the service.</summary>
    public IdempotencyService(IIdempotencyStore store, TimeProvider time, IOptions<IdempotencyOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _store = store;
        _time = time;
        _options = options.Value;
    }

    /// <summary>The settings.</summary>
    public IdempotencyOptions Options => _options;

    /// <summary>Claims <paramref name="key"/> for a request, or says why not. An expired record no longer counts.</summary>
    public async Task<IdempotencyOutcome> BeginAsync(string userId, string key, string method, string path, string bodyHash, CancellationToken cancellationToken)
    {
        // Whole microseconds: the claim is told apart by this instant, and PostgreSQL keeps no finer one.
        var clock = _time.GetUtcNow();
        var now = new DateTimeOffset(clock.UtcTicks - (clock.UtcTicks % 10), TimeSpan.Zero);
        var record = new IdempotencyRecord
        {
            UserId = userId,
            Key = key,
            Method = method,
            Path = path,
            BodyHash = bodyHash,
            CreatedAt = now,
            ExpiresAt = now + _options.Retention,
        };

        // Two rounds at most: an expired record, or one whose request was lost in flight, is deleted and the key claimed afresh.
        for (var attempt = 0; ; attempt++)
        {
            var existing = await _store.TryBeginAsync(record, cancellationToken);
            if (existing is null)
            {
                return new IdempotencyOutcome(IdempotencyDecision.Proceed, null, new IdempotencyClaim(userId, key, now));
            }

            // A record whose effect is committed is never lost: running again would do it twice.
            var lost = existing.CompletedAt is null && existing.CommittedResourceId is null && existing.CreatedAt + _options.InFlightTimeout <= now;
            if ((existing.ExpiresAt <= now || lost) && attempt == 0)
            {
                // A lost claim is freed only as it was read: had its request sealed it meanwhile, it stays.
                await (lost && existing.ExpiresAt > now
                    ? _store.AbandonAsync(new IdempotencyClaim(userId, key, existing.CreatedAt), cancellationToken)
                    : _store.DeleteAsync(userId, key, cancellationToken));
                continue;
            }

            if (!string.Equals(existing.Method, method, StringComparison.Ordinal)
                || !string.Equals(existing.Path, path, StringComparison.Ordinal)
                || !string.Equals(existing.BodyHash, bodyHash, StringComparison.Ordinal))
            {
                return new IdempotencyOutcome(IdempotencyDecision.Mismatch, existing);
            }

            return existing.CommittedResourceId is not null
                ? new IdempotencyOutcome(IdempotencyDecision.Committed, existing, new IdempotencyClaim(userId, key, existing.CreatedAt))
                : new IdempotencyOutcome(existing.CompletedAt is null ? IdempotencyDecision.InFlight : IdempotencyDecision.Replay, existing);
        }
    }

    /// <summary>Keeps the answer of a request that <see cref="BeginAsync"/> let proceed.</summary>
    public Task CompleteAsync(string userId, string key, int statusCode, byte[] body, string? contentType, string? location, CancellationToken cancellationToken) =>
        _store.CompleteAsync(userId, key, statusCode, body, contentType, location, _time.GetUtcNow(), cancellationToken);

    /// <summary>
    /// Frees the key of a request that failed (server error, exception, answer too large to keep): a retry runs again.
    /// A claim whose effect was committed is kept (a retry answers for the effect), and so is a later claim of the key.
    /// </summary>
    public Task AbandonAsync(IdempotencyClaim claim, CancellationToken cancellationToken) =>
        _store.AbandonAsync(claim, cancellationToken);

    /// <summary>Deletes expired records; returns how many.</summary>
    public Task<int> PurgeExpiredAsync(CancellationToken cancellationToken) =>
        _store.PurgeExpiredAsync(_time.GetUtcNow(), cancellationToken);
}
