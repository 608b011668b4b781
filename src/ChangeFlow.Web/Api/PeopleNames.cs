using ChangeFlow.Application.Changes.Activities;
using ChangeFlow.Application.Common;
using ChangeFlow.Application.Security;

namespace ChangeFlow.Web.Api;

/// <summary>
/// The display names of the people an answer names by id, so a reader sees "Aïssatou Diallo" where the JSON keeps
/// <c>usr_…</c> for programs. The system actor (timers, start-up) is named "ChangeFlow"; an unknown id has no name.
/// </summary>
internal static class PeopleNames
{
    /// <summary>The name shown for actions ChangeFlow took by itself.</summary>
    public const string SystemName = "ChangeFlow";

    /// <summary>Looks every distinct id up once and answers by id (null for an unknown id or none).</summary>
    public static async Task<Func<string?, string?>> ForAsync(IUserDirectory users, IEnumerable<string?> ids, CancellationToken ct)
    {
        var names = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var id in ids.OfType<string>().Where(id => id.Length > 0).Distinct(StringComparer.Ordinal))
        {
            names[id] = id == ChangeActivity.SystemActor ? SystemName
                : await users.FindAsync(id, ct) is { } user ? (string.IsNullOrWhiteSpace(user.DisplayName) ? user.Email : user.DisplayName)
                : null;
        }

        return id => id is not null && names.TryGetValue(id, out var name) ? name : null;
    }

    /// <summary>A timeline as the API shows it (changes, incidents and problems alike), each actor with their name.</summary>
    public static async Task<IResult> TimelineAsync(IReadOnlyList<TimelineEntry> entries, IUserDirectory users, CancellationToken ct)
    {
        var name = await ForAsync(users, entries.Select(e => e.Actor), ct);
        return TypedResults.Ok(entries.Select(e => new
        {
            e.Id,
            e.At,
            e.Actor,
            actorName = name(e.Actor),
            e.Action,
            e.Summary,
            workflowStep = e.ActivityId is null ? null : new { instanceId = e.InstanceId, activityId = e.ActivityId, activityName = e.ActivityName },
            e.Data,
        }));
    }
}
