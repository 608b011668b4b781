namespace ChangeFlow.Domain.Incidents;

/// <summary>One move of an incident's lifecycle, kept for audit and for the metrics (time to acknowledge, to resolve).</summary>
/// <param name="From">The state before (null for the first entry).</param>
/// <param name="To">The state after.</param>
/// <param name="At">When.</param>
/// <param name="By">Who.</param>
/// <param name="Note">Why, if given.</param>
public sealed record IncidentTransition(IncidentState? From, IncidentState To, DateTimeOffset At, string By, string? Note = null);
