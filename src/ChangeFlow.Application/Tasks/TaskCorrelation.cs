namespace ChangeFlow.Application.Tasks;

/// <summary>
/// The outbox correlation key of messages about one task (<c>task:&lt;id&gt;</c>): approval requests and reminders.
/// The task stores cancel a task's pending messages when it is closed or handed to someone else, in the same
/// transaction, so nobody is asked or reminded about a task that is no longer theirs to decide.
/// </summary>
public static class TaskCorrelation
{
    /// <summary>The key's prefix.</summary>
    public const string Prefix = "task:";

    /// <summary>The correlation key of <paramref name="taskId"/>'s messages.</summary>
    public static string For(string taskId) => Prefix + taskId;
}
