namespace ChangeFlow.Application.Workflows;

/// <summary>
/// Serializes runs of one instance within this process (striped, so memory stays constant). Across processes the
/// instance row's version decides; the lock only keeps one node from racing itself into needless retries.
/// </summary>
internal sealed class InstanceLocks
{
    private readonly SemaphoreSlim[] _stripes;

    public InstanceLocks(int stripes = 256)
    {
        _stripes = new SemaphoreSlim[stripes];
        for (var i = 0; i < stripes; i++)
        {
            _stripes[i] = new SemaphoreSlim(1, 1);
        }
    }

    public async Task<IDisposable> AcquireAsync(string instanceId, CancellationToken cancellationToken)
    {
        var stripe = _stripes[(int)((uint)StringComparer.Ordinal.GetHashCode(instanceId) % (uint)_stripes.Length)];
        await stripe.WaitAsync(cancellationToken);
        return new Releaser(stripe);
    }

    private sealed class Releaser(SemaphoreSlim stripe) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                stripe.Release();
            }
        }
    }
}
