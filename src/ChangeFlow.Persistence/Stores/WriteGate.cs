using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;

namespace ChangeFlow.Persistence.Stores;

/// <summary>
/// Queues this process's writers to one SQLite database. SQLite lets one connection write at a time; the others
/// retry in its busy handler, which sleeps 1, 2, 5, 10, 15, 20, 25 ... ms between tries, so a few parallel runs
/// spend most of their time asleep while the database is free. Queued here, the next writer goes on as soon as the
/// previous one commits. The busy handler still covers writers in other processes. Other providers pass through.
/// </summary>
internal static class WriteGate
{
    private const string SqliteProvider = "Microsoft.EntityFrameworkCore.Sqlite";

    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Gates = new(StringComparer.Ordinal);

    /// <summary>Whether writers to <paramref name="db"/>'s database take turns (SQLite).</summary>
    public static bool IsGated(DbContext db) => string.Equals(db.Database.ProviderName, SqliteProvider, StringComparison.Ordinal);

    /// <summary>Waits for the database's write turn; dispose the result to pass it on.</summary>
    public static async ValueTask<Turn> EnterAsync(DbContext db, CancellationToken cancellationToken)
    {
        if (!IsGated(db))
        {
            return default;
        }

        var gate = Gates.GetOrAdd(db.Database.GetConnectionString() ?? "", _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        return new Turn(gate);
    }

    /// <summary>A write turn; disposing it lets the next writer go.</summary>
    public readonly struct Turn : IDisposable
    {
        private readonly SemaphoreSlim? _gate;

        internal Turn(SemaphoreSlim gate)
        {
            _gate = gate;
        }

        public void Dispose() => _gate?.Release();
    }
}
