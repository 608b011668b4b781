namespace ChangeFlow.Domain.Communication;

/// <summary>
/// One row of a change's communication plan: who is told what, when, and how. Channels may be left empty while
/// the plan is drafted (two of the seed's four rows name none).
/// </summary>
/// <param name="Audience">Who receives it, e.g. "All LIMS users".</param>
/// <param name="Message">What it says.</param>
/// <param name="When">When it goes out.</param>
/// <param name="Channels">How it reaches them.</param>
public sealed record CommunicationItem(
    string Audience,
    string Message,
    NotificationTiming When,
    IReadOnlyList<CommunicationChannel> Channels);
