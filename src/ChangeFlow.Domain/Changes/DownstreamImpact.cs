namespace ChangeFlow.Domain.Changes;

/// <summary>
/// A service that is not changed but feels the change, and how (the seed: the surveillance platform "will operate in
/// read-only degraded mode during the window"). Kept apart from the changed services so notifications and incident
/// triage can tell "down on purpose" from "degraded as a side effect".
/// </summary>
/// <param name="ServiceId">The affected service's id.</param>
/// <param name="Effect">What its users will see.</param>
public sealed record DownstreamImpact(string ServiceId, string Effect);
