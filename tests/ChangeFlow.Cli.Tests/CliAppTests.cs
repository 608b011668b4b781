using System.Diagnostics;
using ChangeFlow.Testing;
using Microsoft.Extensions.Time.Testing;

namespace ChangeFlow.Cli.Tests;

public sealed class CliAppTests : IDisposable
{
    private static readonly string Example = Path.Combine(RepositoryPaths.Workflows, "examples", "hard-rollback-decision-point.json");
    private readonly string _dir = Directory.CreateTempSubdirectory("changeflow-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static async Task<(int Code, string[] Out, string Err)> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await CliApp.RunAsync(args, stdout, stderr, new FakeTimeProvider(EngineFixture.StartInstant));
        return (code, stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), stderr.ToString());
    }

    private string Write(string name, string json)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, json);
        return path;
    }

    [Fact]
    public async Task Run_RollsBackAtTheDecisionPoint_WhenNoValidationEventIsGiven()
    {
        var (code, lines, _) = await RunAsync("run", Example, "--now", "2026-05-16T08:00:00Z");

        Assert.Equal(CliApp.Success, code);
        Assert.Equal(
            [
                "Window open at 2026-05-16T21:00:00.0000000+00:00: implementation starts",
                "Not validated by 2026-05-17T03:00:00.0000000+00:00: rolling back, no exceptions",
                "Outcome: Rolled back",
                "Finished",
            ],
            lines);
    }

    [Fact]
    public async Task Run_DeliversEventsInOrder_WhenTheInstanceWaitsForThem()
    {
        var (code, lines, _) = await RunAsync("run", Example, "--event", "validated");

        Assert.Equal(CliApp.Success, code);
        Assert.Equal("Outcome: Successful", lines[^2]);
        Assert.Equal("Finished", lines[^1]);
    }

    [Fact]
    public async Task Run_PrintsSuspendedWithBookmarksAndExits3_WhenAnEventNeverComes()
    {
        var path = Write("wait.json", """
            { "definitionId": "wait", "root": { "type": "Elsa.Flowchart", "activities": [
              { "id": "start", "type": "Elsa.Start" },
              { "id": "ask", "type": "Elsa.Event", "eventName": "approved" },
              { "id": "say", "type": "Elsa.WriteLine", "text": "approved" } ],
              "connections": [ { "source": "start", "target": "ask" }, { "source": "ask", "target": "say" } ] } }
            """);

        var (code, lines, err) = await RunAsync("run", path, "--event", "rejected");

        Assert.Equal(CliApp.Suspended, code);
        Assert.Equal("Suspended", lines[0]);
        Assert.Contains("Elsa.Event at 'ask' {\"eventName\":\"approved\"}", lines[1], StringComparison.Ordinal);
        Assert.Contains("the event 'rejected' was never awaited", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_PrintsFaultedWithIncidentsAndExits1_WhenTheWorkflowFaults()
    {
        var path = Write("fault.json", """
            { "definitionId": "fault", "root": { "type": "Elsa.Flowchart", "activities": [
              { "id": "start", "type": "Elsa.Start" },
              { "id": "boom", "type": "Elsa.Fault", "code": "E1", "message": "checkpoint failed" } ],
              "connections": [ { "source": "start", "target": "boom" } ] } }
            """);

        var (code, lines, _) = await RunAsync("run", path);

        Assert.Equal(CliApp.Failure, code);
        Assert.Equal(["Faulted", "incident at 'boom' (Elsa.Fault) [E1]: checkpoint failed"], lines);
    }

    [Fact]
    public async Task Run_PassesTypedInputs_WhenGivenNameValuePairs()
    {
        var path = Write("input.json", """
            { "definitionId": "input", "inputs": [ { "name": "count", "type": "Int32" } ],
              "root": { "type": "Elsa.Flowchart", "activities": [
              { "id": "say", "type": "Elsa.WriteLine", "text": { "expression": { "type": "JavaScript", "value": "getInput('count') * 2 + ' ' + getInput('who')" } } } ],
              "connections": [] } }
            """);

        var (code, lines, _) = await RunAsync("run", path, "--input", "count=21", "--input", "who=CAB");

        Assert.Equal(CliApp.Success, code);
        Assert.Equal(["42 CAB", "Finished"], lines);
    }

    [Fact]
    public async Task Run_ExitsWithUsage_WhenAnInputCannotBeConverted()
    {
        var path = Write("input.json", """
            { "definitionId": "input", "inputs": [ { "name": "count", "type": "Int32" } ],
              "root": { "type": "Elsa.Flowchart", "activities": [ { "id": "end", "type": "Elsa.End" } ] } }
            """);

        var (code, _, err) = await RunAsync("run", path, "--input", "count=many");

        Assert.Equal(CliApp.Usage, code);
        Assert.Contains("Input 'count'", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_PrintsEveryProblemWithFileAndPathAndExits1_WhenAFileIsInvalid()
    {
        var path = Write("bad.json", """
            { "definitionId": "bad", "root": { "type": "Elsa.Flowchart", "activities": [
              { "id": "a", "type": "Elsa.WriteLine" },
              { "id": "b", "type": "Acme.Unknown" },
              { "id": "c", "type": "Elsa.Delay", "timeSpan": "soon" } ],
              "connections": [ { "source": "a", "target": "zzz" } ] } }
            """);

        var (code, lines, _) = await RunAsync("validate", path);

        Assert.Equal(CliApp.Failure, code);
        Assert.Contains($"{path}:$.root.activities[0].text: Required input 'text' of Elsa.WriteLine is missing.", lines);
        Assert.Contains($"{path}:$.root.activities[1].type: Unknown activity type 'Acme.Unknown'.", lines);
        Assert.Contains(lines, l => l.StartsWith($"{path}:$.root.activities[2].timeSpan:", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith($"{path}:$.root.connections[0].target:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Validate_ExitsZeroAndPrintsWarnings_WhenOnlyWarnings()
    {
        var path = Write("warn.json", """
            { "definitionId": "warn", "root": { "type": "Elsa.Flowchart", "activities": [
              { "id": "start", "type": "Elsa.Start" },
              { "id": "orphan", "type": "Elsa.WriteLine", "text": "never" } ], "connections": [] } }
            """);

        var (code, lines, _) = await RunAsync("validate", path);

        Assert.Equal(CliApp.Success, code);
        Assert.Equal([$"{path}:$.root.activities[1]: warning: Activity 'orphan' (Elsa.WriteLine) cannot be reached from the start activity 'start'."], lines);
    }

    [Fact]
    public async Task Validate_ChecksEveryJsonFileOfADirectory()
    {
        Write("one.json", "{ not json");
        Directory.CreateDirectory(Path.Combine(_dir, "sub"));
        Write(Path.Combine("sub", "two.json"), "[]");

        var (code, lines, err) = await RunAsync("validate", _dir);

        Assert.Equal(CliApp.Failure, code);
        Assert.Equal(2, lines.Length);
        Assert.Contains("2 file(s) checked: 2 error(s)", err, StringComparison.Ordinal);
        Assert.StartsWith(Path.Combine(_dir, "one.json") + ":$: Malformed JSON at line 1", lines[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_ShippedWorkflowsDirectory_HasNoErrors()
    {
        var (code, lines, _) = await RunAsync("validate", RepositoryPaths.Workflows);

        Assert.True(code == CliApp.Success, string.Join(Environment.NewLine, lines));
    }

    [Theory]
    [InlineData("frobnicate")]
    [InlineData("run")]
    [InlineData("run", "a.json", "--bogus")]
    [InlineData("run", "a.json", "--input", "novalue")]
    [InlineData("validate")]
    public async Task Cli_ExitsWithUsage_WhenTheCommandLineIsWrong(params string[] args)
    {
        var (code, _, err) = await RunAsync(args);

        Assert.Equal(CliApp.Usage, code);
        Assert.NotEmpty(err);
    }

    [Fact]
    public async Task Executable_RunsFromTheShell_WithTheSameOutput()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "changeflow.dll");
        var start = new ProcessStartInfo("dotnet", [dll, "run", Example, "--now", "2026-05-16T08:00:00Z", "--event", "validated"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.Equal(0, process.ExitCode);
        Assert.EndsWith("Outcome: Successful\nFinished\n", output.ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }
}
