using System.Text.Json;
using System.Text.Json.Nodes;
using ChangeFlow.Engine.Execution;
using System.Runtime.CompilerServices;
using Fluid;

namespace ChangeFlow.Engine.Expressions;

/// <summary>Renders Liquid templates with Elsa's names (<c>Variables</c>, <c>Input</c>, <c>WorkflowInstanceId</c>, ...).</summary>
internal static class LiquidRenderer
{
    // Options are immutable in Fluid 3; one per ScriptOptions instance (there is one per host).
    private static readonly ConditionalWeakTable<ScriptOptions, TemplateOptions> OptionsFor = [];

    public static string Render(CompiledTemplate template, RunScope scope, ScriptOptions options, string path)
    {
        var templateOptions = OptionsFor.GetValue(options, o => new TemplateOptionsBuilder().WithLimits(o).Build());
        var context = new TemplateContext(templateOptions);
        var variables = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var variable in scope.Definition.Variables)
        {
            variables[variable.Name] = ToPlain(scope.GetVariable(variable.Name));
        }

        var input = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (name, value) in scope.State.Input)
        {
            input[name] = ToPlain(value);
        }

        context.SetValue("Variables", variables);
        context.SetValue("Input", input);
        context.SetValue("WorkflowInstanceId", scope.State.Id);
        context.SetValue("CorrelationId", scope.State.CorrelationId ?? "");
        context.SetValue("WorkflowDefinitionId", scope.Definition.DefinitionId);
        context.SetValue("WorkflowDefinitionVersion", scope.Definition.Version);
        foreach (var (name, value) in scope.Globals)
        {
            context.SetValue(name, Fluid.Values.FluidValue.Create(ToPlain(value), templateOptions));
        }

        using var timeLimit = LiquidLimits.TimeLimit(options, scope.CancellationToken);
        context.CancellationToken = timeLimit.Token;
        try
        {
            return template.Template.Render(context);
        }
        catch (Exception ex) when (LiquidLimits.Describe(ex, timeLimit, scope.CancellationToken) is { } problem)
        {
            throw new ExpressionException("TemplateError", $"The Liquid template at {path} failed: {problem}", ex);
        }
    }

    /// <summary>JSON to the plain dictionaries, lists and primitives Fluid understands.</summary>
    public static object? ToPlain(JsonNode? node) => node switch
    {
        null => null,
        JsonObject obj => obj.ToDictionary(p => p.Key, p => ToPlain(p.Value), StringComparer.Ordinal),
        JsonArray array => array.Select(ToPlain).ToList(),
        JsonValue value => value.GetValueKind() switch
        {
            JsonValueKind.String => value.GetValue<string>(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Number => ValueConverter.TryGetNumber(value, out decimal m) ? m : null,
            _ => null,
        },
        _ => null,
    };
}
