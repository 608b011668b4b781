using ChangeFlow.Application.Changes;
using ChangeFlow.Application.Changes.Activities;
using ChangeFlow.Application.Changes.Catalog;
using ChangeFlow.Application.Security;
using ChangeFlow.Domain.Changes;
using ChangeFlow.Engine.Execution;

namespace ChangeFlow.Application.Tasks;

/// <summary>Whether a user may decide a task now.</summary>
public enum DeciderCheck
{
    /// <summary>The user is the assignee and not excluded.</summary>
    May,

    /// <summary>The user created or requested the change: never, whoever the task is assigned to.</summary>
    Excluded,

    /// <summary>The task is assigned to someone else.</summary>
    NotAssignee,
}

/// <summary>
/// The one rule of who may decide a human task, used by every route that completes or moves one (the task API, the
/// e-mail link, reassignment, the activity that counts the vote). Nobody decides on a change they created or
/// requested: both are excluded from the tasks of activities that exclude the requestor. A task is decided by its
/// assignee, and moves only to someone its original assignment could have chosen: the same role, the same group, a
/// member of the board (or any CAB member, the board's deputies), and for a task given to one named person, that
/// person, a CAB member or a change manager. <see cref="HumanTask.AssignedVia"/> keeps the original assignment across moves.
/// </summary>
public sealed class TaskDeciders
{
    private readonly IUserDirectory _users;
    private readonly IChangeStore _changes;
    private readonly ChangeCatalog _catalog;

    /// <summary>Creates the rule over the user directory, the changes (for board and field assignments) and the catalogue (boards).</summary>
    public TaskDeciders(IUserDirectory users, IChangeStore changes, ChangeCatalog catalog)
    {
        _users = users;
        _changes = changes;
        _catalog = catalog;
    }

    /// <summary>The users who may not decide on <paramref name="record"/>: its requestor and whoever created it, once each.</summary>
    public static IReadOnlyList<string> ExcludedFor(ChangeRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return new[] { record.Change.Requestor?.Id, record.CreatedBy }
            .Where(id => !string.IsNullOrWhiteSpace(id))
            .Select(id => id!)
            .Distinct(StringComparer.Ordinal)
            .ToArray();
    }

    /// <summary>Whether <paramref name="userId"/> may complete <paramref name="task"/> (exclusion first: it holds whoever the task is assigned to).</summary>
    public static DeciderCheck Check(HumanTask task, string userId)
    {
        ArgumentNullException.ThrowIfNull(task);
        return task.ExcludedUserIds.Contains(userId, StringComparer.Ordinal) ? DeciderCheck.Excluded
            : task.AssigneeUserId != userId ? DeciderCheck.NotAssignee
            : DeciderCheck.May;
    }

    /// <summary>Whether the original assignment (<see cref="HumanTask.AssignedVia"/>) of <paramref name="task"/> could have chosen <paramref name="target"/> (exclusions aside).</summary>
    public async Task<bool> MayTakeAsync(HumanTask task, UserInfo target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(target);
        var spec = task.AssignedVia?.Trim() ?? string.Empty;
        var colon = spec.IndexOf(':', StringComparison.Ordinal);
        var kind = (colon < 0 ? spec : spec[..colon]).ToUpperInvariant();
        var value = colon < 0 ? string.Empty : spec[(colon + 1)..].Trim();
        switch (kind)
        {
            case "ROLE" when value.Length > 0:
                return target.Roles.Contains(value, StringComparer.OrdinalIgnoreCase);
            case "GROUP" when value.Length > 0:
                return target.Groups.Contains(value, StringComparer.OrdinalIgnoreCase);
            case "BOARD":
                if (target.Roles.Contains(Roles.CabMember, StringComparer.Ordinal))
                {
                    return true;
                }

                var boardId = value.Length > 0 ? value : (await ChangeAsync(task, cancellationToken))?.CabBoardId;
                var board = string.IsNullOrEmpty(boardId) ? null : await _catalog.FindBoardAsync(boardId, cancellationToken);
                return board is not null && board.IsMember(target.Id);
            case "USER" or "REQUESTOR" or "FIELD":
                if (DecidesChanges(target))
                {
                    return true;
                }

                var record = await ChangeAsync(task, cancellationToken);
                if (record is null)
                {
                    return false;
                }

                try
                {
                    var named = await AssigneeResolver.ResolveAsync([spec], record, _users, _catalog, cancellationToken);
                    return named.Any(a => a.UserId == target.Id);
                }
                catch (WorkflowFaultException)
                {
                    return false;
                }

            default:
                // An assignment recorded before it was kept across moves ("reassigned by ..."): only a change manager
                // takes over a decision whose original voters are no longer known.
                return target.Roles.Contains(Roles.ChangeManager, StringComparer.Ordinal);
        }
    }

    /// <summary>Whether the user holds a role that decides on changes (a stand-in for a task given to one named person).</summary>
    private static bool DecidesChanges(UserInfo user) =>
        user.Roles.Contains(Roles.ChangeManager, StringComparer.Ordinal) || user.Roles.Contains(Roles.CabMember, StringComparer.Ordinal);

    private async Task<ChangeRecord?> ChangeAsync(HumanTask task, CancellationToken cancellationToken) =>
        task.SubjectKind == "change" && ChangeNumber.TryParse(task.SubjectId, out var number)
            ? await _changes.FindAsync(number, cancellationToken)
            : null;
}
