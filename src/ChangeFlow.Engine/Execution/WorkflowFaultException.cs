namespace ChangeFlow.Engine.Execution;

/// <summary>An activity's deliberate fault (e.g. <c>Elsa.Fault</c>): recorded as an incident with its code, without a stack trace.</summary>
public sealed class WorkflowFaultException : Exception
{
    /// <summary>Creates the exception.</summary>
    public WorkflowFaultException(string? code, string message)
        : base(message)
    {
        Code = code;
    }

    /// <summary>The fault code, if any.</summary>
    public string? Code { get; }
}
