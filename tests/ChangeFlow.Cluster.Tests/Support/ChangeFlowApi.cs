using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace ChangeFlow.Cluster.Tests.Support;

/// <summary>The few API calls the cluster tests make, over a node's real HTTP endpoint.</summary>
public static class ChangeFlowApi
{
    /// <summary>Starts an instance (<c>POST /api/workflow-definitions/{id}/instances</c>) and returns its id.</summary>
    public static async Task<string> StartInstanceAsync(this NodeProcess node, string definitionId, JsonObject? input = null)
    {
        using var response = await node.Http.PostAsJsonAsync($"api/workflow-definitions/{definitionId}/instances", new { input });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{node.Name} answered {(int)response.StatusCode} to starting {definitionId}: {body}");
        return JsonNode.Parse(body)!["id"]!.GetValue<string>();
    }

    /// <summary>Publishes a named event to one instance (<c>POST /api/stimuli/events/{name}</c>); returns the status code.</summary>
    public static async Task<HttpStatusCode> PublishEventAsync(this NodeProcess node, string eventName, string instanceId)
    {
        using var response = await node.Http.PostAsJsonAsync($"api/stimuli/events/{eventName}", new { instanceId });
        return response.StatusCode;
    }

    /// <summary>An instance's status (<c>GET /api/workflow-instances/{id}</c>).</summary>
    public static async Task<string> GetInstanceStatusAsync(this NodeProcess node, string instanceId)
    {
        var instance = await node.Http.GetFromJsonAsync<JsonObject>($"api/workflow-instances/{instanceId}");
        return instance!["status"]!.GetValue<string>();
    }

    /// <summary>An instance's journal (<c>GET /api/workflow-instances/{id}/journal</c>) as rows.</summary>
    public static async Task<IReadOnlyList<JournalRow>> GetJournalAsync(this NodeProcess node, string instanceId)
    {
        var entries = await node.Http.GetFromJsonAsync<JsonArray>($"api/workflow-instances/{instanceId}/journal");
        return [.. entries!.Select(e => new JournalRow(instanceId, e!["activityId"]!.GetValue<string>(), e["kind"]!.GetValue<string>()))];
    }

    /// <summary>The status code of a GET.</summary>
    public static async Task<HttpStatusCode> GetStatusAsync(this NodeProcess node, string path)
    {
        using var response = await node.Http.GetAsync(path);
        return response.StatusCode;
    }
}
