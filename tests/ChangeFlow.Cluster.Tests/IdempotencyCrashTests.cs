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
/// <remarks>
/// The case that matters is a request killed after its effect was committed and before its answer reached the client
/// (a change or instance exists for a key whose request got no answer): only then can a retry run it twice. A kill
/// does not always catch one, so the kill and restart repeat, each round with fresh keys, more requests at once and a
/// later kill, until one was caught (at most <see cref="MaxRounds"/> rounds, usually the first); a test that caught
/// none proved nothing and fails.
/// </remarks>
public abstract class IdempotencyCrashTests : IAsyncLifetime
{
    private const int RequestsPerRound = 96;
    private const int MaxRounds = 5;

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
        string? requestorId = null;
        HttpRequestMessage Create(string key)
        {
            var dossier = JsonNode.Parse(JsonSerializer.Serialize(DossierMapper.ToDto(DemoData.Rfc2026014()), DossierJson.Options))!.AsObject();
            dossier.Remove("number");
            DossierInstants.Shift(dossier, Shift);
            dossier["requestor"] = new JsonObject { ["id"] = requestorId, ["displayName"] = "The administrator" };
            dossier["title"] = $"Crash test {key}";
            var request = new HttpRequestMessage(HttpMethod.Post, "api/changes")
            {
                Content = new StringContent(new JsonObject { ["dossier"] = dossier, ["submit"] = true }.ToJsonString(), Encoding.UTF8, "application/json"),
            };
            request.Headers.Add("Idempotency-Key", key);
            return request;
        }

        var (restarted, keys) = await KillAndRetryUntilCaughtAsync(
            "crash-change",
            Create,
            "change",
            async node => requestorId = (await node.Http.GetFromJsonAsync<JsonObject>("api/users/me"))!["id"]!.GetValue<string>(),
            async (node, round) =>
            {
                var titles = (await ListChangesAsync(node)).Select(c => c.ToJsonString()).ToList();
                return [.. round.Where(k => titles.Any(t => t.Contains($"\"Crash test {k}\"", StringComparison.Ordinal)))];
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

        var (restarted, keys) = await KillAndRetryUntilCaughtAsync("crash-instance", Start, "instance", committed: async (node, round) =>
        {
            var stored = new List<string>();
            foreach (var key in round)
            {
                if ((await CountInstancesAsync(node, key)) > 0)
                {
                    stored.Add(key);
                }
            }

            return stored;
        });
        foreach (var key in keys)
        {
            var count = await CountInstancesAsync(restarted, key);
            Assert.True(count == 1, $"{key}: {count} instances");
        }
    }

    /// <summary>
    /// Rounds of: send a round's keyed requests to the node, SIGKILL it while they are in flight, restart on the same
    /// database, see which keys' effects were committed although their request got no answer, and send every key of the
    /// round again (twice): all answers of a key are equal, and 201. Stops after the first round whose kill caught
    /// such a request; fails if none did after <see cref="MaxRounds"/>. Returns the last node and every key sent.
    /// </summary>
    private async Task<(NodeProcess Node, List<string> Keys)> KillAndRetryUntilCaughtAsync(
        string prefix,
        Func<string, HttpRequestMessage> request,
        string what,
        Func<NodeProcess, Task>? ready = null,
        Func<NodeProcess, IReadOnlyList<string>, Task<IReadOnlyCollection<string>>>? committed = null)
    {
        ArgumentNullException.ThrowIfNull(committed);
        var node = _cluster.StartNode("node-a", Settings);
        await node.WaitReadyAsync(TimeSpan.FromSeconds(120));
        if (ready is not null)
        {
            await ready(node);
        }

        var all = new List<string>();
        var caught = new List<string>();
        for (var round = 1; round <= MaxRounds && caught.Count == 0; round++)
        {
            var keys = Enumerable.Range(0, RequestsPerRound).Select(i => $"{prefix}-{round}-{i:000}").ToList();
            all.AddRange(keys);
            var first = await SendAndKillAsync(node, keys, request, round);
            Assert.True(first.Count < keys.Count, $"Round {round}: every {what} request was answered before the kill; nothing was in flight.");

            node = _cluster.StartNode($"node-a-{round}", Settings);
            await node.WaitReadyAsync(TimeSpan.FromSeconds(120));

            // What the kill exercised: effects committed whose answer never reached the client.
            var stored = await committed(node, keys);
            var unanswered = stored.Where(k => !first.ContainsKey(k)).ToList();
            caught.AddRange(unanswered);
            _output.WriteLine($"Round {round}: {first.Count} of {keys.Count} {what} requests answered before the SIGKILL, {stored.Count} committed, "
                + $"{unanswered.Count} of them without an answer{(unanswered.Count > 0 ? $" ({string.Join(", ", unanswered)})" : string.Empty)}");
            await RetryAsync(node, keys, request, first);
        }

        Assert.True(
            caught.Count > 0,
            $"None of {MaxRounds} SIGKILLs caught a request between committing its {what} and its answer reaching the client, "
            + "the one case where a retry could run it twice: this run proved nothing about exactly-once.");
        return (node, all);
    }

    /// <summary>
    /// Sends every key to <paramref name="node"/> and SIGKILLs it once a quarter have been answered, a little later in
    /// each round (a fraction of the observed time between answers) and with more requests at once; returns the
    /// answers that reached the client.
    /// </summary>
    private async Task<ConcurrentDictionary<string, Answer>> SendAndKillAsync(NodeProcess node, List<string> keys, Func<string, HttpRequestMessage> request, int round)
    {
        var first = new ConcurrentDictionary<string, Answer>(StringComparer.Ordinal);
        var watch = Stopwatch.StartNew();
        var sending = Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = 8 + (8 * round) }, async (key, _) =>
        {
            try
            {
                first[key] = await SendAsync(node, request(key));
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
            {
                // Killed while this request was in flight (or before it was sent): the client never got an answer.
            }
        });
        await _cluster.WaitUntilAsync(() => Task.FromResult(first.Count >= keys.Count / 4 || sending.IsCompleted), TimeSpan.FromSeconds(180), () => Task.FromResult($"{first.Count} answers"));
        var betweenAnswers = watch.Elapsed / Math.Max(1, first.Count);
        await Task.Delay(betweenAnswers * (round - 1) / MaxRounds);
        await node.KillAsync();
        await sending;
        return first;
    }

    /// <summary>Sends every key again, twice: the first retry is 201 (and the first answer, when that reached the client), the second its replay.</summary>
    private static async Task RetryAsync(NodeProcess node, List<string> keys, Func<string, HttpRequestMessage> request, ConcurrentDictionary<string, Answer> first) =>
        await Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (key, cancellationToken) =>
        {
            // 409 only while a first request that died before committing still holds the key (InFlightTimeout).
            var retry = await SendAsync(node, request(key));
            var waited = Stopwatch.StartNew();
            while (retry.Status == HttpStatusCode.Conflict && waited.Elapsed < TimeSpan.FromSeconds(30))
            {
                await Task.Delay(500, cancellationToken);
                retry = await SendAsync(node, request(key));
            }

            var again = await SendAsync(node, request(key));
            Assert.True(retry.Status == HttpStatusCode.Created, $"{key}: {(int)retry.Status} {retry.Body}");
            Assert.True(again.Replayed, $"{key}: the second retry was not replayed");
            Assert.True(again.Status == retry.Status && again.Body == retry.Body, $"{key}: {(int)retry.Status} {retry.Body}\nthen {(int)again.Status} {again.Body}");
            if (first.TryGetValue(key, out var original))
            {
                Assert.True(original.Status == retry.Status && original.Body == retry.Body, $"{key}: answered {(int)original.Status} {original.Body}\nbefore the kill, {(int)retry.Status} {retry.Body} after");
            }
        });

    private static async Task<int> CountInstancesAsync(NodeProcess node, string correlationId) =>
        (await node.Http.GetFromJsonAsync<JsonObject>($"api/workflow-instances?correlationId={correlationId}"))!["items"]!.AsArray().Count;

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
