using ChangeFlow.Domain.Changes;
using ChangeFlow.Domain.Registry;
using ChangeFlow.Domain.Risk;

namespace ChangeFlow.Application.Changes.Dossier;

/// <summary>How a dossier from a request is turned into a <see cref="ChangeRequest"/>.</summary>
public sealed record DossierReadOptions
{
    /// <summary>
    /// The number the change gets; the request's own <c>number</c> is read-only and ignored. When null the change is
    /// left without a number and its absence is not reported, for validating before a number is allocated.
    /// </summary>
    public ChangeNumber? Number { get; init; }

    /// <summary>Overrides the request's <c>submittedAt</c> (e.g. with the server's clock at submission) when set.</summary>
    public DateTimeOffset? SubmittedAt { get; init; }

    /// <summary>
    /// Whether the dossier must be complete and consistent (<see cref="ChangeRequestValidator"/>). When false only the
    /// shape and the size limits are checked, for a draft that is still being written.
    /// </summary>
    /// <value>The default is true.</value>
    public bool RequireComplete { get; init; } = true;

    /// <summary>The risk scale the validator rates with; <see cref="RiskScale.Default"/> when null.</summary>
    public RiskScale? Scale { get; init; }

    /// <summary>When set, configuration item and service ids must name entries of this registry.</summary>
    public ConfigurationRegistry? Registry { get; init; }

    /// <summary>Put in front of every error path, e.g. <c>dossier</c> when the dossier is one property of a larger body.</summary>
    /// <value>The default is empty: paths start at the dossier's own properties.</value>
    public string PathPrefix { get; init; } = string.Empty;

    /// <summary>Whether size limits are skipped: for records the store wrote itself, which must load whatever they hold.</summary>
    internal bool Trusted { get; init; }
}

/// <summary>The size limits of a dossier in a request; larger values are reported with their path, not truncated.</summary>
public static class DossierLimits
{
    /// <summary>The largest request body read, in UTF-8 bytes.</summary>
    public const int MaxPayloadBytes = 1_000_000;

    /// <summary>The longest title (<see cref="ChangeRequestValidator.MaxTitleLength"/>).</summary>
    public const int MaxTitleLength = ChangeRequestValidator.MaxTitleLength;

    /// <summary>The longest id, name, role or zone id.</summary>
    public const int MaxNameLength = 200;

    /// <summary>The longest prose field (justification, mitigation, message, note...).</summary>
    public const int MaxTextLength = 10_000;

    /// <summary>The most rows or items of any list.</summary>
    public const int MaxItems = 200;
}
