using ChangeFlow.Application.Changes;
using ChangeFlow.Application.Changes.Catalog;
using ChangeFlow.Application.Security;
using ChangeFlow.Domain.Cab;
using ChangeFlow.Domain.Common;
using ChangeFlow.Domain.Communication;

namespace ChangeFlow.Application.Notifications;

/// <summary>
/// Turns audience specs into the people they name, each with the zone and culture they read times in: their own
/// (a user's settings, an outside member's entry), else the distribution list's, else
/// <see cref="NoticeOptions.DefaultTimeZoneId"/> and <see cref="NoticeOptions.DefaultCulture"/>, else the change
/// window's zone. Inactive users are left out; each address once (compared ignoring case), in spec order.
/// </summary>
public sealed class AudienceResolver
{
    private readonly IUserDirectory _users;
    private readonly ChangeCatalog _catalog;
    private readonly NoticeOptions _options;

    /// <summary>Creates the resolver.</summary>
    public AudienceResolver(IUserDirectory users, ChangeCatalog catalog, NoticeOptions options)
    {
        _users = users;
        _catalog = catalog;
        _options = options;
    }

    /// <summary>
    /// The people <paramref name="specs"/> name for <paramref name="record"/>; <c>stakeholders</c> also reaches the
    /// recipients of <paramref name="plan"/>'s rows (its own row excluded by the caller).
    /// </summary>
    public async Task<AudienceResolution> ResolveAsync(IEnumerable<string> specs, ChangeRecord record, IReadOnlyList<CommunicationItem>? plan, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(specs);
        ArgumentNullException.ThrowIfNull(record);
        var run = new Run(this, record, cancellationToken);
        foreach (var text in specs)
        {
            var parsed = AudienceSpec.Parse(text, "recipients");
            if (!parsed.IsSuccess)
            {
                run.Problems.Add(parsed.Errors[0].Message);
                continue;
            }

            await run.AddAsync(parsed.Value, plan ?? record.Change.CommunicationPlan, depth: 0);
        }

        return new AudienceResolution(run.Recipients, run.Problems);
    }

    /// <summary>
    /// Checks every row's recipient specs: their syntax, and that the lists, services, boards and users they name
    /// exist; errors at <c>communicationPlan[i].recipients[j]</c> (prefixed with <paramref name="prefix"/>).
    /// </summary>
    public async Task<IReadOnlyList<DomainError>> ValidateAsync(IReadOnlyList<CommunicationItem> plan, string prefix, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var errors = new List<DomainError>();
        for (var i = 0; i < plan.Count; i++)
        {
            var row = plan[i];
            var rowPath = $"{prefix}communicationPlan[{i}]";
            var recipients = row.Recipients ?? [];
            if (recipients.Count > 0 && !NoticeChannels.IsSent(row))
            {
                errors.Add(new DomainError(
                    rowPath + ".recipients",
                    ErrorCodes.NotAllowed,
                    $"ChangeFlow sends a row by e-mail (channels Email or DirectMessage, or none yet); this row goes by {string.Join(", ", row.Channels)} only, so it names no recipients."));
            }

            for (var j = 0; j < recipients.Count; j++)
            {
                var path = $"{rowPath}.recipients[{j}]";
                var parsed = AudienceSpec.Parse(recipients[j], path);
                if (!parsed.IsSuccess)
                {
                    errors.AddRange(parsed.Errors);
                    continue;
                }

                if (await UnknownAsync(parsed.Value, cancellationToken) is { } unknown)
                {
                    errors.Add(new DomainError(path, ErrorCodes.Unknown, unknown));
                }
            }
        }

        return errors;
    }

    private async Task<string?> UnknownAsync(AudienceSpec spec, CancellationToken cancellationToken) => spec.Kind switch
    {
        AudienceKind.List when await _catalog.FindDistributionListAsync(spec.Value!, cancellationToken) is null =>
            $"No distribution list '{spec.Value}' is in the catalogue (/api/catalog/distribution-lists).",
        AudienceKind.Service when await _catalog.FindServiceAudienceAsync(spec.Value!, cancellationToken) is null =>
            $"No service '{spec.Value}' is in the catalogue.",
        AudienceKind.Board when spec.Value is not null && await _catalog.FindBoardAsync(spec.Value, cancellationToken) is null =>
            $"No CAB board '{spec.Value}' is in the catalogue.",
        AudienceKind.User when await _users.FindAsync(spec.Value!, cancellationToken) is null =>
            $"No user '{spec.Value}'; name an outside address as email:<address>.",
        _ => null,
    };

    private sealed class Run(AudienceResolver owner, ChangeRecord record, CancellationToken cancellationToken)
    {
        private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
        private readonly HashSet<string> _lists = new(StringComparer.Ordinal);

        public List<NoticeRecipient> Recipients { get; } = [];

        public List<string> Problems { get; } = [];

        private string FallbackZone => owner._options.DefaultTimeZoneId
            ?? (record.Change.Window is { IsValid: true } window ? window.TimeZoneId : "Etc/UTC");

        public async Task AddAsync(AudienceSpec spec, IReadOnlyList<CommunicationItem> plan, int depth)
        {
            var users = owner._users;
            switch (spec.Kind)
            {
                case AudienceKind.User:
                    await AddUserAsync(spec.Value!, spec, null, null);
                    break;
                case AudienceKind.Email:
                    Add(new NoticeRecipient(spec.Value!, null, FallbackZone, owner._options.DefaultCulture));
                    break;
                case AudienceKind.Role:
                    AddUsers(await users.ListByRoleAsync(spec.Value!, cancellationToken), null, null);
                    break;
                case AudienceKind.Group:
                    AddUsers(await users.ListByGroupAsync(spec.Value!, cancellationToken), null, null);
                    break;
                case AudienceKind.Implementers:
                    var implementers = await users.ListByRoleAsync(Roles.Implementer, cancellationToken);
                    AddUsers(spec.Value is null ? implementers : [.. implementers.Where(u => u.Groups.Contains(spec.Value, StringComparer.Ordinal))], null, null);
                    break;
                case AudienceKind.Board:
                    await AddBoardAsync(spec.Value ?? record.CabBoardId, spec);
                    break;
                case AudienceKind.Requestor:
                    await AddPersonAsync(record.Change.Requestor?.Id, spec);
                    break;
                case AudienceKind.ApplicationOwner:
                    await AddPersonAsync(record.Change.ApplicationOwner?.Id, spec);
                    break;
                case AudienceKind.ChangeManager:
                    await AddChangeManagerAsync();
                    break;
                case AudienceKind.List:
                    await AddListAsync(spec.Value!, spec);
                    break;
                case AudienceKind.Service:
                    await AddServiceAsync(spec.Value!, spec);
                    break;
                case AudienceKind.AffectedUsers:
                    var impact = record.Change.Impact;
                    foreach (var service in (impact?.ServiceIds ?? []).Concat((impact?.DownstreamServices ?? []).Select(d => d.ServiceId)).Distinct(StringComparer.Ordinal))
                    {
                        await AddServiceAsync(service, spec);
                    }

                    break;
                case AudienceKind.PirAttendees:
                    await AddPirAttendeesAsync();
                    break;
                case AudienceKind.Stakeholders when depth == 0:
                    await AddPersonAsync(record.Change.Requestor?.Id, spec);
                    await AddPersonAsync(record.Change.ApplicationOwner?.Id, spec);
                    await AddChangeManagerAsync();
                    if (record.CabBoardId is not null)
                    {
                        await AddBoardAsync(record.CabBoardId, spec);
                    }

                    foreach (var row in plan)
                    {
                        foreach (var text in row.Recipients ?? [])
                        {
                            if (AudienceSpec.Parse(text, "recipients") is { IsSuccess: true } other && other.Value.Kind != AudienceKind.Stakeholders)
                            {
                                await AddAsync(other.Value, plan, depth + 1);
                            }
                        }
                    }

                    break;
                default:
                    break;
            }
        }

        private async Task AddBoardAsync(string? boardId, AudienceSpec spec)
        {
            if (string.IsNullOrWhiteSpace(boardId))
            {
                Problems.Add($"{spec}: {record.Number} is on no CAB board's agenda yet.");
                return;
            }

            var board = await owner._catalog.FindBoardAsync(boardId, cancellationToken);
            if (board is null)
            {
                Problems.Add($"{spec}: no CAB board '{boardId}' is in the catalogue.");
                return;
            }

            foreach (var member in board.Members)
            {
                await AddUserAsync(member.Person.Id, spec, null, null);
            }
        }

        private async Task AddChangeManagerAsync()
        {
            var board = record.CabBoardId is { } id ? await owner._catalog.FindBoardAsync(id, cancellationToken) : null;
            var member = board?.Members.FirstOrDefault(m => m.Role == CabRole.ChangeManager) ?? board?.Members.FirstOrDefault(m => m.Role == CabRole.Chair);
            if (member is not null && await owner._users.FindAsync(member.Person.Id, cancellationToken) is { IsActive: true } user)
            {
                AddUsers([user], null, null);
                return;
            }

            AddUsers(await owner._users.ListByRoleAsync(Roles.ChangeManager, cancellationToken), null, null);
        }

        private async Task AddPersonAsync(string? id, AudienceSpec spec)
        {
            if (string.IsNullOrWhiteSpace(id))
            {
                return;
            }

            await AddUserAsync(id, spec, null, null);
        }

        private async Task AddUserAsync(string idOrEmail, AudienceSpec spec, string? listZone, string? listCulture)
        {
            var user = await owner._users.FindAsync(idOrEmail, cancellationToken);
            if (user is null)
            {
                Problems.Add($"{spec}: no user '{idOrEmail}'.");
            }
            else if (!user.IsActive)
            {
                Problems.Add($"{spec}: {user.Email} is deactivated and is not told.");
            }
            else
            {
                AddUsers([user], listZone, listCulture);
            }
        }

        private void AddUsers(IEnumerable<UserInfo> users, string? listZone, string? listCulture)
        {
            foreach (var user in users.Where(u => u.IsActive))
            {
                Add(new NoticeRecipient(
                    user.Email,
                    user.DisplayName,
                    user.TimeZoneId ?? listZone ?? FallbackZone,
                    user.Culture ?? listCulture ?? owner._options.DefaultCulture,
                    user.Id));
            }
        }

        private async Task AddListAsync(string listId, AudienceSpec spec)
        {
            if (!_lists.Add(listId))
            {
                return;
            }

            var list = await owner._catalog.FindDistributionListAsync(listId, cancellationToken);
            if (list is null)
            {
                Problems.Add($"{spec}: no distribution list '{listId}' is in the catalogue.");
                return;
            }

            if (list.Members.Count == 0)
            {
                Problems.Add($"{spec}: the distribution list '{listId}' ({list.Name}) has no members.");
            }

            await AddMembersAsync(list.Members, list.TimeZoneId, list.Culture, spec);
        }

        private async Task AddServiceAsync(string serviceId, AudienceSpec spec)
        {
            var audience = await owner._catalog.FindServiceAudienceAsync(serviceId, cancellationToken);
            if (audience is null)
            {
                Problems.Add($"{spec}: no service '{serviceId}' is in the catalogue.");
                return;
            }

            if (audience.Users.Count == 0 && audience.DistributionLists.Count == 0)
            {
                Problems.Add($"{spec}: the service '{serviceId}' ({audience.Name}) names no users or distribution lists.");
            }

            await AddMembersAsync(audience.Users, null, null, spec);
            foreach (var list in audience.DistributionLists)
            {
                await AddListAsync(list, spec);
            }
        }

        private async Task AddMembersAsync(IReadOnlyList<DistributionMember> members, string? listZone, string? listCulture, AudienceSpec spec)
        {
            foreach (var member in members)
            {
                if (member.UserId is { } userId)
                {
                    await AddUserAsync(userId, spec, listZone, listCulture);
                }
                else
                {
                    Add(new NoticeRecipient(
                        member.Email!,
                        member.Name,
                        member.TimeZoneId ?? listZone ?? FallbackZone,
                        member.Culture ?? listCulture ?? owner._options.DefaultCulture));
                }
            }
        }

        private async Task AddPirAttendeesAsync()
        {
            foreach (var attendee in record.Change.PostImplementationReview?.Attendees ?? [])
            {
                // Attendees are free text ("IT Ops lead"); those that name people — a spec, a user, an address — are invited.
                if (attendee.Contains(':', StringComparison.Ordinal) && AudienceSpec.Parse(attendee, "attendees") is { IsSuccess: true } named
                    && named.Value.Kind is not (AudienceKind.PirAttendees or AudienceKind.Stakeholders))
                {
                    await AddAsync(named.Value, [], depth: 1);
                }
                else if (await owner._users.FindAsync(attendee, cancellationToken) is { IsActive: true } user)
                {
                    AddUsers([user], null, null);
                }
                else if (System.Net.Mail.MailAddress.TryCreate(attendee, out var address) && address.Address == attendee)
                {
                    Add(new NoticeRecipient(attendee, null, FallbackZone, owner._options.DefaultCulture));
                }
            }
        }

        private void Add(NoticeRecipient recipient)
        {
            if (_seen.Add(recipient.Key))
            {
                Recipients.Add(recipient);
            }
        }
    }
}
