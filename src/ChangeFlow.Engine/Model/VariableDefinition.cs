using System.Text.Json.Nodes;

namespace ChangeFlow.Engine.Model;

/// <summary>A workflow variable: typed, with a default value.</summary>
/// <param name="Id">The id outputs bind to (Elsa's <c>memoryReference.id</c>).</param>
/// <param name="Name">The name scripts use (<c>getVariable("Name")</c>).</param>
/// <param name="Type">The declared type.</param>
/// <param name="TypeName">The type name as written.</param>
/// <param name="DefaultValue">The default, already converted to <paramref name="Type"/>.</param>
public sealed record VariableDefinition(string Id, string Name, DataType Type, string TypeName, JsonNode? DefaultValue);

/// <summary>A declared workflow input or output.</summary>
/// <param name="Name">The name callers use.</param>
/// <param name="Type">The declared type.</param>
/// <param name="Description">What it is for.</param>
/// <param name="DefaultValue">The default, if any, already converted to <paramref name="Type"/>.</param>
public sealed record WorkflowParameter(string Name, DataType Type, string? Description, JsonNode? DefaultValue);
