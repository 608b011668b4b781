namespace ChangeFlow.Application.Calendar;

/// <summary>
/// The calendar UIDs of a change's events. The forward-schedule feed and the invitations sent by mail give the same
/// real-world event the same UID, so a calendar that holds both shows the change's window once.
/// </summary>
public static class ChangeEventUids
{
    /// <summary>The UID of <paramref name="number"/>'s change window (<c>rfc-2026-014-window@domain</c>).</summary>
    public static string Window(string number, string domain) => Uid(number, "window", domain);

    /// <summary>The UID of <paramref name="number"/>'s post-implementation review (<c>rfc-2026-014-pir@domain</c>).</summary>
    public static string Review(string number, string domain) => Uid(number, "pir", domain);

    private static string Uid(string number, string purpose, string domain)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(number);
        ArgumentException.ThrowIfNullOrWhiteSpace(domain);
        return $"{number.ToLowerInvariant()}-{purpose}@{domain}";
    }
}
