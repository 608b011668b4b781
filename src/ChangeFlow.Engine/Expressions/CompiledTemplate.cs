using Fluid;

namespace ChangeFlow.Engine.Expressions;

/// <summary>A Liquid template parsed once at load time.</summary>
internal sealed class CompiledTemplate
{
    private static readonly FluidParser Parser = new();

    private CompiledTemplate(IFluidTemplate template, string source)
    {
        Template = template;
        Source = source;
    }

    public IFluidTemplate Template { get; }

    public string Source { get; }

    public static CompiledTemplate? TryCompile(string source, out string? error)
    {
        if (Parser.TryParse(source, out var template, out var message))
        {
            error = null;
            return new CompiledTemplate(template, source);
        }

        error = "Liquid syntax error: " + message.ReplaceLineEndings(" ").Trim();
        return null;
    }
}
