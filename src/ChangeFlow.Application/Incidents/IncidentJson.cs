using System.Text.Json;
using System.Text.Json.Serialization;
using ChangeFlow.Domain.Incidents;
using ChangeFlow.Domain.Problems;

namespace ChangeFlow.Application.Incidents;

/// <summary>
/// How incidents and problems are written as JSON, in the database and by the API: camelCase, enums by name,
/// durations as <c>d.hh:mm:ss</c>, nulls left out, and only stored members (derived ones such as a clock's status
/// are computed again when read).
/// </summary>
public static class IncidentJson
{
    /// <summary>The options for storing records.</summary>
    public static JsonSerializerOptions StorageOptions { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        IgnoreReadOnlyProperties = true,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>The incident as JSON text.</summary>
    public static string Write(Incident incident) => JsonSerializer.Serialize(incident, StorageOptions);

    /// <summary>An incident from JSON text written by <see cref="Write(Incident)"/>.</summary>
    public static Incident ReadIncident(string json) =>
        JsonSerializer.Deserialize<Incident>(json, StorageOptions) ?? throw new JsonException("The stored incident is null.");

    /// <summary>The problem as JSON text.</summary>
    public static string Write(Problem problem) => JsonSerializer.Serialize(problem, StorageOptions);

    /// <summary>A problem from JSON text written by <see cref="Write(Problem)"/>.</summary>
    public static Problem ReadProblem(string json) =>
        JsonSerializer.Deserialize<Problem>(json, StorageOptions) ?? throw new JsonException("The stored problem is null.");
}
