using System.Text.Json.Nodes;

namespace ChangeFlow.Web.Tests.Incidents;

/// <summary>Alertmanager webhook notifications (payload version 4) as Alertmanager 0.25 posts them.</summary>
public static class AlertmanagerPayloads
{
    /// <summary>The group key Alertmanager writes for a route grouping by alertname.</summary>
    public static string GroupKey(string alertname) => $"{{}}/{{severity=~\"critical|warning\"}}:{{alertname=\"{alertname}\"}}";

    /// <summary>One alert.</summary>
    public static JsonObject Alert(string alertname, string instance, string fingerprint, bool firing = true, string severity = "critical", string service = "lims", JsonObject? extraLabels = null)
    {
        var labels = new JsonObject { ["alertname"] = alertname, ["instance"] = instance, ["job"] = "blackbox", ["service"] = service, ["severity"] = severity };
        foreach (var (name, value) in extraLabels ?? [])
        {
            labels[name] = value?.DeepClone();
        }

        return new JsonObject
        {
            ["status"] = firing ? "firing" : "resolved",
            ["labels"] = labels,
            ["annotations"] = new JsonObject
            {
                ["summary"] = "LIMS is unreachable",
                ["description"] = $"The HTTPS probe of {instance} has failed for 2 minutes.",
            },
            ["startsAt"] = "2026-04-30T13:55:00.123456789Z",
            ["endsAt"] = firing ? "0001-01-01T00:00:00Z" : "2026-04-30T14:40:00.5Z",
            ["generatorURL"] = "http://prometheus.monitoring.example:9090/graph?g0.expr=probe_success%7Bjob%3D%22blackbox%22%7D+%3D%3D+0&g0.tab=1",
            ["fingerprint"] = fingerprint,
        };
    }

    /// <summary>A notification of a group of <paramref name="alerts"/>.</summary>
    public static JsonObject Notification(string alertname, params JsonObject[] alerts)
    {
        var firing = alerts.Any(a => a["status"]!.GetValue<string>() == "firing");
        var common = alerts[0]["labels"]!.AsObject().Where(l => alerts.All(a => a["labels"]![l.Key]?.GetValue<string>() == l.Value!.GetValue<string>()))
            .ToDictionary(l => l.Key, l => (JsonNode?)l.Value!.DeepClone());
        return new JsonObject
        {
            ["receiver"] = "changeflow",
            ["status"] = firing ? "firing" : "resolved",
            ["alerts"] = new JsonArray([.. alerts.Select(a => (JsonNode)a.DeepClone())]),
            ["groupLabels"] = new JsonObject { ["alertname"] = alertname },
            ["commonLabels"] = new JsonObject(common),
            ["commonAnnotations"] = new JsonObject { ["summary"] = "LIMS is unreachable" },
            ["externalURL"] = "http://alertmanager.monitoring.example:9093",
            ["version"] = "4",
            ["groupKey"] = GroupKey(alertname),
            ["truncatedAlerts"] = 0,
        };
    }
}
