namespace ChangeFlow.Domain.Changes;

/// <summary>
/// Someone a change names: requestor, application owner, CAB member, voter. The <see cref="Id"/> is what rules
/// compare (a requestor may not vote on their own change), the <see cref="DisplayName"/> is what people read; the
/// seed names roles ("Head of IT Operations"), so a role title is a fine display name.
/// </summary>
/// <param name="Id">A stable id from the identity provider, compared ordinally.</param>
/// <param name="DisplayName">A name or role title.</param>
public sealed record Person(string Id, string DisplayName);
