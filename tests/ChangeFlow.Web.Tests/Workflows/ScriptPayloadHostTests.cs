using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ChangeFlow.Web.Tests.Support;

namespace ChangeFlow.Web.Tests.Workflows;

/// <summary>
/// Tests that watch the whole process (its memory, its readiness) run alone: another test's allocations or CPU would
/// be counted against them.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessWatchCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Process watch";
}

/// <summary>
/// The script and template payloads that once took the service's memory, run through the API of a real Kestrel host
/// while the test watches the process: each faults its activity with an incident, readiness answers throughout, and
/// the memory they used is given back.
/// </summary>
[Collection(ProcessWatchCollection.Name)]
public sealed class ScriptPayloadHostTests
{
    private const long MiB = 1024 * 1024;

    /// <summary>Each payload: the workflow id, its expression type and text, and the incident code it must end with.</summary>
    public static readonly (string Id, string Type, string Text, string Code)[] Payloads =
    [
        ("js-sparse-2e7", "JavaScript", "var a = []; a.length = 2e7; return a;", "ScriptResultTooLarge"),
        ("js-sparse-max", "JavaScript", "var a = []; a.length = 4294967295; return a;", "ScriptResultTooLarge"),
        ("js-shared-graph", "JavaScript", "var n = { leaf: true }; for (var i = 0; i < 40; i++) { var p = {}; p.a = n; p.b = n; n = p; } return n;", "ScriptResultTooLarge"),
        ("js-regex", "JavaScript", "return /^(a+)+$/.test('a'.repeat(40) + '!');", "ScriptTimeout"),
        ("liquid-range-loop", "Liquid", "{% for i in (1..1000000000) %}x{% endfor %}", "TemplateError"),
        ("liquid-append-doubling", "Liquid", "{% assign s = 'xxxxxxxxxx' %}{% for i in (1..24) %}{% assign s = s | append: s %}{% endfor %}{{ s }}", "TemplateError"),
        ("liquid-range-join", "Liquid", "{{ (1..100000000) | join: ',' }}", "TemplateError"),
    ];

    [Fact]
    public async Task Payloads_FaultTheirActivities_WhileReadinessAnswersAndMemoryStaysBounded()
    {
        var workflows = Directory.CreateTempSubdirectory("changeflow-payloads-");
        try
        {
            foreach (var payload in Payloads)
            {
                await File.WriteAllTextAsync(Path.Combine(workflows.FullName, payload.Id + ".json"), Definition(payload.Id, payload.Type, payload.Text));
            }

            await using var server = await ChangeFlowServer.StartAsync(new ChangeFlowServerOptions { WorkflowsDirectory = workflows.FullName });
            // Readiness's first answer compiles its checks; the test measures the answers while payloads run.
            await HttpAssert.StatusAsync(HttpStatusCode.OK, await server.CreateClient().GetAsync("health/ready"));
            var process = Process.GetCurrentProcess();
            var baselineHeap = SettledHeap();
            process.Refresh();
            var baselineWorkingSet = process.WorkingSet64;

            using var watching = new CancellationTokenSource();
            var watch = WatchAsync(server, process, watching.Token);

            foreach (var payload in Payloads)
            {
                var started = await server.Admin.PostAsJsonAsync($"api/workflow-definitions/{payload.Id}/instances", new { });
                await HttpAssert.StatusAsync(HttpStatusCode.Created, started);
                var id = (await started.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>();
                var instance = (await server.Admin.GetFromJsonAsync<JsonObject>($"api/workflow-instances/{id}"))!;

                Assert.Equal("Faulted", instance["status"]!.GetValue<string>());
                var incident = Assert.Single(instance["incidents"]!.AsArray())!;
                Assert.Equal((payload.Id, "say", payload.Code), (payload.Id, incident["activityId"]!.GetValue<string>(), incident["code"]!.GetValue<string>()));
                Assert.Contains("root.activities[1].text", incident["message"]!.GetValue<string>(), StringComparison.Ordinal);
            }

            await watching.CancelAsync();
            var watched = await watch;
            var settledHeap = SettledHeap();

            // Generous bounds: before the limits, the first payload alone took the working set from 328 MB to 1.6 GB and
            // the others ran out of memory; readiness took up to 7 s to answer.
            Assert.True(watched.Probes > 0, "readiness was never probed");
            Assert.True(watched.SlowestProbe < TimeSpan.FromSeconds(1), $"/health/ready took {watched.SlowestProbe.TotalMilliseconds:0} ms; {watched.Failures} probes failed; probes (ms): {string.Join(", ", watched.Timings)}");
            Assert.Equal(0, watched.Failures);
            Assert.True(watched.PeakHeap - baselineHeap < 512 * MiB, $"managed heap peaked {(watched.PeakHeap - baselineHeap) / MiB} MiB above its baseline");
            Assert.True(watched.PeakWorkingSet - baselineWorkingSet < 1024 * MiB, $"working set peaked {(watched.PeakWorkingSet - baselineWorkingSet) / MiB} MiB above its baseline");
            Assert.True(settledHeap - baselineHeap < 128 * MiB, $"the managed heap stayed {(settledHeap - baselineHeap) / MiB} MiB above its baseline after the payloads");
        }
        finally
        {
            workflows.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData("ChangeFlow:Scripts:MaxResultValues", "0", "MaxResultValues")]
    [InlineData("ChangeFlow:Scripts:LiquidTimeLimit", "00:00:00", "LiquidTimeLimit")]
    [InlineData("ChangeFlow:Runtime:MaxActivitiesPerRun", "0", "MaxActivitiesPerRun")]
    [InlineData("ChangeFlow:Runtime:MaxJournalEntriesPerInstance", "1", "MaxJournalEntriesPerInstance")]
    public async Task Start_FailsNamingTheSetting_WhenALimitIsOutOfRange(string key, string value, string name)
    {
        var error = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => ChangeFlowServer.StartAsync(new ChangeFlowServerOptions
        {
            Settings = new() { [key] = value },
        }));

        Assert.Contains(name, error.Message, StringComparison.Ordinal);
    }

    private static long SettledHeap()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    /// <summary>Probes readiness every 100 ms with a 1 s budget, and samples the heap and working set, until cancelled.</summary>
    private static async Task<Watched> WatchAsync(ChangeFlowServer server, Process process, CancellationToken stop)
    {
        await Task.Yield();
        using var probe = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var watched = new Watched();
        while (!stop.IsCancellationRequested)
        {
            var stopwatch = Stopwatch.StartNew();
            try
            {
                using var response = await probe.GetAsync("health/ready", CancellationToken.None);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    watched.Failures++;
                }
            }
            catch (HttpRequestException)
            {
                watched.Failures++;
            }
            catch (TaskCanceledException)
            {
                watched.Failures++;
            }

            watched.Probes++;
            watched.Timings.Add((int)stopwatch.ElapsedMilliseconds);
            watched.SlowestProbe = stopwatch.Elapsed > watched.SlowestProbe ? stopwatch.Elapsed : watched.SlowestProbe;
            process.Refresh();
            watched.PeakWorkingSet = Math.Max(watched.PeakWorkingSet, process.WorkingSet64);
            watched.PeakHeap = Math.Max(watched.PeakHeap, GC.GetTotalMemory(forceFullCollection: false));
            try
            {
                await Task.Delay(100, stop);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        return watched;
    }

    /// <summary>Start → WriteLine whose text is <paramref name="text"/> in <paramref name="type"/>, published.</summary>
    private static string Definition(string id, string type, string text) => new JsonObject
    {
        ["id"] = id + "-v1",
        ["definitionId"] = id,
        ["name"] = id,
        ["version"] = 1,
        ["isLatest"] = true,
        ["isPublished"] = true,
        ["root"] = new JsonObject
        {
            ["type"] = "Elsa.Flowchart",
            ["id"] = "flow",
            ["activities"] = new JsonArray(
                new JsonObject { ["id"] = "start", ["type"] = "Elsa.Start" },
                new JsonObject
                {
                    ["id"] = "say",
                    ["type"] = "Elsa.WriteLine",
                    ["text"] = new JsonObject
                    {
                        ["typeName"] = "String",
                        ["expression"] = new JsonObject { ["type"] = type, ["value"] = text },
                    },
                }),
            ["connections"] = new JsonArray(new JsonObject
            {
                ["source"] = new JsonObject { ["activity"] = "start", ["port"] = "Done" },
                ["target"] = new JsonObject { ["activity"] = "say", ["port"] = "In" },
            }),
        },
    }.ToJsonString();

    private sealed class Watched
    {
        public int Probes { get; set; }

        public int Failures { get; set; }

        public TimeSpan SlowestProbe { get; set; }

        public long PeakHeap { get; set; }

        public long PeakWorkingSet { get; set; }

        public List<int> Timings { get; } = [];
    }
}
