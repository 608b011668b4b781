namespace ChangeFlow.Domain.Changes;

/// <summary>
/// How big a change is, independent of its <see cref="ChangeType"/> (the seed's RFC-2026-014 is "Normal — Major").
/// A major change must name a hard rollback decision point.
/// </summary>
public enum ChangeCategory
{
    /// <summary>Small, local, easily reversed.</summary>
    Minor = 1,

    /// <summary>Affects a service noticeably but not the organisation as a whole.</summary>
    Significant = 2,

    /// <summary>Affects many users or a critical service; gets the full dossier and a hard rollback decision point.</summary>
    Major = 3,
}
