using System.Collections.Concurrent;

namespace ChangeFlow.Application.Security;

/// <summary>
/// Pauses password sign-in from a client address that keeps failing, per e-mail and overall, without touching the
/// account itself: a stranger guessing from their own address cannot lock the user out of theirs. Counts are kept in
/// this process (each node counts its own), in fixed windows of <see cref="SecurityOptions.LockoutDuration"/> that
/// start at a key's first failure. Unknown and known e-mails are counted alike, so the answers cannot tell them apart.
/// </summary>
internal sealed class SignInThrottle
{
    // Expired windows are swept once the map holds this many keys, so it stays about as large as the keys that failed
    // within the last window.
    private const int SweepThreshold = 10_000;

    // ...but at most this often, so a map full of live keys does not cost every attempt a full pass.
    private static readonly TimeSpan SweepInterval = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, Window> _failures = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly SecurityOptions _options;
    private readonly Lock _gate = new();
    private long _nextSweepTicks;

    public SignInThrottle(TimeProvider time, SecurityOptions options)
    {
        _time = time;
        _options = options;
    }

    /// <summary>
    /// Starts an attempt: false when password sign-in for <paramref name="normalizedEmail"/> from
    /// <paramref name="address"/> is paused; otherwise counts the attempt as a failure until
    /// <see cref="RecordSuccess"/> says otherwise. Counting before the (slow) password check means parallel guesses
    /// cannot all pass the check before any of them is counted.
    /// </summary>
    public bool TryBegin(string normalizedEmail, string address)
    {
        var now = _time.GetUtcNow();

        // Check and count as one step (no I/O inside), so N parallel attempts get exactly the allowed number through.
        lock (_gate)
        {
            if (IsPaused(normalizedEmail, address, now))
            {
                return false;
            }

            Add(AddressKey(address), now);
            Add(PairKey(normalizedEmail, address), now);
        }

        var sweepAt = Interlocked.Read(ref _nextSweepTicks);
        if (_failures.Count > SweepThreshold && now.UtcTicks >= sweepAt
            && Interlocked.CompareExchange(ref _nextSweepTicks, (now + SweepInterval).UtcTicks, sweepAt) == sweepAt)
        {
            foreach (var (key, window) in _failures)
            {
                if (!IsCurrent(window, now))
                {
                    _failures.TryRemove(new KeyValuePair<string, Window>(key, window));
                }
            }
        }

        return true;
    }

    /// <summary>Whether password sign-in for <paramref name="normalizedEmail"/> from <paramref name="address"/> is paused now.</summary>
    public bool IsPaused(string normalizedEmail, string address) => IsPaused(normalizedEmail, address, _time.GetUtcNow());

    /// <summary>
    /// Takes a successful attempt back: the e-mail's failures from the address are forgotten, and the address's count
    /// loses this attempt but keeps its failures (one good account must not reset the guessing budget for the others).
    /// </summary>
    public void RecordSuccess(string normalizedEmail, string address)
    {
        _failures.TryRemove(PairKey(normalizedEmail, address), out _);
        var key = AddressKey(address);
        var now = _time.GetUtcNow();
        while (_failures.TryGetValue(key, out var window) && IsCurrent(window, now) && window.Count > 0
            && !_failures.TryUpdate(key, window with { Count = window.Count - 1 }, window))
        {
            // Another request changed the count meanwhile; take this attempt off the new value.
        }
    }

    private static string AddressKey(string address) => "a " + address;

    // An address has no space, so the address part ends at the first one.
    private static string PairKey(string normalizedEmail, string address) => "e " + address + " " + normalizedEmail;

    private bool IsPaused(string normalizedEmail, string address, DateTimeOffset now) =>
        Count(AddressKey(address), now) >= _options.MaxFailedSignInsPerAddress
        || Count(PairKey(normalizedEmail, address), now) >= _options.MaxFailedSignIns;

    private int Count(string key, DateTimeOffset now) => _failures.TryGetValue(key, out var window) && IsCurrent(window, now) ? window.Count : 0;

    private void Add(string key, DateTimeOffset now) =>
        _failures.AddOrUpdate(key, _ => new Window(now, 1), (_, w) => IsCurrent(w, now) ? w with { Count = w.Count + 1 } : new Window(now, 1));

    private bool IsCurrent(Window window, DateTimeOffset now) => now >= window.Start && now < window.Start + _options.LockoutDuration;

    private sealed record Window(DateTimeOffset Start, int Count);
}
