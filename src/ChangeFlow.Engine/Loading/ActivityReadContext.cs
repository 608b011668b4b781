using System.Text.Json.Nodes;
using ChangeFlow.Engine.Descriptors;
using ChangeFlow.Engine.Model;

namespace ChangeFlow.Engine.Loading;

/// <summary>What an activity gets to read its structured settings: the raw JSON, its path, and the loader's helpers.</summary>
public sealed class ActivityReadContext
{
    private readonly WorkflowLoader.Session _session;

    internal ActivityReadContext(WorkflowLoader.Session session, JsonObject activity, string path)
    {
        _session = session;
        Raw = activity;
        Path = path;
    }

    /// <summary>The activity object as written.</summary>
    public JsonObject Raw { get; }

    /// <summary>The activity's JSON path.</summary>
    public string Path { get; }

    /// <summary>Reports an error at a path.</summary>
    public void Error(string path, string message) => _session.Error(path, message);

    /// <summary>Reports a warning at a path.</summary>
    public void Warning(string path, string message) => _session.Warning(path, message);

    /// <summary>Finds a workflow variable by id, then by name.</summary>
    public VariableDefinition? FindVariable(string idOrName) => _session.FindVariable(idOrName);

    /// <summary>Compiles an expression-shaped value (Elsa's <c>{typeName, expression}</c> or a bare value) as if it were <paramref name="input"/>.</summary>
    public InputBinding? Compile(JsonNode? value, InputDescriptor input, string path) => _session.CompileInput(value, input, path);

    /// <summary>Reads a property case-insensitively.</summary>
    public static JsonNode? Property(JsonObject obj, string name) => WorkflowLoader.Property(obj, name);
}
