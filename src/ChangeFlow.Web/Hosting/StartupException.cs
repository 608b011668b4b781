namespace ChangeFlow.Web.Hosting;

/// <summary>
/// A reason the service cannot start that the operator can act on (a read-only data directory, an unusable database
/// file). Its message is one line, printed as is and without a stack trace; the process exits with 1.
/// </summary>
public sealed class StartupException : Exception
{
    public StartupException()
    {
    }

    public StartupException(string message)
        : base(message)
    {
    }

    public StartupException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
