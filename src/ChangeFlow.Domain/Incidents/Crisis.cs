namespace ChangeFlow.Domain.Incidents;

/// <summary>
/// A P1 with business-wide consequences that needs executive involvement. The seed: "knowing when a P1 becomes a
/// crisis (and who to call) should be documented before the crisis, not during it" — so the executive list is
/// configuration, and declaring is one command.
/// </summary>
/// <param name="DeclaredAt">When it was declared.</param>
/// <param name="By">Who declared it.</param>
/// <param name="Reason">The business-wide consequences.</param>
public sealed record Crisis(DateTimeOffset DeclaredAt, string By, string Reason);
