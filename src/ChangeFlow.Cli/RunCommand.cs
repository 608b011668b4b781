using System.Globalization;
using ChangeFlow.Engine.Activities;
using ChangeFlow.Engine.Execution;
using ChangeFlow.Engine.Hosting;
using ChangeFlow.Engine.Loading;
using ChangeFlow.Engine.Ports;

namespace ChangeFlow.Cli;

/// <summary><c>changeflow run</c>: runs a workflow in memory on a clock that jumps to each due timer.</summary>
internal static class RunCommand
{
    public static async Task<int> RunAsync(RunOptions options, WorkflowLoader loader, TextWriter stdout, TextWriter stderr, TimeProvider time)
    {
        string text;
        try
        {
            text = await File.ReadAllTextAsync(options.File);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            await stderr.WriteLineAsync($"{options.File}: cannot be read: {ex.Message}");
            return CliApp.Failure;
        }

        var loaded = loader.Load(text);
        foreach (var problem in loaded.Problems)
        {
            await stderr.WriteLineAsync($"{options.File}:{problem}");
        }

        if (loaded.Definition is not { } definition)
        {
            return CliApp.Failure;
        }

        var clock = new SimulatedClock(options.Now ?? time.GetUtcNow());
        var console = new ConsolePorts(stdout, stderr);
        var host = new InMemoryWorkflowHost(clock, console, console);
        var started = await host.StartAsync(definition, new StartRequest { CorrelationId = options.CorrelationId, Input = options.Input });
        if (!started.Accepted)
        {
            await stderr.WriteLineAsync($"changeflow run: {started.Rejection}");
            return CliApp.Usage;
        }

        var state = started.State;
        var events = new Queue<(string Name, System.Text.Json.Nodes.JsonNode? Payload)>(options.Events);
        while (state.Status == WorkflowStatus.Suspended)
        {
            if (events.TryPeek(out var next) && WorkflowRunner.FindBookmarks(state, Event.BookmarkName, Event.StimulusPayload(next.Name)).Count > 0)
            {
                events.Dequeue();
                await host.DeliverAsync(Event.BookmarkName, Event.StimulusPayload(next.Name), next.Payload, state.Id);
                continue;
            }

            if (!await host.FireNextTimerAsync(clock))
            {
                break;
            }
        }

        foreach (var (name, _) in events)
        {
            await stderr.WriteLineAsync($"warning: the event '{name}' was never awaited.");
        }

        await stdout.WriteLineAsync(state.Status.ToString());
        foreach (var bookmark in state.Bookmarks)
        {
            var due = bookmark.DueAt is { } at ? " due " + at.ToString("O", CultureInfo.InvariantCulture) : "";
            await stdout.WriteLineAsync($"  bookmark {bookmark.Id} {bookmark.Name} at '{bookmark.ActivityId}' {BookmarkHasher.ToCanonicalString(bookmark.Payload)}{due}");
        }

        foreach (var incident in state.Incidents)
        {
            var code = incident.Code is null ? "" : $" [{incident.Code}]";
            await stdout.WriteLineAsync($"  incident at '{incident.ActivityId}' ({incident.ActivityType}){code}: {incident.Message}");
        }

        if (options.PrintState)
        {
            await stdout.WriteLineAsync(WorkflowStateSerializer.Serialize(state));
        }

        return state.Status switch
        {
            WorkflowStatus.Finished => CliApp.Success,
            WorkflowStatus.Suspended => CliApp.Suspended,
            _ => CliApp.Failure,
        };
    }

    /// <summary>WriteLine text to stdout; e-mails summarised on stderr (the CLI sends nothing).</summary>
    private sealed class ConsolePorts(TextWriter stdout, TextWriter stderr) : IWorkflowConsole, IEmailSender
    {
        public void WriteLine(string instanceId, string text) => stdout.WriteLine(text);

        public ValueTask SendAsync(EmailMessage message, CancellationToken cancellationToken)
        {
            stderr.WriteLine($"email (not sent): to {string.Join(", ", message.To)}: {message.Subject}");
            return default;
        }
    }
}
