using ChangeFlow.Domain.Communication;

namespace ChangeFlow.Application.Notifications;

/// <summary>Which communication plan rows ChangeFlow sends itself.</summary>
public static class NoticeChannels
{
    /// <summary>
    /// Whether ChangeFlow sends <paramref name="row"/>: its channels include e-mail or a direct message (a personal
    /// e-mail to each recipient), or name none yet. Banners, tickets and phone calls stay with the people who own
    /// those tools; a row with only those channels documents the plan.
    /// </summary>
    public static bool IsSent(CommunicationItem row)
    {
        ArgumentNullException.ThrowIfNull(row);
        var channels = row.Channels ?? [];
        return channels.Count == 0 || channels.Contains(CommunicationChannel.Email) || channels.Contains(CommunicationChannel.DirectMessage);
    }
}
