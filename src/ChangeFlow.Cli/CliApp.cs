using ChangeFlow.Application.Changes.Activities;
using ChangeFlow.Engine.Loading;

namespace ChangeFlow.Cli;

/// <summary>The <c>changeflow</c> command line: <c>validate</c> and <c>run</c>.</summary>
public static class CliApp
{
    /// <summary>Exit code: the workflow finished, or every file is valid.</summary>
    public const int Success = 0;

    /// <summary>Exit code: a file has errors, or the instance faulted.</summary>
    public const int Failure = 1;

    /// <summary>Exit code: the command line was wrong.</summary>
    public const int Usage = 2;

    /// <summary>Exit code: the instance is still waiting (on an event nobody sent).</summary>
    public const int Suspended = 3;

    internal const string HelpText = """
        changeflow — validate and run ChangeFlow workflow definitions (Elsa 3 JSON shape)

        Usage:
          changeflow validate <file-or-dir>...
              Checks each .json file (directories are searched recursively). Prints each problem as
              file:jsonpath: message (warnings as file:jsonpath: warning: message).
              Exit code 1 if any file has an error.

          changeflow run <file> [--input name=value]... [--event name[=json]]... [--correlation-id id] [--now instant] [--state]
              Runs the workflow in memory on a simulated clock that jumps to each due timer, so delays and
              deadlines finish at once. Events are delivered in order as the instance waits for them.
              Prints every Elsa.WriteLine text on its own line, then the final status: Finished,
              Suspended (with its bookmarks) or Faulted (with its incidents).
              --input name=value   workflow input; the value is read as JSON when it parses, else as text
              --event name[=json]  an event to deliver, with an optional JSON payload
              --now instant        the simulated clock's start (ISO 8601); default: the current time
              --state              print the final instance state as JSON after the status
              Exit code 0 when finished, 1 when faulted or invalid, 3 when still suspended.

          changeflow help
        """;

    /// <summary>Runs the command line and returns the exit code.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        if (args.Length == 0 || args[0] is "help" or "--help" or "-h")
        {
            await stdout.WriteLineAsync(HelpText);
            return args.Length == 0 ? Usage : Success;
        }

        var loader = new WorkflowLoader(ChangeEnablementActivities.CreateRegistry());
        switch (args[0])
        {
            case "validate":
                return await ValidateCommand.RunAsync(args[1..], loader, stdout, stderr);
            case "run":
                var options = RunOptions.Parse(args[1..], out var error);
                if (options is null)
                {
                    await stderr.WriteLineAsync($"changeflow run: {error}");
                    await stderr.WriteLineAsync("Run 'changeflow help' for usage.");
                    return Usage;
                }

                return await RunCommand.RunAsync(options, loader, stdout, stderr, time);
            default:
                await stderr.WriteLineAsync($"changeflow: unknown command '{args[0]}'. Run 'changeflow help' for usage.");
                return Usage;
        }
    }
}
