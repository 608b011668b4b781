using Acornima.Ast;
using Jint;

namespace ChangeFlow.Engine.Expressions;

/// <summary>A JavaScript expression parsed once at load time and shared by every run.</summary>
internal sealed class CompiledScript
{
    private const string ExpressionPrefix = "(function(){return (";
    private const string BodyPrefix = "(function(){";

    private CompiledScript(Prepared<Script> prepared, string source)
    {
        Prepared = prepared;
        Source = source;
        UsesVariablesObject = source.Contains("variables", StringComparison.Ordinal);
    }

    public Prepared<Script> Prepared { get; }

    public string Source { get; }

    /// <summary>Whether the script reads or writes the <c>variables</c> object (built only when needed).</summary>
    public bool UsesVariablesObject { get; }

    /// <summary>
    /// Compiles a single expression (<c>a + 1</c>) or a statement body ending with <c>return</c>. Each runs in its own
    /// function scope, so <c>const</c> declarations of one evaluation never collide with the next.
    /// </summary>
    public static CompiledScript? TryCompile(string source, out string? error)
    {
        error = null;
        try
        {
            return new CompiledScript(Jint.Engine.PrepareScript(ExpressionPrefix + source + "\n);})()", strict: false), source);
        }
        catch (ScriptPreparationException expressionError)
        {
            try
            {
                return new CompiledScript(Jint.Engine.PrepareScript(BodyPrefix + source + "\n})()", strict: false), source);
            }
            catch (ScriptPreparationException bodyError)
            {
                var useBody = source.Contains("return", StringComparison.Ordinal) || source.Contains(';', StringComparison.Ordinal);
                error = Describe(useBody ? bodyError : expressionError, useBody ? BodyPrefix.Length : ExpressionPrefix.Length);
                return null;
            }
        }
    }

    private static string Describe(ScriptPreparationException exception, int prefixLength)
    {
        if (exception.InnerException is Acornima.ParseErrorException parse)
        {
            var column = parse.LineNumber == 1 ? parse.Column - prefixLength : parse.Column;
            return $"JavaScript syntax error at line {parse.LineNumber}, column {Math.Max(1, column)}: {parse.Description}";
        }

        return "JavaScript syntax error: " + (exception.InnerException?.Message ?? exception.Message);
    }
}
