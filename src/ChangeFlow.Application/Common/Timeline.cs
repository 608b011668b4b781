using System.Text.Json.Nodes;
using ChangeFlow.Application.Workflows;

namespace ChangeFlow.Application.Common;

/// <summary>
/// One line of a record's audit trail: who did what, when, and in which workflow step. The subject is a change
/// number (or, later, an incident number).
/// </summary>
public sealed record TimelineEntry(
    string Id,
    string SubjectId,
    DateTimeOffset At,
    string Actor,
    string Action,
    string Summary,
    string? InstanceId = null,
    string? ActivityId = null,
    string? ActivityName = null,
    JsonObject? Data = null);

/// <summary>
/// Ids for timeline entries that sort in the order the entries were made: the instant's ticks, then a process-wide
/// counter, in fixed-width decimal (so every database collation orders them alike). Several entries of one run share
/// an instant on a simulated clock, and often within a millisecond on a real one; a random id would shuffle them.
/// </summary>
public static class TimelineIds
{
    private static long _counter;

    /// <summary>A new id for an entry made at <paramref name="at"/>.</summary>
    public static string Next(DateTimeOffset at) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{at.UtcTicks:D19}{Interlocked.Increment(ref _counter) % 10_000_000_000:D10}");
}

/// <summary>Stores audit trails; entries are only ever added.</summary>
public interface ITimelineStore
{
    /// <summary>Adds an entry outside a workflow run.</summary>
    Task AddAsync(TimelineEntry entry, CancellationToken cancellationToken);

    /// <summary>A subject's entries, oldest first (ties in id order).</summary>
    Task<IReadOnlyList<TimelineEntry>> ListAsync(string subjectId, CancellationToken cancellationToken);
}

/// <summary>A timeline entry written with a run.</summary>
public sealed record TimelineWrite(TimelineEntry Entry) : IRunWrite;

/// <summary>Per-year counters for human-readable numbers (RFC-2026-014, CIR-2026-003...); a value is never handed out twice.</summary>
public interface ISequenceStore
{
    /// <summary>The next value of <paramref name="name"/> in <paramref name="year"/>, starting at 1, in its own transaction.</summary>
    Task<int> NextAsync(string name, int year, CancellationToken cancellationToken);
}
