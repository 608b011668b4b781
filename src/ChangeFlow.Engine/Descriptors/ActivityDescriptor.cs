using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using ChangeFlow.Engine.Model;

namespace ChangeFlow.Engine.Descriptors;

/// <summary>What kind of step an activity is, for designers and for the engine's bookkeeping.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ActivityKind>))]
public enum ActivityKind
{
    /// <summary>Runs and completes at once.</summary>
    Action,
    /// <summary>May suspend the instance on a bookmark until a stimulus, a person or a time resumes it.</summary>
    Blocking,
    /// <summary>Shapes the flow (decisions, forks, joins).</summary>
    Flow,
}

/// <summary>A typed input of an activity.</summary>
/// <param name="Name">The camelCase property name in the definition JSON (e.g. <c>timeSpan</c>).</param>
/// <param name="DisplayName">The label a designer shows.</param>
/// <param name="Type">The value type the input is converted to.</param>
/// <param name="Description">One sentence on what the input does.</param>
/// <param name="Required">Whether a definition must set it.</param>
/// <param name="DefaultValue">The value used when it is not set.</param>
/// <param name="Options">The allowed names for <see cref="DataType.Enum"/> inputs.</param>
public sealed record InputDescriptor(
    string Name,
    string DisplayName,
    [property: JsonConverter(typeof(JsonStringEnumConverter<DataType>))] DataType Type,
    string Description,
    bool Required = false,
    JsonNode? DefaultValue = null,
    IReadOnlyList<string>? Options = null)
{
    /// <summary>When false, the property is structured configuration read by the activity itself, not an expression.</summary>
    public bool IsExpression { get; init; } = true;

    /// <summary>True when the input must be a literal because the engine needs its value before running the activity.</summary>
    public bool LiteralOnly { get; init; }
}

/// <summary>An output an activity produces; a definition binds it to a variable by id.</summary>
/// <param name="Name">The camelCase property name in the definition JSON (e.g. <c>result</c>).</param>
/// <param name="Type">The value type.</param>
/// <param name="Description">One sentence on what the output holds.</param>
public sealed record OutputDescriptor(
    string Name,
    [property: JsonConverter(typeof(JsonStringEnumConverter<DataType>))] DataType Type,
    string Description);

/// <summary>
/// Everything a designer, an API or the loader needs to know about an activity type, as data.
/// </summary>
/// <param name="TypeName">The <c>type</c> written in definitions (e.g. <c>Elsa.WriteLine</c>).</param>
/// <param name="Category">The designer's toolbox group.</param>
/// <param name="DisplayName">The name a person reads.</param>
/// <param name="Description">One sentence on what the activity does.</param>
/// <param name="Kind">Action, blocking or flow.</param>
/// <param name="Inputs">The inputs it reads.</param>
/// <param name="Outputs">The outputs it produces.</param>
/// <param name="Outcomes">The outcome ports it can complete with; empty for none, see <paramref name="DynamicOutcomes"/>.</param>
/// <param name="DynamicOutcomes">True when the ports come from the activity's own configuration (switch cases, fork branches).</param>
public sealed record ActivityDescriptor(
    string TypeName,
    string Category,
    string DisplayName,
    string Description,
    ActivityKind Kind,
    IReadOnlyList<InputDescriptor> Inputs,
    IReadOnlyList<OutputDescriptor> Outputs,
    IReadOnlyList<string> Outcomes,
    bool DynamicOutcomes = false)
{
    /// <summary>The plain "Done" port.</summary>
    public static readonly IReadOnlyList<string> Done = ["Done"];

    /// <summary>The namespace part of <see cref="TypeName"/> (e.g. <c>Elsa</c>).</summary>
    public string Namespace => TypeName[..Math.Max(0, TypeName.LastIndexOf('.'))];

    /// <summary>Finds an input by name (case-insensitive).</summary>
    public InputDescriptor? FindInput(string name)
    {
        foreach (var input in Inputs)
        {
            if (string.Equals(input.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return input;
            }
        }

        return null;
    }
}
