namespace ChangeFlow.Persistence.Entities;

// Instants are stored as UTC DateTime: SQLite cannot compare or order DateTimeOffset in SQL.

public sealed class WorkflowDefinitionEntity
{
    public required string Id { get; set; }

    public required string DefinitionId { get; set; }

    public int Version { get; set; }

    public string? Name { get; set; }

    public string? Description { get; set; }

    public bool IsLatest { get; set; }

    public bool IsPublished { get; set; }

    public required string Json { get; set; }

    public required string ContentHash { get; set; }

    public required string Source { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime? PublishedAt { get; set; }
}

public sealed class WorkflowInstanceEntity
{
    public required string Id { get; set; }

    public required string DefinitionId { get; set; }

    public required string DefinitionVersionId { get; set; }

    public int DefinitionVersion { get; set; }

    public string? CorrelationId { get; set; }

    public required string Status { get; set; }

    public required string StateJson { get; set; }

    public int IncidentCount { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime UpdatedAt { get; set; }

    public DateTime? FinishedAt { get; set; }

    /// <summary>App-incremented concurrency token (SQLite has no database-generated row version).</summary>
    public long Version { get; set; }
}

public sealed class BookmarkEntity
{
    public required string Id { get; set; }

    public required string InstanceId { get; set; }

    public required string Name { get; set; }

    public required string Hash { get; set; }

    public required string ActivityId { get; set; }

    public string? PayloadJson { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime? DueAt { get; set; }

    public string? JobId { get; set; }

    /// <summary>The timer dispatcher (node) that claimed this due timer to fire it; see <see cref="ClaimedUntil"/>.</summary>
    public string? ClaimedBy { get; set; }

    /// <summary>Until when the claim holds (UTC); after it, another dispatcher may claim the timer again.</summary>
    public DateTime? ClaimedUntil { get; set; }
}

public sealed class IncidentEntity
{
    public long Id { get; set; }

    public required string InstanceId { get; set; }

    public required string ActivityId { get; set; }

    public required string ActivityType { get; set; }

    public string? Code { get; set; }

    public required string Message { get; set; }

    public string? ExceptionType { get; set; }

    public string? StackTrace { get; set; }

    public DateTime Timestamp { get; set; }
}

public sealed class JournalEntryEntity
{
    public required string InstanceId { get; set; }

    public long Sequence { get; set; }

    public DateTime Timestamp { get; set; }

    public required string ActivityId { get; set; }

    public required string ActivityType { get; set; }

    public required string Kind { get; set; }

    public string? Outcomes { get; set; }

    public string? Message { get; set; }
}

public sealed class StimulusEntity
{
    public required string Id { get; set; }

    public required string Name { get; set; }

    public required string Hash { get; set; }

    public string? PayloadJson { get; set; }

    public string? InputJson { get; set; }

    public string? InstanceId { get; set; }

    public string? CorrelationId { get; set; }

    public string? Actor { get; set; }

    public required string Status { get; set; }

    public int Attempts { get; set; }

    public int ResumedCount { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime NextAttemptAt { get; set; }

    public DateTime? CompletedAt { get; set; }

    public string? LastError { get; set; }

    public long Version { get; set; }
}
