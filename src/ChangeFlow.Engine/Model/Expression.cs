using System.Text.Json.Nodes;

namespace ChangeFlow.Engine.Model;

/// <summary>How an input's value is produced.</summary>
public enum ExpressionKind
{
    /// <summary>A constant (Elsa's <c>Literal</c>, or a bare JSON value).</summary>
    Literal,
    /// <summary>A JavaScript expression or statement body, run by Jint.</summary>
    JavaScript,
    /// <summary>A Liquid template, rendered by Fluid.</summary>
    Liquid,
    /// <summary>The current value of a workflow variable, named by id or name.</summary>
    Variable,
    /// <summary>JSON text (Elsa's <c>Object</c> and <c>Json</c>).</summary>
    Json,
}

/// <summary>An input expression as written in a definition.</summary>
/// <param name="Kind">The expression language.</param>
/// <param name="Source">The expression text, or the literal value.</param>
public sealed record Expression(ExpressionKind Kind, JsonNode? Source)
{
    /// <summary>Reads Elsa's expression type names (<c>Literal</c>, <c>JavaScript</c>, <c>Liquid</c>, <c>Variable</c>, <c>Object</c>, <c>Json</c>).</summary>
    public static ExpressionKind? ParseKind(string? type) => type?.Trim().ToLowerInvariant() switch
    {
        "literal" or null or "" => ExpressionKind.Literal,
        "javascript" or "js" => ExpressionKind.JavaScript,
        "liquid" => ExpressionKind.Liquid,
        "variable" => ExpressionKind.Variable,
        "object" or "json" => ExpressionKind.Json,
        _ => null,
    };
}
