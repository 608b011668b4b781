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
        // "a + 1;" is still a single expression: without its trailing semicolons it fits the expression form, where
        // otherwise it would become a statement body without return and silently evaluate to undefined.
        var expression = source.TrimEnd().TrimEnd(';');
        try
        {
            return new CompiledScript(Jint.Engine.PrepareScript(ExpressionPrefix + expression + "\n);})()", strict: false), source);
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
                error = Describe(useBody ? bodyError : expressionError, useBody ? BodyPrefix.Length : ExpressionPrefix.Length, useBody ? source : expression);
                return null;
            }
        }
    }

    private static string Describe(ScriptPreparationException exception, int prefixLength, string source)
    {
        if (exception.InnerException is Acornima.ParseErrorException parse)
        {
            // The wrapper adds a prefix to line 1 and a suffix on a line after the source: an error in the suffix means
            // the script ended too early, so it is reported at the end of the source.
            var lines = source.ReplaceLineEndings("\n").Split('\n');
            if (parse.LineNumber > lines.Length)
            {
                return $"JavaScript syntax error at line {lines.Length}, column {lines[^1].Length + 1}: Unexpected end of script";
            }

            // Acornima's column is zero-based; people count from 1.
            var column = parse.Column + 1 - (parse.LineNumber == 1 ? prefixLength : 0);
            return $"JavaScript syntax error at line {parse.LineNumber}, column {Math.Max(1, column)}: {parse.Description}";
        }

        return "JavaScript syntax error: " + (exception.InnerException?.Message ?? exception.Message);
    }
}
