using System.Text.Json.Nodes;
using ChangeFlow.Engine.Execution;
using ChangeFlow.Engine.Ports;

namespace ChangeFlow.Application.Workflows;

/// <summary>One stored version of a workflow definition.</summary>
public sealed record DefinitionVersion(
    string Id,
    string DefinitionId,
    int Version,
    string? Name,
    string? Description,
    bool IsLatest,
    bool IsPublished,
    string Json,
    string ContentHash,
    string Source,
    DateTimeOffset CreatedAt,
    DateTimeOffset? PublishedAt);

/// <summary>An instance as loaded for a run: its state and the row version the commit must match.</summary>
public sealed record InstanceSnapshot(WorkflowInstanceState State, long Version, IReadOnlyDictionary<string, string?> TimerJobIds);

/// <summary>Everything one run changes, written in one transaction.</summary>
public sealed class InstanceCommit
{
    /// <summary>The instance state after the run (its journal holds only the entries this run added).</summary>
    public required WorkflowInstanceState State { get; init; }

    /// <summary>The row version the run started from; null when the instance is new.</summary>
    public long? ExpectedVersion { get; init; }

    /// <summary>E-mails the run produced, stored in the outbox with the state.</summary>
    public IReadOnlyList<EmailMessage> Emails { get; init; } = [];

    /// <summary>Events the run published, stored as stimuli with the state.</summary>
    public IReadOnlyList<StimulusRecord> Stimuli { get; init; } = [];

    /// <summary>Writes to ChangeFlow's own records that activities made during the run (see <see cref="IRunWrite"/>).</summary>
    public IReadOnlyList<IRunWrite> Writes { get; init; } = [];

    /// <summary>
    /// The most journal entries the instance keeps: only the newest this many of the run's are written, and older
    /// stored ones are deleted in the same transaction. Null keeps them all.
    /// </summary>
    public int? JournalLimit { get; init; }
}

/// <summary>The status of a stimulus in the inbox.</summary>
public enum StimulusStatus
{
    /// <summary>Waiting to be matched (again).</summary>
    Pending,
    /// <summary>Resumed at least one bookmark.</summary>
    Delivered,
    /// <summary>Matched nothing after every retry; kept for people to look at.</summary>
    DeadLettered,
}

/// <summary>A stimulus in the inbox: name + payload (hashed), data for the resumed activity, and retry bookkeeping.</summary>
public sealed class StimulusRecord
{
    public required string Id { get; init; }

    public required string Name { get; init; }

    public required string Hash { get; init; }

    public JsonNode? Payload { get; init; }

    public JsonNode? Input { get; init; }

    /// <summary>Only bookmarks of this instance match, when set.</summary>
    public string? InstanceId { get; init; }

    /// <summary>Only bookmarks of instances with this correlation id match, when set.</summary>
    public string? CorrelationId { get; init; }

    /// <summary>Who sent it (a user id), handed to the runs it causes; null for the system.</summary>
    public string? Actor { get; init; }

    public StimulusStatus Status { get; set; }

    public int Attempts { get; set; }

    public int ResumedCount { get; set; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset NextAttemptAt { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }

    public string? LastError { get; set; }

    /// <summary>Optimistic concurrency: the version it was loaded at.</summary>
    public long Version { get; set; }
}

/// <summary>A bookmark found by hash.</summary>
public sealed record BookmarkMatch(string InstanceId, string BookmarkId);

/// <summary>A timer bookmark as stored: the sweep's view.</summary>
public sealed record TimerBookmark(string InstanceId, string BookmarkId, DateTimeOffset DueAt, string? JobId);

/// <summary>What a list of instances is filtered by.</summary>
public sealed record InstanceQuery(
    string? DefinitionId = null,
    WorkflowStatus? Status = null,
    string? CorrelationId = null,
    int Skip = 0,
    int Take = 50);

/// <summary>An instance as listed (no state).</summary>
public sealed record InstanceSummary(
    string Id,
    string DefinitionId,
    string DefinitionVersionId,
    int DefinitionVersion,
    string? CorrelationId,
    WorkflowStatus Status,
    int IncidentCount,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? FinishedAt)
{
    /// <summary>The summary of a state just committed (what the store would return when asked for it).</summary>
    public static InstanceSummary FromState(WorkflowInstanceState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return new InstanceSummary(
            state.Id,
            state.DefinitionId,
            state.DefinitionVersionId,
            state.DefinitionVersion,
            state.CorrelationId,
            state.Status,
            state.Incidents.Count,
            ToStoredPrecision(state.CreatedAt),
            ToStoredPrecision(state.UpdatedAt),
            state.FinishedAt is { } finished ? ToStoredPrecision(finished) : null);
    }

    // Stores keep instants to the microsecond (PostgreSQL's precision); a summary built from memory says the same.
    private static DateTimeOffset ToStoredPrecision(DateTimeOffset instant) =>
        new(instant.UtcTicks - (instant.UtcTicks % 10), TimeSpan.Zero);
}

/// <summary>A page of results with the total count.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, int Total, int Skip, int Take);

/// <summary>The instance row was changed by someone else since it was loaded.</summary>
public sealed class ConcurrencyConflictException : Exception
{
    public ConcurrencyConflictException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}
