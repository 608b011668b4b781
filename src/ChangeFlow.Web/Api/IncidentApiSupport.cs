using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ChangeFlow.Application.Incidents;
using ChangeFlow.Domain.Common;
using ChangeFlow.Web.Security;

namespace ChangeFlow.Web.Api;

/// <summary>What the incident, problem and configuration APIs share: If-Match, record views, timelines.</summary>
internal static class IncidentApiSupport
{
    /// <summary>The JSON the incident APIs answer with: camelCase, enums by name, durations as d.hh:mm:ss, nulls left out.</summary>
    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };

    /// <summary>Reads <c>If-Match: "3"</c> (or W/"3"); null when absent. A malformed header is a 400.</summary>
    public static (long? Version, IResult? Problem) IfMatch(HttpRequest request)
    {
        var ifMatch = request.Headers.IfMatch.ToString();
        if (string.IsNullOrEmpty(ifMatch))
        {
            return (null, null);
        }

        return long.TryParse(ifMatch.Trim().TrimStart('W', '/').Trim('"'), NumberStyles.None, CultureInfo.InvariantCulture, out var version)
            ? (version, null)
            : (null, ApiResults.Invalid("If-Match", ErrorCodes.Invalid, "If-Match must be the quoted version read from the ETag, e.g. \"3\"."));
    }

    /// <summary>The acting user with the version they saw.</summary>
    public static IncidentActor Actor(HttpCurrentUser user, long? expectedVersion) => new(user.UserId!, user.Roles, expectedVersion);

    /// <summary>An incident as the API shows it: number, state, priority and version first, then the whole record.</summary>
    public static JsonObject View(IncidentRecord record)
    {
        var view = new JsonObject
        {
            ["number"] = record.Number,
            ["state"] = record.Incident.State.ToString(),
            ["priority"] = record.Incident.Priority?.ToString(),
            ["version"] = record.Version,
        };
        foreach (var (name, value) in JsonSerializer.SerializeToNode(record.Incident, IncidentJson.StorageOptions)!.AsObject().ToList())
        {
            if (!view.ContainsKey(name))
            {
                view[name] = value?.DeepClone();
            }
        }

        view["workflowInstanceId"] = record.WorkflowInstanceId;
        view["createdBy"] = record.CreatedBy;
        view["createdAt"] = record.CreatedAt;
        view["updatedAt"] = record.UpdatedAt;
        return view;
    }

    /// <summary>200 with the incident and its version as ETag.</summary>
    public static IResult Ok(IncidentRecord record) => ApiResults.WithVersion(Results.Json(View(record), Json), record.Version);

    /// <summary>A problem as the API shows it.</summary>
    public static JsonObject View(ProblemRecord record, IReadOnlyList<IncidentRecord>? incidents = null)
    {
        var view = new JsonObject { ["number"] = record.Number, ["state"] = record.Problem.State.ToString(), ["version"] = record.Version };
        foreach (var (name, value) in JsonSerializer.SerializeToNode(record.Problem, IncidentJson.StorageOptions)!.AsObject().ToList())
        {
            if (!view.ContainsKey(name))
            {
                view[name] = value?.DeepClone();
            }
        }

        view["knownError"] = record.Problem.State == Domain.Problems.ProblemState.KnownError;
        view["updatedAt"] = record.UpdatedAt;
        if (incidents is not null)
        {
            view["incidents"] = new JsonArray([.. incidents.Select(i => (JsonNode?)new JsonObject
            {
                ["number"] = i.Number,
                ["title"] = i.Incident.Title,
                ["state"] = i.Incident.State.ToString(),
                ["priority"] = i.Incident.Priority?.ToString(),
            })]);
        }

        return view;
    }

    /// <summary>Checks ?skip= and ?take= (0 or more, 1 to 500).</summary>
    public static (int Skip, int Take) Paging(string? skip, string? take, List<DomainError> errors)
    {
        var (skipCount, takeCount) = (QueryValues.Int("skip", skip, errors), QueryValues.Int("take", take, errors));
        if (skipCount is < 0)
        {
            errors.Add(new DomainError("skip", ErrorCodes.OutOfRange, "'skip' must not be negative."));
        }

        if (takeCount is < 1 or > 500)
        {
            errors.Add(new DomainError("take", ErrorCodes.OutOfRange, "'take' must be between 1 and 500."));
        }

        return (skipCount ?? 0, takeCount ?? 50);
    }
}
