using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ChangeFlow.Application.Changes.Dossier;
using ChangeFlow.Domain.Changes;
using ChangeFlow.Domain.Demo;
using ChangeFlow.Persistence;
using ChangeFlow.Persistence.Stores;
using ChangeFlow.Testing;
using ChangeFlow.Web.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ChangeFlow.Web.Tests.Changes;

/// <summary>A server that imports the shipped workflows (so submitted changes really start them) with the default catalogue.</summary>
public class ChangeApiFixture : ChangeFlowServerFixture
{
    protected override ChangeFlowServerOptions Options => new() { WorkflowsDirectory = RepositoryPaths.Workflows };
}

/// <summary>What the database holds about changes, to show that a refused request stored nothing.</summary>
/// <param name="Changes">Rows of <c>changes</c>.</param>
/// <param name="TimelineEntries">Rows of <c>timeline_entries</c>.</param>
/// <param name="NumbersAllocated">RFC numbers handed out so far, over every year.</param>
/// <param name="WorkflowInstances">Rows of <c>workflow_instances</c>.</param>
/// <param name="Tasks">Rows of <c>human_tasks</c>.</param>
public sealed record StoredCounts(int Changes, int TimelineEntries, int NumbersAllocated, int WorkflowInstances, int Tasks);

/// <summary>Dossiers, request bodies and database counts for the change API tests.</summary>
public static class ChangeApi
{
    /// <summary>The seed's RFC-2026-014 dossier in its JSON contract form (a fresh copy each call).</summary>
    public static JsonObject Rfc2026014() =>
        JsonNode.Parse(JsonSerializer.Serialize(DossierMapper.ToDto(DemoData.Rfc2026014()), DossierJson.Options))!.AsObject();

    /// <summary>RFC-2026-014 requested by <paramref name="requestorId"/>, its window (and every planned time) moved by <paramref name="shift"/>.</summary>
    public static JsonObject Rfc2026014(string requestorId, TimeSpan shift = default)
    {
        var dossier = Rfc2026014();
        dossier["requestor"] = new JsonObject { ["id"] = requestorId, ["displayName"] = requestorId };
        dossier.Remove("number");
        return shift == TimeSpan.Zero ? dossier : Shift(dossier, shift);
    }

    /// <summary>
    /// A low-risk standard change on the LIMS from <paramref name="start"/> for an hour (local time of Africa/Lagos),
    /// built from the seed so it is otherwise complete.
    /// </summary>
    public static JsonObject StandardLimsChange(string requestorId, DateTimeOffset start)
    {
        var dossier = Rfc2026014(requestorId);
        dossier["type"] = nameof(ChangeType.Standard);
        dossier["category"] = nameof(ChangeCategory.Minor);
        dossier["title"] = "Restart the LIMS application service";
        var seedStart = dossier["window"]!["start"]!.GetValue<DateTimeOffset>();
        var shifted = Shift(dossier, start - seedStart);
        shifted["window"]!["end"] = JsonValue.Create(start.AddHours(1));
        shifted["rollbackDecisionPoint"] = JsonValue.Create(start.AddMinutes(10));
        shifted["impact"]!["duration"] = "PT1H";
        shifted.Remove("cabReviewAt");
        shifted.Remove("submittedAt");
        foreach (var row in shifted["riskRegister"]!.AsArray())
        {
            row!["probability"] = "Low";
            row["impact"] = "Low";
            row.AsObject().Remove("score");
            row.AsObject().Remove("level");
        }

        shifted["implementationPlan"]!["steps"] = new JsonArray(shifted["implementationPlan"]!["steps"]!.AsArray().Take(2).Select(s => s!.DeepClone()).ToArray());
        var steps = shifted["implementationPlan"]!["steps"]!.AsArray();
        steps[0]!["plannedAt"] = JsonValue.Create(start);
        steps[1]!["plannedAt"] = JsonValue.Create(start.AddMinutes(5));
        return shifted;
    }

    /// <summary>The body of <c>POST /api/changes</c>.</summary>
    public static JsonObject Body(JsonNode dossier, bool submit, string? templateId = null)
    {
        var body = new JsonObject { ["dossier"] = dossier, ["submit"] = submit };
        if (templateId is not null)
        {
            body["templateId"] = templateId;
        }

        return body;
    }

    /// <summary>Creates (and, when asked, submits) a change and returns the answer's JSON; fails unless 201.</summary>
    public static async Task<JsonNode> CreateAsync(HttpClient client, JsonNode dossier, bool submit, string? templateId = null)
    {
        using var response = await client.PostAsync("api/changes", Json(Body(dossier, submit, templateId)));
        return (await HttpAssert.StatusAsync(HttpStatusCode.Created, response))!;
    }

    /// <summary>The RFC number of a change as the API returns it.</summary>
    public static string NumberOf(JsonNode change) => change["dossier"]!["number"]!.GetValue<string>();

    /// <summary>The state of a change as the API returns it.</summary>
    public static string StateOf(JsonNode change) => change["dossier"]!["state"]!.GetValue<string>();

    /// <summary>JSON content of <paramref name="node"/>.</summary>
    public static StringContent Json(JsonNode node) => new(node.ToJsonString(), Encoding.UTF8, "application/json");

    /// <summary>JSON content of an anonymous object.</summary>
    public static JsonContent Json(object value) => JsonContent.Create(value);

    /// <summary>Counts what the database holds about changes.</summary>
    public static async Task<StoredCounts> CountAsync(ChangeFlowServer server)
    {
        await using var db = await server.Services.GetRequiredService<IDbContextFactory<ChangeFlowDbContext>>().CreateDbContextAsync();
        var allocated = await db.Set<SequenceEntity>().Where(s => s.Name == ChangeNumber.Prefix).Select(s => s.Next - 1).ToListAsync();
        return new StoredCounts(
            await db.Set<ChangeEntity>().CountAsync(),
            await db.Set<TimelineEntryEntity>().CountAsync(),
            allocated.Sum(),
            await db.Instances.CountAsync(),
            await db.Set<HumanTaskEntity>().CountAsync());
    }

    /// <summary>The change numbers the timeline holds entries for.</summary>
    public static async Task<IReadOnlySet<string>> TimelineSubjectsAsync(ChangeFlowServer server)
    {
        await using var db = await server.Services.GetRequiredService<IDbContextFactory<ChangeFlowDbContext>>().CreateDbContextAsync();
        return (await db.Set<TimelineEntryEntity>().Select(e => e.SubjectId).Distinct().ToListAsync()).ToHashSet(StringComparer.Ordinal);
    }

    private static JsonObject Shift(JsonObject dossier, TimeSpan shift)
    {
        DossierInstants.Shift(dossier, shift);
        return dossier;
    }
}
