namespace ChangeFlow.Domain.Communication;

/// <summary>How a message reaches its audience; an enum rather than free text so a sender can be chosen per channel.</summary>
public enum CommunicationChannel
{
    /// <summary>E-mail.</summary>
    Email = 1,

    /// <summary>A banner inside the affected application.</summary>
    InAppBanner = 2,

    /// <summary>A direct chat message.</summary>
    DirectMessage = 3,

    /// <summary>A ticket in the ITSM tool.</summary>
    Ticket = 4,

    /// <summary>A phone call.</summary>
    Phone = 5,
}
