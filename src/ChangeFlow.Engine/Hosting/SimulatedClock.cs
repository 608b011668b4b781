namespace ChangeFlow.Engine.Hosting;

/// <summary>
/// A clock that only moves when told to. The CLI runs workflows on it so that delays and deadlines finish at once:
/// the host jumps the clock to each due timer.
/// </summary>
public sealed class SimulatedClock : TimeProvider
{
    private DateTimeOffset _now;

    /// <summary>Creates a clock showing <paramref name="start"/>.</summary>
    public SimulatedClock(DateTimeOffset start)
    {
        _now = start.ToUniversalTime();
    }

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => _now;

    /// <summary>Moves the clock forward to <paramref name="instant"/> (never backwards).</summary>
    public void MoveTo(DateTimeOffset instant)
    {
        if (instant > _now)
        {
            _now = instant.ToUniversalTime();
        }
    }
}
