namespace ChangeFlow.Engine.Expressions;

/// <summary>An expression failed at run time (syntax accepted, evaluation failed or broke a limit).</summary>
public sealed class ExpressionException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ExpressionException(string code, string message, Exception? inner = null)
        : base(message, inner)
    {
        Code = code;
    }

    /// <summary>A machine-readable code: <c>ScriptTimeout</c>, <c>ScriptMemoryLimit</c>, <c>ScriptRecursionLimit</c>, <c>ScriptError</c>, <c>TemplateError</c>, <c>ConversionError</c>.</summary>
    public string Code { get; }
}
