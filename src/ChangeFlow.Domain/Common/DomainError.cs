namespace ChangeFlow.Domain.Common;

/// <summary>
/// One expected failure: what is wrong (<see cref="Message"/>), where (<see cref="Path"/>) and a stable
/// <see cref="Code"/> to branch on. Bad input is reported with these, never with exceptions, so a form or an API
/// can show every problem at once next to the field that caused it.
/// </summary>
/// <param name="Path">
/// The field in camelCase JSON-like notation, e.g. <c>window.end</c>, <c>riskRegister[2].probability</c>,
/// <c>implementationPlan.steps[3].plannedAt</c>; empty when the error is about the whole object.
/// </param>
/// <param name="Code">One of <see cref="ErrorCodes"/>; stable across message rewording.</param>
/// <param name="Message">A sentence for people.</param>
public sealed record DomainError(string Path, string Code, string Message)
{
    /// <summary>Renders <c>path: message</c>, the shape the CLI uses for workflow problems.</summary>
    public override string ToString() => Path.Length == 0 ? Message : $"{Path}: {Message}";
}
