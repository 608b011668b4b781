using ChangeFlow.Application.Changes;
using ChangeFlow.Application.Changes.Catalog;
using ChangeFlow.Application.Security;
using ChangeFlow.Domain.Cab;
using ChangeFlow.Domain.Changes;

namespace ChangeFlow.Application.Notifications;

/// <summary>Gathers the <see cref="NoticeFacts"/> of a change from the catalogue and the user directory.</summary>
public sealed class NoticeFactsLoader
{
    private readonly ChangeCatalog _catalog;
    private readonly IUserDirectory _users;
    private readonly NoticeOptions _options;

    /// <summary>Creates the loader.</summary>
    public NoticeFactsLoader(ChangeCatalog catalog, IUserDirectory users, NoticeOptions options)
    {
        _catalog = catalog;
        _users = users;
        _options = options;
    }

    /// <summary>The facts of <paramref name="record"/>.</summary>
    public async Task<NoticeFacts> LoadAsync(ChangeRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        var registry = await _catalog.GetRegistryAsync(cancellationToken);
        var board = record.CabBoardId is { } id ? await _catalog.FindBoardAsync(id, cancellationToken) : null;
        var manager = board?.Members.FirstOrDefault(m => m.Role == CabRole.ChangeManager) ?? board?.Members.FirstOrDefault(m => m.Role == CabRole.Chair);
        NoticeContact? changeManager = null;
        if (manager is not null)
        {
            changeManager = await ContactAsync("Change manager", manager.Person, cancellationToken);
        }
        else if (await _users.ListByRoleAsync(Roles.ChangeManager, cancellationToken) is [var user, ..])
        {
            changeManager = new NoticeContact("Change manager", user.Id, user.DisplayName, user.Email);
        }

        return new NoticeFacts
        {
            PublicBaseUrl = _options.PublicBaseUrl,
            ServiceNames = registry.Services.ToDictionary(s => s.Key, s => s.Value.Name, StringComparer.Ordinal),
            ConfigurationItemNames = registry.ConfigurationItems.ToDictionary(c => c.Key, c => c.Value.Name, StringComparer.Ordinal),
            BoardName = board?.Name,
            Requestor = record.Change.Requestor is { } requestor ? await ContactAsync("Requestor", requestor, cancellationToken) : null,
            ApplicationOwner = record.Change.ApplicationOwner is { } owner ? await ContactAsync("Application owner", owner, cancellationToken) : null,
            ChangeManager = changeManager,
            RiskScale = _catalog.RiskScale,
        };
    }

    private async Task<NoticeContact> ContactAsync(string role, Person person, CancellationToken cancellationToken)
    {
        // The dossier names people by id and role title; the directory adds the e-mail when the person is a user.
        var user = await _users.FindAsync(person.Id, cancellationToken);
        return new NoticeContact(role, person.Id, user?.DisplayName ?? person.DisplayName, user is { IsActive: true } ? user.Email : null);
    }
}
