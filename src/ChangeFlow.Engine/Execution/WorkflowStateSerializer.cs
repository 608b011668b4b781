using System.Text.Json;
using System.Text.Json.Serialization;

namespace ChangeFlow.Engine.Execution;

/// <summary>Writes and reads <see cref="WorkflowInstanceState"/> as JSON, losslessly.</summary>
public static class WorkflowStateSerializer
{
    /// <summary>The options used for instance state: camelCase, enums as strings.</summary>
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = false,
    };

    /// <summary>Serializes an instance.</summary>
    public static string Serialize(WorkflowInstanceState state) => JsonSerializer.Serialize(state, Options);

    /// <summary>Deserializes an instance written by <see cref="Serialize"/>.</summary>
    public static WorkflowInstanceState Deserialize(string json) =>
        JsonSerializer.Deserialize<WorkflowInstanceState>(json, Options)
        ?? throw new JsonException("The instance state is empty.");
}
