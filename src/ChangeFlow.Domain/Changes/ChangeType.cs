namespace ChangeFlow.Domain.Changes;

/// <summary>
/// The three ITIL 4 change types. The type decides who authorizes the change and therefore which states it passes
/// through (<see cref="ChangeLifecycle"/>) and how much of the dossier is required (<see cref="ChangeRequestValidator"/>).
/// </summary>
/// <remarks>Values start at 1 so an unset value (0) is caught by validation instead of silently meaning Standard.</remarks>
public enum ChangeType
{
    /// <summary>Low risk, well understood, pre-authorized (e.g. antivirus update): goes from New straight to Scheduled.</summary>
    Standard = 1,

    /// <summary>Risk varies; assessed and authorized by a change authority or the CAB (e.g. an application deployment).</summary>
    Normal = 2,

    /// <summary>Must be done now (e.g. a critical security patch); authorized fast-track by the emergency authority, skipping Assess.</summary>
    Emergency = 3,
}
