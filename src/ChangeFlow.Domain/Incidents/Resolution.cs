namespace ChangeFlow.Domain.Incidents;

/// <summary>How an incident was resolved (step 6): the fix applied, the service restored.</summary>
/// <param name="Code">A short code for reports, e.g. <c>fixed</c>, <c>workaround</c>, <c>rolled-back</c>.</param>
/// <param name="Notes">What was done.</param>
/// <param name="At">When.</param>
/// <param name="By">Who.</param>
public sealed record Resolution(string Code, string Notes, DateTimeOffset At, string By);
