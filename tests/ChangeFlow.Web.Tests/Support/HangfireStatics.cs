using Hangfire;
using Hangfire.Logging;
using Microsoft.Extensions.DependencyInjection;

namespace ChangeFlow.Web.Tests.Support;

/// <summary>
/// Keeps Hangfire's process-wide statics from tying one test host to another. Each host's <c>AddHangfire</c> points
/// Hangfire's global log provider at that host's logger factory; once that host is disposed, anything Hangfire
/// initializes later (its global job filters, say) fails with <see cref="ObjectDisposedException"/>. So the statics
/// are initialized before any host exists, and after each host has configured Hangfire the provider is set back to
/// one that belongs to no host. (Production runs one host per process and is not affected.)
/// </summary>
internal static class HangfireStatics
{
    private static readonly Lock Gate = new();
    private static bool _initialized;

    /// <summary>Runs before the first host is built.</summary>
    public static void Initialize()
    {
        lock (Gate)
        {
            if (_initialized)
            {
                return;
            }

            GlobalConfiguration.Configuration.UseLogProvider(SilentLogProvider.Instance);
            _ = GlobalJobFilters.Filters;
            _ = Hangfire.Common.JobFilterProviders.Providers;
            _initialized = true;
        }
    }

    /// <summary>Runs after a host is built: makes it configure Hangfire now, then detaches the log provider from it.</summary>
    public static void Detach(IServiceProvider services)
    {
        _ = services.GetRequiredService<IGlobalConfiguration>();
        lock (Gate)
        {
            GlobalConfiguration.Configuration.UseLogProvider(SilentLogProvider.Instance);
        }
    }

    private sealed class SilentLogProvider : ILogProvider, ILog
    {
        public static readonly SilentLogProvider Instance = new();

        public ILog GetLogger(string name) => this;

        public bool Log(Hangfire.Logging.LogLevel logLevel, Func<string>? messageFunc, Exception? exception = null) => false;
    }
}
