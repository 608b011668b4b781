using System.Text;
using ChangeFlow.Application.Calendar;
using ChangeFlow.Domain.Changes;

namespace ChangeFlow.Application.Changes;

/// <summary>
/// The forward schedule of changes as calendar events: one event per change window, tentative until the change is
/// authorized, cancelled when it is rejected or cancelled. The event has the UID the window's invitations have
/// (<see cref="ChangeEventUids.Window"/>) and the record version as its sequence, so a subscribed calendar moves or
/// cancels the event it already shows, and a calendar holding the invitation too shows the window once.
/// </summary>
public static class ForwardSchedule
{
    /// <summary>The event for one change, or null when it has no window.</summary>
    /// <param name="record">The change.</param>
    /// <param name="uidDomain">The domain of calendar UIDs (the invitations' domain).</param>
    /// <param name="link">A link to the change, when the service knows its public address.</param>
    public static CalendarEvent? ToEvent(ChangeRecord record, string uidDomain, Uri? link = null)
    {
        ArgumentNullException.ThrowIfNull(record);
        var change = record.Change;
        if (change.Window is not { } window)
        {
            return null;
        }

        var description = new StringBuilder();
        description.Append(change.Type).Append(" change, ").Append(change.State);
        if (change.Outcome is { } outcome)
        {
            description.Append(" (").Append(outcome).Append(')');
        }

        description.Append(".\nWindow: ").Append(window.ToLocalString()).Append('.');
        if (change.RollbackDecisionPoint is { } decisionPoint)
        {
            description.Append("\nHard rollback decision point: ")
                .Append(window.Calendar.ToLocal(decisionPoint).ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture))
                .Append(' ').Append(window.TimeZoneId).Append('.');
        }

        var items = change.Impact?.ConfigurationItemIds ?? [];
        if (items.Count > 0)
        {
            description.Append("\nConfiguration items: ").Append(string.Join(", ", items)).Append('.');
        }

        return new CalendarEvent
        {
            Uid = ChangeEventUids.Window(record.Number, uidDomain),
            Start = window.Start,
            End = window.End,
            Summary = $"{record.Number}: {change.Title}",
            Description = description.ToString(),
            Location = items.Count > 0 ? string.Join(", ", items) : null,
            Url = link,
            Status = change.State switch
            {
                ChangeState.Rejected or ChangeState.Canceled => CalendarEventStatus.Cancelled,
                ChangeState.New or ChangeState.Assess or ChangeState.Authorize => CalendarEventStatus.Tentative,
                _ => CalendarEventStatus.Confirmed,
            },
            Sequence = (int)Math.Min(record.Version, int.MaxValue),
            Categories = [change.Type.ToString(), change.Category.ToString()],
            LastModified = record.UpdatedAt,
        };
    }
}
