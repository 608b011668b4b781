using System.Security.Cryptography;

namespace ChangeFlow.Application.Approvals;

/// <summary>
/// A secret that signs e-mail links. It lives in the database, so every node of a cluster signs and checks with the
/// same key; the id travels in each link, so a newer key can take over while links signed with an older one still
/// verify.
/// </summary>
/// <param name="Id">A short id, carried in every link signed with the key.</param>
/// <param name="Secret">32 random bytes (HMAC-SHA256 key).</param>
/// <param name="CreatedAt">When it was generated; the newest key signs.</param>
public sealed record MailLinkKey(string Id, byte[] Secret, DateTimeOffset CreatedAt);

/// <summary>Stores the link-signing keys (table <c>mail_link_keys</c>).</summary>
public interface IMailLinkKeyStore
{
    /// <summary>Every key, in no particular order.</summary>
    Task<IReadOnlyList<MailLinkKey>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Adds <paramref name="key"/> unless a key with its id exists; false when one did (another node was first).</summary>
    Task<bool> TryAddAsync(MailLinkKey key, CancellationToken cancellationToken);
}

/// <summary>
/// The link-signing keys as this node knows them. The first call on a database without a key generates one (a fixed
/// id, so nodes starting together on a new database agree on one key: the one whose insert won). A link naming a
/// key this node has not seen makes it read the keys again, at most once per <see cref="ReloadInterval"/>, so a flood
/// of forged key ids cannot turn into a flood of queries.
/// </summary>
/// <remarks>
/// An HMAC key in ChangeFlow's own database rather than ASP.NET Core Data Protection with its key ring in the
/// database: a link only has to be unforgeable, not secret, and a MAC over a few ids is what proves that, in about
/// 170 characters (a Data Protection payload is encrypted as well, with its own header, and longer). The Application layer
/// signs links inside workflow runs, where ASP.NET Core is not referenced; the key needs one small table of its own
/// instead of a second key ring whose rotation and expiry rules would also govern how long links verify. Either way
/// the key is as safe as the database that holds it.
/// </remarks>
public sealed class MailLinkKeyRing : IDisposable
{
    /// <summary>The id of the key generated on first use.</summary>
    public const string FirstKeyId = "k1";

    /// <summary>The least time between two reads of the keys caused by unknown key ids.</summary>
    public static readonly TimeSpan ReloadInterval = TimeSpan.FromSeconds(30);

    private readonly IMailLinkKeyStore _store;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _lock = new(1, 1);
    private IReadOnlyList<MailLinkKey>? _keys;
    private DateTimeOffset _loadedAt;

    /// <summary>Creates the ring.</summary>
    public MailLinkKeyRing(IMailLinkKeyStore store, TimeProvider time)
    {
        _store = store;
        _time = time;
    }

    /// <summary>The key that signs new links: the newest, generated and stored if there is none yet.</summary>
    public async Task<MailLinkKey> GetSigningKeyAsync(CancellationToken cancellationToken)
    {
        var keys = _keys ?? await LoadAsync(force: false, cancellationToken);
        if (keys.Count > 0)
        {
            return Newest(keys);
        }

        await _lock.WaitAsync(cancellationToken);
        try
        {
            keys = await _store.ListAsync(cancellationToken);
            if (keys.Count == 0)
            {
                await _store.TryAddAsync(new MailLinkKey(FirstKeyId, RandomNumberGenerator.GetBytes(32), _time.GetUtcNow()), cancellationToken);
                keys = await _store.ListAsync(cancellationToken);
            }

            Remember(keys);
            return keys.Count > 0 ? Newest(keys) : throw new InvalidOperationException("The link-signing key could not be stored.");
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>The key with id <paramref name="id"/>, or null when there is none (reading the store again if allowed).</summary>
    public async Task<MailLinkKey?> FindAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        var keys = _keys ?? await LoadAsync(force: false, cancellationToken);
        var key = keys.FirstOrDefault(k => k.Id == id);
        // An empty ring is never the last word: another node may have generated the first key since.
        if (key is not null || (keys.Count > 0 && _time.GetUtcNow() - _loadedAt < ReloadInterval))
        {
            return key;
        }

        return (await LoadAsync(force: true, cancellationToken)).FirstOrDefault(k => k.Id == id);
    }

    /// <inheritdoc />
    public void Dispose() => _lock.Dispose();

    private async Task<IReadOnlyList<MailLinkKey>> LoadAsync(bool force, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken);
        try
        {
            if (_keys is not null && !force)
            {
                return _keys;
            }

            var keys = await _store.ListAsync(cancellationToken);
            Remember(keys);
            return keys;
        }
        finally
        {
            _lock.Release();
        }
    }

    private void Remember(IReadOnlyList<MailLinkKey> keys)
    {
        _keys = keys;
        _loadedAt = _time.GetUtcNow();
    }

    private static MailLinkKey Newest(IReadOnlyList<MailLinkKey> keys) =>
        keys.OrderByDescending(k => k.CreatedAt).ThenByDescending(k => k.Id, StringComparer.Ordinal).First();
}
