using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace ChangeFlow.Engine.Execution;

/// <summary>The life-cycle status of a workflow instance.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<WorkflowStatus>))]
public enum WorkflowStatus
{
    /// <summary>Has work queued; a crash here is recovered by running the queue again.</summary>
    Running,
    /// <summary>Waits on one or more bookmarks.</summary>
    Suspended,
    /// <summary>Completed; no bookmark and no work remains.</summary>
    Finished,
    /// <summary>Stopped by an incident.</summary>
    Faulted,
    /// <summary>Cancelled from outside.</summary>
    Cancelled,
}

/// <summary>
/// Everything about one workflow instance, as a plain object that round-trips through JSON without loss
/// (<see cref="WorkflowStateSerializer"/>). It pins the definition version it started on.
/// </summary>
public sealed class WorkflowInstanceState
{
    /// <summary>The instance id.</summary>
    public required string Id { get; set; }

    /// <summary>The definition's stable id.</summary>
    public required string DefinitionId { get; set; }

    /// <summary>The id of the definition version this instance runs on.</summary>
    public required string DefinitionVersionId { get; set; }

    /// <summary>The definition version number this instance runs on.</summary>
    public int DefinitionVersion { get; set; }

    /// <summary>An id from the caller's world (e.g. an RFC number).</summary>
    public string? CorrelationId { get; set; }

    /// <summary>The status.</summary>
    public WorkflowStatus Status { get; set; }

    /// <summary>Variable values by variable name.</summary>
    public Dictionary<string, JsonNode?> Variables { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The workflow input.</summary>
    public Dictionary<string, JsonNode?> Input { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The workflow output.</summary>
    public Dictionary<string, JsonNode?> Output { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Open bookmarks.</summary>
    public List<Bookmark> Bookmarks { get; set; } = [];

    /// <summary>Activities scheduled to run, in order.</summary>
    public List<WorkItem> Queue { get; set; } = [];

    /// <summary>Join bookkeeping by activity id.</summary>
    public Dictionary<string, JoinState> Joins { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Loop exits not taken while their loop went round again (connection indexes). They are decided later: followed
    /// on a later pass, or proven dead once nothing in the loop is running or waiting any more.
    /// </summary>
    public List<int> DeferredExits { get; set; } = [];

    /// <summary>Activity outputs by activity id then output name (for <c>getOutputFrom</c>).</summary>
    public Dictionary<string, Dictionary<string, JsonNode?>> ActivityOutputs { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The last output any activity produced (for <c>getLastResult</c>).</summary>
    public JsonNode? LastResult { get; set; }

    /// <summary>Per-activity state an activity keeps across suspensions (e.g. a timer's repeat count).</summary>
    public Dictionary<string, JsonObject> ActivityState { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Faults recorded while running.</summary>
    public List<Incident> Incidents { get; set; } = [];

    /// <summary>Which activity ran when, with which outcome.</summary>
    public List<JournalEntry> Journal { get; set; } = [];

    /// <summary>The next journal sequence number.</summary>
    public long NextSequence { get; set; } = 1;

    /// <summary>When the instance was created.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When the instance last changed.</summary>
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>When it finished, faulted or was cancelled.</summary>
    public DateTimeOffset? FinishedAt { get; set; }

    /// <summary>Finds an open bookmark by id.</summary>
    public Bookmark? FindBookmark(string bookmarkId)
    {
        foreach (var bookmark in Bookmarks)
        {
            if (bookmark.Id == bookmarkId)
            {
                return bookmark;
            }
        }

        return null;
    }
}

/// <summary>
/// A point where an instance waits. External stimuli match on <see cref="Hash"/> (name + canonical payload);
/// timers carry their absolute due instant.
/// </summary>
public sealed class Bookmark
{
    /// <summary>The bookmark id (unique across instances).</summary>
    public required string Id { get; set; }

    /// <summary>What it waits for; the activity type by convention (e.g. <c>Elsa.Event</c>).</summary>
    public required string Name { get; set; }

    /// <summary>Hash of name and canonical payload; see <see cref="BookmarkHasher"/>.</summary>
    public required string Hash { get; set; }

    /// <summary>The data a stimulus must match (e.g. <c>{"eventName":"approved"}</c>).</summary>
    public JsonObject? Payload { get; set; }

    /// <summary>The activity that created it.</summary>
    public required string ActivityId { get; set; }

    /// <summary>When it was created.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>For timers: the absolute instant at which it is due.</summary>
    public DateTimeOffset? DueAt { get; set; }
}

/// <summary>An activity scheduled to run.</summary>
public sealed class WorkItem
{
    /// <summary>The activity to run.</summary>
    public required string ActivityId { get; set; }

    /// <summary>The connection that scheduled it, if any.</summary>
    public int? Connection { get; set; }
}

/// <summary>What a join has seen of its inbound connections in the current pass.</summary>
public sealed class JoinState
{
    /// <summary>Indexes of inbound connections that were followed.</summary>
    public List<int> Followed { get; set; } = [];

    /// <summary>Indexes of inbound connections proven dead.</summary>
    public List<int> Dead { get; set; } = [];

    /// <summary>For WaitAny: the join already ran in this pass; later arrivals are absorbed.</summary>
    public bool Fired { get; set; }
}

/// <summary>A recorded fault.</summary>
public sealed class Incident
{
    /// <summary>The faulting activity.</summary>
    public required string ActivityId { get; set; }

    /// <summary>Its type.</summary>
    public required string ActivityType { get; set; }

    /// <summary>A machine-readable code (e.g. <c>ScriptTimeout</c>, or the <c>code</c> of <c>Elsa.Fault</c>).</summary>
    public string? Code { get; set; }

    /// <summary>What went wrong, for people.</summary>
    public required string Message { get; set; }

    /// <summary>The exception type, for bugs.</summary>
    public string? ExceptionType { get; set; }

    /// <summary>The stack trace, for bugs.</summary>
    public string? StackTrace { get; set; }

    /// <summary>When it happened.</summary>
    public DateTimeOffset Timestamp { get; set; }
}

/// <summary>What happened to an activity.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<JournalEventKind>))]
public enum JournalEventKind
{
    /// <summary>It ran and completed with <see cref="JournalEntry.Outcomes"/>.</summary>
    Completed,
    /// <summary>It ran and created a bookmark.</summary>
    Suspended,
    /// <summary>A bookmark of it was resumed.</summary>
    Resumed,
    /// <summary>It faulted; see the instance's incidents.</summary>
    Faulted,
    /// <summary>Its pending work or bookmarks were cancelled.</summary>
    Cancelled,
    /// <summary>The instance finished.</summary>
    WorkflowFinished,
    /// <summary>The instance faulted.</summary>
    WorkflowFaulted,
    /// <summary>The instance was cancelled.</summary>
    WorkflowCancelled,
}

/// <summary>One line of the execution journal.</summary>
public sealed class JournalEntry
{
    /// <summary>Order within the instance.</summary>
    public long Sequence { get; set; }

    /// <summary>When it happened.</summary>
    public DateTimeOffset Timestamp { get; set; }

    /// <summary>The activity (empty for workflow-level entries).</summary>
    public string ActivityId { get; set; } = "";

    /// <summary>The activity type.</summary>
    public string ActivityType { get; set; } = "";

    /// <summary>What happened.</summary>
    public JournalEventKind Kind { get; set; }

    /// <summary>The outcomes it completed with.</summary>
    public IReadOnlyList<string>? Outcomes { get; set; }

    /// <summary>Extra detail (bookmark id, incident message).</summary>
    public string? Message { get; set; }
}
