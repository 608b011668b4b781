namespace ChangeFlow.Domain.Incidents;

/// <summary>How an incident was closed (step 7), and what was learnt.</summary>
/// <param name="Kind">Confirmed by the reporter, closed by an agent or auto-closed.</param>
/// <param name="At">When.</param>
/// <param name="By">Who (<c>system</c> when auto-closed).</param>
/// <param name="Comment">The reporter's or agent's words.</param>
public sealed record Closure(ClosureKind Kind, DateTimeOffset At, string By, string? Comment);
