using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Reflection;
using System.Text;

namespace ChangeFlow.Cluster.Tests.Support;

/// <summary>
/// One ChangeFlow node: the built <c>ChangeFlow.Web.dll</c> run by <c>dotnet</c> as a process of its own, bound to a
/// loopback port. Its output is kept for assertions and failure reports. Every node started here is also killed when
/// the test process exits, so a crashed test run leaves nothing behind.
/// </summary>
public sealed class NodeProcess : IAsyncDisposable
{
    private static readonly ConcurrentDictionary<int, Process> Running = new();
    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly Lock _gate = new();

    static NodeProcess()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            foreach (var process in Running.Values)
            {
                KillQuietly(process);
            }
        };
    }

    private NodeProcess(string name, int port, Process process)
    {
        Name = name;
        Port = port;
        BaseAddress = new Uri($"http://127.0.0.1:{port}/");
        _process = process;
        Http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        Http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", AdminApiToken);
    }

    /// <summary>The administrator token every test cluster configures (<c>ChangeFlow:Bootstrap:AdminApiToken</c>); <see cref="Http"/> sends it.</summary>
    public const string AdminApiToken = "cfp_cluster-tests-admin-token-0123456789abcdef";

    /// <summary>The path of the web host this test assembly was built with (see the project file).</summary>
    public static string WebHostPath { get; } = FindWebHost();

    public string Name { get; }

    public int Port { get; }

    public Uri BaseAddress { get; }

    /// <summary>A client for this node's API, authenticated as the administrator.</summary>
    public HttpClient Http { get; }

    /// <summary>The process id, kept so that it can be reported after the process is gone.</summary>
    public int Pid { get; private set; }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>Everything the node wrote so far (standard output and error, in arrival order).</summary>
    public string Output
    {
        get
        {
            lock (_gate)
            {
                return string.Join('\n', _lines);
            }
        }
    }

    /// <summary>
    /// Starts a node. <paramref name="settings"/> are passed as environment variables (<c>ChangeFlow__...</c>);
    /// settings the test process itself carries are not inherited, so only what a test states applies.
    /// </summary>
    public static NodeProcess Start(string name, string workingDirectory, IReadOnlyDictionary<string, string> settings, int? port = null)
    {
        var chosenPort = port ?? Testing.PostgresServer.FreePort();
        var start = new ProcessStartInfo(DotnetHost(), [WebHostPath])
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var key in start.Environment.Keys.ToList())
        {
            if (key.StartsWith("ChangeFlow__", StringComparison.OrdinalIgnoreCase)
                || key.StartsWith("ConnectionStrings__", StringComparison.OrdinalIgnoreCase)
                || key.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase)
                || key.StartsWith("DOTNET_ENVIRONMENT", StringComparison.OrdinalIgnoreCase))
            {
                start.Environment.Remove(key);
            }
        }

        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{chosenPort}";
        start.Environment["ChangeFlow__NodeName"] = name;
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var (key, value) in settings)
        {
            start.Environment[key] = value;
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var node = new NodeProcess(name, chosenPort, process);
        process.OutputDataReceived += (_, e) => node.Append(e.Data);
        process.ErrorDataReceived += (_, e) => node.Append(e.Data);
        if (!process.Start())
        {
            throw new InvalidOperationException($"Could not start {name}.");
        }

        node.Pid = process.Id;
        Running[node.Pid] = process;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return node;
    }

    /// <summary>Waits until <c>/health/ready</c> answers 200; fails with the node's output if it exits or times out.</summary>
    public async Task WaitReadyAsync(TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        using var probe = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        while (watch.Elapsed < timeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with code {_process.ExitCode} while starting.\n{Tail()}");
            }

            try
            {
                using var response = await probe.GetAsync("health/ready");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"{Name} was not ready after {timeout.TotalSeconds:0} s.\n{Tail()}");
    }

    /// <summary>Waits until the node has written a line containing <paramref name="text"/>.</summary>
    public async Task WaitForOutputAsync(string text, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (!Output.Contains(text, StringComparison.Ordinal))
        {
            if (watch.Elapsed > timeout || _process.HasExited)
            {
                throw new TimeoutException($"{Name} did not write '{text}' within {timeout.TotalSeconds:0} s.\n{Tail()}");
            }

            await Task.Delay(20);
        }
    }

    /// <summary>Kills the process with SIGKILL (what <see cref="Process.Kill()"/> sends on Linux) and waits for it to go.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }

        await WaitForExitAsync(TimeSpan.FromSeconds(10));
    }

    /// <summary>Waits for the process to exit; true when it did.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>The last lines of output, for failure messages.</summary>
    public string Tail(int lines = 60)
    {
        lock (_gate)
        {
            var builder = new StringBuilder();
            builder.Append("---- last output of ").Append(Name).Append(" (PID ").Append(Pid).AppendLine(") ----");
            foreach (var line in _lines.Skip(Math.Max(0, _lines.Count - lines)))
            {
                builder.AppendLine(line.Length > 400 ? line[..400] + " ..." : line);
            }

            return builder.ToString();
        }
    }

    /// <summary>Stops the node by its PID (SIGKILL: every test has a database of its own, so nothing needs a clean shutdown).</summary>
    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        KillQuietly(_process);
        await WaitForExitAsync(TimeSpan.FromSeconds(10));
        Running.TryRemove(Pid, out _);
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            _lines.Add(line);
        }
    }

    private static void KillQuietly(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill();
            }
        }
        catch (InvalidOperationException)
        {
            // It exited (or never started) meanwhile.
        }
    }

    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    private static string FindWebHost()
    {
        var path = typeof(NodeProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "ChangeFlowWebHost")?.Value;
        if (string.IsNullOrEmpty(path) || !File.Exists(path))
        {
            throw new InvalidOperationException(
                $"The built web host '{path}' was not found; build tests/ChangeFlow.Cluster.Tests (it builds src/ChangeFlow.Web first).");
        }

        return path;
    }
}
