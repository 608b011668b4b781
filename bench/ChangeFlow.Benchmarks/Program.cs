using BenchmarkDotNet.Running;

namespace ChangeFlow.Benchmarks;

public static class Program
{
    /// <summary>Not a BenchmarkDotNet option; it is removed before the arguments are handed on.</summary>
    private const string QuickFlag = "--quick";

    private const string ArtifactsFlag = "--artifacts";

    /// <summary>
    /// Set by the project file, so that results land beside the project rather than in whatever
    /// directory the run was started from.
    /// </summary>
    private const string DefaultArtifactsSwitch = "ChangeFlow.Benchmarks.DefaultArtifactsPath";

    public static int Main(string[] args)
    {
        // The durable benchmarks are bench commands rather than BenchmarkDotNet benchmarks: each is one long run
        // against a real database (see Durable/).
        switch (args.FirstOrDefault())
        {
            case "durable":
                return Durable.RoundTripCommand.RunAsync(Durable.CommandOptions.Parse(args.Skip(1))).GetAwaiter().GetResult();
            case "timers":
                return Durable.TimerLatenessCommand.RunAsync(Durable.CommandOptions.Parse(args.Skip(1))).GetAwaiter().GetResult();
            case "mail":
                return Mail.MailThroughputCommand.RunAsync(Durable.CommandOptions.Parse(args.Skip(1))).GetAwaiter().GetResult();
            case "memory":
                return Durable.SuspendedMemoryCommand.RunAsync(Durable.CommandOptions.Parse(args.Skip(1))).GetAwaiter().GetResult();
            default:
                break;
        }

        var quick = args.Contains(QuickFlag, StringComparer.Ordinal);
        var forwarded = args.Where(arg => !string.Equals(arg, QuickFlag, StringComparison.Ordinal)).ToArray();

        var artifactsPath = forwarded.Contains(ArtifactsFlag, StringComparer.Ordinal)
            ? null
            : AppContext.GetData(DefaultArtifactsSwitch) as string;

        var summaries = BenchmarkSwitcher
            .FromAssembly(typeof(Program).Assembly)
            .Run(forwarded, BenchmarkConfig.Create(quick, artifactsPath));

        var failed = summaries.Any(summary => summary.HasCriticalValidationErrors
            || summary.Reports.Any(report => !report.Success));
        return failed ? 1 : 0;
    }
}
