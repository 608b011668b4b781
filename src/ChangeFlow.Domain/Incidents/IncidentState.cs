namespace ChangeFlow.Domain.Incidents;

/// <summary>
/// Where an incident is in the seed's seven-step lifecycle (identification, logging, categorization,
/// prioritization, diagnosis, resolution, closure), plus two hold states. See <see cref="IncidentLifecycle"/> for
/// the moves between them.
/// </summary>
public enum IncidentState
{
    /// <summary>Step 1: reported or alerted, not yet fully recorded (description, service or reporter missing).</summary>
    Identified = 1,

    /// <summary>Step 2: the full record exists: timestamp, description, affected service, reporter.</summary>
    Logged = 2,

    /// <summary>Step 3: the type of incident and the service or component are known.</summary>
    Categorized = 3,

    /// <summary>Step 4: impact and urgency give the priority.</summary>
    Prioritized = 4,

    /// <summary>Step 5: someone is investigating (the response target is met here).</summary>
    Diagnosis = 5,

    /// <summary>On hold: waiting for the user to answer or act.</summary>
    AwaitingUser = 6,

    /// <summary>On hold: waiting for a supplier.</summary>
    PendingVendor = 7,

    /// <summary>Step 6: a fix is applied and the service restored; awaiting confirmation.</summary>
    Resolved = 8,

    /// <summary>Step 7: confirmed (or auto-closed), lessons documented.</summary>
    Closed = 9,
}
