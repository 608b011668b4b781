namespace ChangeFlow.Application.Tasks;

/// <summary>
/// Told when <see cref="TaskService"/> gives an open task to someone else, after the change is stored (e.g. to send the
/// new assignee the approval e-mail the first one had). The reassignment stands whatever a listener does.
/// </summary>
public interface ITaskReassignmentListener
{
    /// <summary>The task, now assigned to its new assignee, was taken from <paramref name="previousAssigneeId"/> by <paramref name="byUserId"/>.</summary>
    Task ReassignedAsync(HumanTask task, string previousAssigneeId, string byUserId, CancellationToken cancellationToken);
}
