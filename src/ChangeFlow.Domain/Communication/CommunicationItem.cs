namespace ChangeFlow.Domain.Communication;

/// <summary>
/// One row of a change's communication plan: who is told what, when, and how. Channels may be left empty while
/// the plan is drafted (two of the seed's four rows name none).
/// </summary>
/// <param name="Audience">Who receives it, as people say it, e.g. "All LIMS users".</param>
/// <param name="Message">What it says.</param>
/// <param name="When">When it goes out.</param>
/// <param name="Channels">How it reaches them.</param>
public sealed record CommunicationItem(
    string Audience,
    string Message,
    NotificationTiming When,
    IReadOnlyList<CommunicationChannel> Channels)
{
    /// <summary>The longest row id.</summary>
    public const int MaxIdLength = 64;

    /// <summary>The most recipient specs a row may name.</summary>
    public const int MaxRecipients = 50;

    /// <summary>The most attachments a row may name.</summary>
    public const int MaxAttachments = 10;

    /// <summary>
    /// A stable id for the row (letters, digits, '-', '_' and '.'), unique within the plan, so a notice already sent
    /// is recognized when rows are reordered; <see cref="DefaultId"/> (<c>comm-N</c>) when null.
    /// </summary>
    public string? Id { get; init; }

    /// <summary>
    /// Who the row's messages go to, as specs the notices resolve to people: <c>service:lims</c> (the service's
    /// users), <c>list:lab-managers</c> (a distribution list), <c>role:CabMember</c>, <c>board</c>, <c>requestor</c>,
    /// <c>stakeholders</c>, <c>user:someone@example.org</c>... Empty means the row is not sent by ChangeFlow (a phone
    /// call, a meeting) and only documents the plan.
    /// </summary>
    public IReadOnlyList<string> Recipients { get; init; } = [];

    /// <summary>The message template; by default <c>maintenance-notice</c>, or the outcome templates for rows sent on the outcome.</summary>
    public string? Template { get; init; }

    /// <summary>Files to attach (names of files in the data directory's <c>attachments</c> folder), e.g. a quick reference card.</summary>
    public IReadOnlyList<string> Attachments { get; init; } = [];

    /// <summary>The positional id of the row at <paramref name="index"/>, <c>comm-N</c> (1-based).</summary>
    public static string DefaultId(int index) => $"comm-{index + 1}";
}
