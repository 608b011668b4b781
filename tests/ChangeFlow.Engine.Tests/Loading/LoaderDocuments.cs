using ChangeFlow.Engine.Activities;
using ChangeFlow.Engine.Loading;

namespace ChangeFlow.Engine.Tests.Loading;

/// <summary>Builds small Elsa-shaped definitions for loader tests, so each test shows only the part it is about.</summary>
internal static class LoaderDocuments
{
    /// <summary>A loader with the built-in activities and an empty cache.</summary>
    public static WorkflowLoader NewLoader() => new(ActivityRegistry.CreateDefault());

    /// <summary>Loads with a fresh loader.</summary>
    public static WorkflowLoadResult Load(string json) => NewLoader().Load(json);

    /// <summary>A definition whose flowchart holds <paramref name="activities"/> and <paramref name="connections"/> (JSON array items).</summary>
    public static string Flowchart(string activities, string connections = "", string variables = "", string root = "") =>
        $$"""
        {
          "id": "test-v1",
          "definitionId": "test",
          "name": "Test",
          "version": 1,
          "variables": [{{variables}}],
          "root": {
            "type": "Elsa.Flowchart",
            "id": "flow",{{root}}
            "activities": [{{activities}}],
            "connections": [{{connections}}]
          }
        }
        """;

    /// <summary>An <c>Elsa.Start</c>.</summary>
    public static string Start(string id = "start") => $$"""{ "id": "{{id}}", "type": "Elsa.Start", "version": 1 }""";

    /// <summary>An <c>Elsa.WriteLine</c> with a literal text, written as Elsa does.</summary>
    public static string WriteLine(string id, string text) =>
        $$"""{ "id": "{{id}}", "type": "Elsa.WriteLine", "version": 1, "text": { "typeName": "String", "expression": { "type": "Literal", "value": "{{text}}" } } }""";

    /// <summary>An activity of <paramref name="type"/> with extra properties (inputs, customProperties...).</summary>
    public static string Activity(string id, string type, string properties = "") =>
        $$"""{ "id": "{{id}}", "type": "{{type}}", "version": 1{{(properties.Length > 0 ? ", " + properties : "")}} }""";

    /// <summary>An input written as Elsa does: <c>{"typeName", "expression": {"type", "value"}}</c>.</summary>
    public static string Input(string name, string expressionType, string value, string typeName = "String") =>
        $$"""
        "{{name}}": { "typeName": "{{typeName}}", "expression": { "type": "{{expressionType}}", "value": {{Quote(value)}} } }
        """;

    /// <summary>A connection in the nested form Elsa 3 writes.</summary>
    public static string Connect(string source, string target, string port = "Done") =>
        $$"""{ "source": { "activity": "{{source}}", "port": "{{port}}" }, "target": { "activity": "{{target}}", "port": "In" } }""";

    /// <summary>A JSON string literal.</summary>
    public static string Quote(string text) => System.Text.Json.JsonSerializer.Serialize(text);

    /// <summary>Asserts that loading failed with exactly one error, at <paramref name="path"/>, with <paramref name="message"/>.</summary>
    public static WorkflowProblem AssertSingleError(WorkflowLoadResult result, string path, string message)
    {
        Assert.Null(result.Definition);
        Assert.False(result.Succeeded);
        var error = Assert.Single(result.Errors);
        Assert.Equal(path, error.Path);
        Assert.Equal(message, error.Message);
        return error;
    }
}
