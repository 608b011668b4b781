using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ChangeFlow.Application.Changes.Dossier;
using ChangeFlow.Cluster.Tests.Support;
using ChangeFlow.Domain.Demo;
using ChangeFlow.Testing;
using Xunit.Abstractions;

namespace ChangeFlow.Cluster.Tests;

/// <summary>
/// An <c>Idempotency-Key</c> holds across a SIGKILL: many keyed creations are in flight when the host process is
/// killed; after a restart on the same database every key is retried, and each key has exactly one change (one
/// instance), and every retry of a key gets the same answer, the one its first request got when that reached the client.
/// </summary>
public abstract class IdempotencyCrashTests : IAsyncLifetime
{
    private const int Requests = 160;

    private readonly ITestOutputHelper _output;
    private TestCluster _cluster = null!;

    protected IdempotencyCrashTests(ITestOutputHelper output)
    {
        _output = output;
    }

    /// <summary>The database settings of the nodes.</summary>
    protected abstract IReadOnlyDictionary<string, string> Database { get; }

    private Dictionary<string, string> Settings => new(Database)
    {
        // A first request that died before its effect was committed frees its key after this long (instead of 2 min).
        ["ChangeFlow__Idempotency__InFlightTimeout"] = "00:00:03",
    };

    public async Task InitializeAsync()
    {
        _cluster = await TestCluster.CreateAsync(_output, "timer-at.json");
        foreach (var file in Directory.EnumerateFiles(RepositoryPaths.Workflows, "*.json", SearchOption.AllDirectories))
        {
            var target = Path.Combine(_cluster.WorkflowsDirectory, Path.GetRelativePath(RepositoryPaths.Workflows, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    /// <summary>
    /// How far the seed's dossier moves so that its window lies about three weeks ahead of the real clock the nodes
    /// run on, in whole weeks (the plan keeps its weekdays).
    /// </summary>
    private static TimeSpan Shift { get; } = TimeSpan.FromDays(7 * Math.Ceiling(((TimeProvider.System.GetUtcNow().AddDays(21) - DemoData.Rfc2026014().Window!.Start).TotalDays) / 7));

    [Fact]
    public async Task CreateChange_LeavesOneChangePerKeyAndOneAnswer_WhenTheHostIsKilledWithRequestsInFlight()
    {
        var keys = Enumerable.Range(0, Requests).Select(i => $"crash-change-{i:000}").ToList();
        string? requestorId = null;
        HttpRequestMessage Create(string key)
        {
            var dossier = JsonNode.Parse(JsonSerializer.Serialize(DossierMapper.ToDto(DemoData.Rfc2026014()), DossierJson.Options))!.AsObject();
            dossier.Remove("number");
            ShiftInstants(dossier, Shift);
            dossier["requestor"] = new JsonObject { ["id"] = requestorId, ["displayName"] = "The administrator" };
            dossier["title"] = $"Crash test {key}";
            var request = new HttpRequestMessage(HttpMethod.Post, "api/changes")
            {
                Content = new StringContent(new JsonObject { ["dossier"] = dossier, ["submit"] = true }.ToJsonString(), Encoding.UTF8, "application/json"),
            };
            request.Headers.Add("Idempotency-Key", key);
            return request;
        }

        var restarted = await KillMidwayAndRetryAsync(
            keys,
            Create,
            "changes",
            async node => requestorId = (await node.Http.GetFromJsonAsync<JsonObject>("api/users/me"))!["id"]!.GetValue<string>(),
            async node =>
            {
                var stored = await ListChangesAsync(node);
                return [.. keys.Where(k => stored.Any(c => c.ToJsonString().Contains($"\"Crash test {k}\"", StringComparison.Ordinal)))];
            });

        // One change per key, each submitted to exactly one workflow instance.
        var changes = await ListChangesAsync(restarted);

        foreach (var key in keys)
        {
            var mine = changes.Where(c => c.ToJsonString().Contains($"\"Crash test {key}\"", StringComparison.Ordinal)).ToList();
            Assert.True(mine.Count == 1, $"{key}: {mine.Count} changes");
            var number = mine[0]["number"]!.GetValue<string>();
            var instances = await restarted.Http.GetFromJsonAsync<JsonObject>($"api/workflow-instances?correlationId={number}");
            Assert.True(instances!["items"]!.AsArray().Count == 1, $"{key} ({number}): {instances["items"]!.AsArray().Count} workflow instances");
        }
    }

    [Fact]
    public async Task StartInstance_LeavesOneInstancePerKeyAndOneAnswer_WhenTheHostIsKilledWithRequestsInFlight()
    {
        var keys = Enumerable.Range(0, Requests).Select(i => $"crash-instance-{i:000}").ToList();
        var dueAt = TimeProvider.System.GetUtcNow().AddHours(1).ToString("O", CultureInfo.InvariantCulture);
        HttpRequestMessage Start(string key)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "api/workflow-definitions/cluster-timer-at/instances")
            {
                Content = JsonContent.Create(new { correlationId = key, input = new { dueAt } }),
            };
            request.Headers.Add("Idempotency-Key", key);
            return request;
        }

        var restarted = await KillMidwayAndRetryAsync(keys, Start, "instances", committed: async node =>
        {
            var stored = new List<string>();
            foreach (var key in keys)
            {
                var found = await node.Http.GetFromJsonAsync<JsonObject>($"api/workflow-instances?correlationId={key}");
                if (found!["items"]!.AsArray().Count > 0)
                {
                    stored.Add(key);
                }
            }

            return stored;
        });
        foreach (var key in keys)
        {
            var instances = await restarted.Http.GetFromJsonAsync<JsonObject>($"api/workflow-instances?correlationId={key}");
            Assert.True(instances!["items"]!.AsArray().Count == 1, $"{key}: {instances["items"]!.AsArray().Count} instances");
        }
    }

    /// <summary>
    /// Sends every keyed request to a node, SIGKILLs it once a quarter have been answered, restarts on the same
    /// database and sends every key again (twice): all answers of a key are equal, and 201.
    /// </summary>
    private async Task<NodeProcess> KillMidwayAndRetryAsync(List<string> keys, Func<string, HttpRequestMessage> request, string what, Func<NodeProcess, Task>? ready = null, Func<NodeProcess, Task<IReadOnlyCollection<string>>>? committed = null)
    {
        var node = _cluster.StartNode("node-a", Settings);
        await node.WaitReadyAsync(TimeSpan.FromSeconds(120));
        if (ready is not null)
        {
            await ready(node);
        }

        var first = new ConcurrentDictionary<string, Answer>(StringComparer.Ordinal);
        var sending = Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (key, _) =>
        {
            try
            {
                first[key] = await SendAsync(node, request(key));
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
            {
                // Killed while this request was in flight: the client never got an answer.
            }
        });
        await _cluster.WaitUntilAsync(() => Task.FromResult(first.Count >= keys.Count / 4 || sending.IsCompleted), TimeSpan.FromSeconds(180), () => Task.FromResult($"{first.Count} answers"));
        await node.KillAsync();
        await sending;
        Assert.True(first.Count < keys.Count, $"Every {what} request was answered before the kill; nothing was in flight.");
        _output.WriteLine($"{first.Count} of {keys.Count} {what} requests answered before the SIGKILL");

        var restarted = _cluster.StartNode("node-a-restarted", Settings);
        await restarted.WaitReadyAsync(TimeSpan.FromSeconds(120));
        if (committed is not null)
        {
            // What the kill exercised: effects committed whose answer never reached the client.
            var created = await committed(restarted);
            _output.WriteLine($"{created.Count(k => !first.ContainsKey(k))} {what} committed before the SIGKILL without an answer");
        }
        foreach (var key in keys)
        {
            // 409 only while a first request that died before committing still holds the key (InFlightTimeout).
            var retry = await SendAsync(restarted, request(key));
            var waited = Stopwatch.StartNew();
            while (retry.Status == HttpStatusCode.Conflict && waited.Elapsed < TimeSpan.FromSeconds(30))
            {
                await Task.Delay(500);
                retry = await SendAsync(restarted, request(key));
            }

            var again = await SendAsync(restarted, request(key));
            Assert.True(retry.Status == HttpStatusCode.Created, $"{key}: {(int)retry.Status} {retry.Body}");
            Assert.True(again.Replayed, $"{key}: the second retry was not replayed");
            Assert.True(again.Status == retry.Status && again.Body == retry.Body, $"{key}: {(int)retry.Status} {retry.Body}\nthen {(int)again.Status} {again.Body}");
            if (first.TryGetValue(key, out var original))
            {
                Assert.True(original.Status == retry.Status && original.Body == retry.Body, $"{key}: answered {(int)original.Status} {original.Body}\nbefore the kill, {(int)retry.Status} {retry.Body} after");
            }
        }

        return restarted;
    }

    private static async Task<List<JsonNode>> ListChangesAsync(NodeProcess node)
    {
        var changes = new List<JsonNode>();
        for (var skip = 0; ; skip += 100)
        {
            var page = await node.Http.GetFromJsonAsync<JsonObject>($"api/changes?skip={skip}&take=100");
            var items = page!["items"]!.AsArray();
            changes.AddRange(items.Select(i => i!));
            if (items.Count < 100)
            {
                return changes;
            }
        }
    }

    // Every instant in the dossier moves together, so the plan stays consistent with its window.
    private static void ShiftInstants(JsonNode? node, TimeSpan shift)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, child) in obj.ToList())
                {
                    if (child is JsonValue value && value.TryGetValue<string>(out var text) && text.Length >= 20 && text[4] == '-' && text[10] == 'T'
                        && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at))
                    {
                        obj[name] = JsonValue.Create(at.Add(shift));
                    }
                    else
                    {
                        ShiftInstants(child, shift);
                    }
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    ShiftInstants(item, shift);
                }

                break;
        }
    }

    private static async Task<Answer> SendAsync(NodeProcess node, HttpRequestMessage request)
    {
        using (request)
        {
            using var response = await node.Http.SendAsync(request);
            return new Answer(response.StatusCode, await response.Content.ReadAsStringAsync(), response.Headers.Contains("Idempotent-Replayed"));
        }
    }

    private sealed record Answer(HttpStatusCode Status, string Body, bool Replayed);
}

/// <summary>Keyed creations across a SIGKILL on PostgreSQL.</summary>
public sealed class PostgreSqlIdempotencyCrashTests(ITestOutputHelper output) : IdempotencyCrashTests(output)
{
    /// <inheritdoc />
    protected override IReadOnlyDictionary<string, string> Database => new Dictionary<string, string>();
}

/// <summary>Keyed creations across a SIGKILL on SQLite (the node's data directory survives the kill).</summary>
public sealed class SqliteIdempotencyCrashTests(ITestOutputHelper output) : IdempotencyCrashTests(output)
{
    /// <inheritdoc />
    protected override IReadOnlyDictionary<string, string> Database => new Dictionary<string, string> { ["ChangeFlow__Database__Provider"] = "Sqlite" };
}
