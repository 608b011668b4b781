using ChangeFlow.Application.Incidents.Config;
using ChangeFlow.Application.Notifications;
using ChangeFlow.Application.Security;
using ChangeFlow.Domain.Incidents;

namespace ChangeFlow.Application.Incidents;

/// <summary>
/// Turns recipient specs (<c>team-manager</c>, <c>head-of-it</c>, <c>assignee</c>, <c>assignment-group</c>,
/// <c>reporter</c>, <c>group:slug</c>, <c>role:Name</c>, <c>user:id</c>, an e-mail address) into addresses: people
/// through the user directory (active users only), the team manager from the service's responsible team, the head
/// of IT and the crisis list from the settings. Each address appears once.
/// </summary>
public sealed class IncidentRecipients
{
    private readonly IUserDirectory _users;

    /// <summary>Creates the resolver.</summary>
    public IncidentRecipients(IUserDirectory users) => _users = users;

    /// <summary>The addresses <paramref name="specs"/> name for <paramref name="incident"/>.</summary>
    public async Task<IReadOnlyList<MailRecipient>> ResolveAsync(IEnumerable<string> specs, Incident incident, IncidentConfiguration config, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(specs);
        ArgumentNullException.ThrowIfNull(incident);
        ArgumentNullException.ThrowIfNull(config);
        var found = new List<MailRecipient>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        void Add(string address, string? name)
        {
            if (seen.Add(address))
            {
                found.Add(new MailRecipient(address, name));
            }
        }

        async Task AddUserAsync(string? idOrEmail)
        {
            if (string.IsNullOrWhiteSpace(idOrEmail))
            {
                return;
            }

            if (await _users.FindAsync(idOrEmail, cancellationToken) is { IsActive: true } user)
            {
                Add(user.Email, user.DisplayName);
            }
            else if (EscalationPolicy.IsEmailAddress(idOrEmail))
            {
                Add(idOrEmail, null);
            }
        }

        async Task ExpandAsync(string spec, int depth)
        {
            switch (spec)
            {
                case "assignee":
                    await AddUserAsync(incident.AssigneeId);
                    break;
                case "reporter":
                    await AddUserAsync(incident.ReporterId);
                    break;
                case "assignment-group" when incident.AssignmentGroup is { } group:
                    foreach (var member in await _users.ListByGroupAsync(group, cancellationToken))
                    {
                        Add(member.Email, member.DisplayName);
                    }

                    break;
                case "team-manager" when depth == 0:
                    if (incident.ServiceId is { } serviceId && config.Services.TryGetValue(serviceId, out var service) && service.Team.Manager is { } manager)
                    {
                        await ExpandAsync(manager, depth + 1);
                    }

                    break;
                case "head-of-it" when depth == 0:
                    foreach (var head in config.Settings.HeadOfIt)
                    {
                        await ExpandAsync(head, depth + 1);
                    }

                    break;
                default:
                    if (spec.StartsWith("group:", StringComparison.Ordinal))
                    {
                        foreach (var member in await _users.ListByGroupAsync(spec[6..], cancellationToken))
                        {
                            Add(member.Email, member.DisplayName);
                        }
                    }
                    else if (spec.StartsWith("role:", StringComparison.Ordinal))
                    {
                        foreach (var holder in await _users.ListByRoleAsync(spec[5..], cancellationToken))
                        {
                            Add(holder.Email, holder.DisplayName);
                        }
                    }
                    else if (spec.StartsWith("user:", StringComparison.Ordinal))
                    {
                        await AddUserAsync(spec[5..]);
                    }
                    else if (EscalationPolicy.IsEmailAddress(spec))
                    {
                        await AddUserAsync(spec);
                    }

                    break;
            }
        }

        foreach (var spec in specs)
        {
            await ExpandAsync(spec, 0);
        }

        return found;
    }
}
