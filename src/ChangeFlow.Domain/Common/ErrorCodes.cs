namespace ChangeFlow.Domain.Common;

/// <summary>
/// The stable codes of <see cref="DomainError"/>. The API maps them to ProblemDetails and tests assert on them,
/// so messages can be reworded without breaking either.
/// </summary>
public static class ErrorCodes
{
    /// <summary>A value that must be present is missing or blank.</summary>
    public const string Required = "required";

    /// <summary>A value is present but malformed or not one of the allowed values.</summary>
    public const string Invalid = "invalid";

    /// <summary>A value lies outside the range it must lie in (e.g. a decision point outside the window).</summary>
    public const string OutOfRange = "out_of_range";

    /// <summary>Items that must be in order are not.</summary>
    public const string OutOfOrder = "out_of_order";

    /// <summary>The same value appears twice where it must be unique.</summary>
    public const string Duplicate = "duplicate";

    /// <summary>An id does not name anything known.</summary>
    public const string Unknown = "unknown";

    /// <summary>The object is not in the state the caller expected (HTTP 409).</summary>
    public const string Conflict = "conflict";

    /// <summary>The operation is not allowed from the current state or for this kind of object.</summary>
    public const string NotAllowed = "not_allowed";

    /// <summary>A requestor tried to vote on their own change.</summary>
    public const string SelfApproval = "self_approval";

    /// <summary>A sequence or capacity is used up (e.g. the last change number of a year).</summary>
    public const string Exhausted = "exhausted";
}
