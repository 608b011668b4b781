using System.Text.Json.Nodes;
using ChangeFlow.Application.Changes.Catalog;
using ChangeFlow.Application.Security;
using ChangeFlow.Engine.Execution;

namespace ChangeFlow.Application.Changes.Activities;

/// <summary>One person a task goes to, and the spec that chose them.</summary>
/// <param name="UserId">The user id.</param>
/// <param name="Via">The spec, e.g. <c>role:CabMember</c>.</param>
public sealed record ResolvedAssignee(string UserId, string Via);

/// <summary>
/// Turns assignee specs into active users: <c>user:&lt;id|email&gt;</c>, <c>role:&lt;Role&gt;</c>,
/// <c>group:&lt;group&gt;</c>, <c>board:&lt;cabBoardId&gt;</c> (its members; <c>board</c> alone is the change's board),
/// <c>requestor</c>, and <c>field:&lt;path&gt;</c> (a user id or list of ids in the <c>change</c> object, e.g.
/// <c>field:applicationOwner</c>). Each user once, in spec order; inactive users are left out.
/// </summary>
public static class AssigneeResolver
{
    /// <summary>Resolves <paramref name="specs"/> for <paramref name="record"/>; a malformed spec faults.</summary>
    public static async Task<IReadOnlyList<ResolvedAssignee>> ResolveAsync(
        IReadOnlyList<string> specs,
        ChangeRecord record,
        IUserDirectory users,
        ChangeCatalog catalog,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(specs);
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(users);
        ArgumentNullException.ThrowIfNull(catalog);
        var result = new List<ResolvedAssignee>();
        foreach (var raw in specs)
        {
            var spec = raw?.Trim() ?? string.Empty;
            var colon = spec.IndexOf(':', StringComparison.Ordinal);
            var kind = (colon < 0 ? spec : spec[..colon]).ToUpperInvariant();
            var value = colon < 0 ? string.Empty : spec[(colon + 1)..].Trim();
            IEnumerable<UserInfo?> found = kind switch
            {
                "USER" when value.Length > 0 => [await users.FindAsync(value, cancellationToken)],
                "ROLE" when value.Length > 0 => await users.ListByRoleAsync(value, cancellationToken),
                "GROUP" when value.Length > 0 => await users.ListByGroupAsync(value, cancellationToken),
                "BOARD" => await BoardMembersAsync(value.Length > 0 ? value : record.CabBoardId, record, users, catalog, cancellationToken),
                "REQUESTOR" when record.Change.Requestor is { } requestor => [await users.FindAsync(requestor.Id, cancellationToken)],
                "REQUESTOR" => [],
                "FIELD" when value.Length > 0 => await FieldUsersAsync(value, record, users, cancellationToken),
                _ => throw new WorkflowFaultException(
                    "InvalidAssignee",
                    $"'{raw}' is not an assignee spec (user:<id|email>, role:<Role>, group:<group>, board:<id>, requestor, field:<path>)."),
            };
            foreach (var user in found)
            {
                if (user is { IsActive: true } && !result.Any(r => r.UserId == user.Id))
                {
                    result.Add(new ResolvedAssignee(user.Id, spec));
                }
            }
        }

        return result;
    }

    private static async Task<IEnumerable<UserInfo?>> BoardMembersAsync(string? boardId, ChangeRecord record, IUserDirectory users, ChangeCatalog catalog, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(boardId))
        {
            throw new WorkflowFaultException("InvalidAssignee", $"{record.Number} is on no CAB board's agenda, so 'board' names nobody; schedule it first or name the board.");
        }

        var board = await catalog.FindBoardAsync(boardId, cancellationToken)
            ?? throw new WorkflowFaultException("InvalidAssignee", $"No CAB board '{boardId}' is in the catalogue.");
        var members = new List<UserInfo?>();
        foreach (var member in board.Members)
        {
            members.Add(await users.FindAsync(member.Person.Id, cancellationToken));
        }

        return members;
    }

    private static async Task<IEnumerable<UserInfo?>> FieldUsersAsync(string path, ChangeRecord record, IUserDirectory users, CancellationToken cancellationToken)
    {
        JsonNode? node = ChangeSnapshot.ToJson(record);
        foreach (var part in path.Split('.', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).SkipWhile(p => p == "change"))
        {
            node = node is JsonObject obj && obj.TryGetPropertyValue(part, out var child) ? child : null;
        }

        var ids = node switch
        {
            JsonArray array => array.Select(item => item?.ToString()).ToList(),
            JsonValue value => [value.ToString()],
            _ => [],
        };
        var found = new List<UserInfo?>();
        foreach (var id in ids.Where(id => !string.IsNullOrWhiteSpace(id)))
        {
            found.Add(await users.FindAsync(id!, cancellationToken));
        }

        return found;
    }
}
