using System.Diagnostics;
using ChangeFlow.Testing;
using ChangeFlow.Web.Tests.Support;

namespace ChangeFlow.Web.Tests.Security;

/// <summary>
/// The README's "first token" commands, run as a new user would paste them (bash and curl) against a real server:
/// they sign in, issue a personal token and use it.
/// </summary>
public sealed class ReadmeFirstTokenTests(ChangeFlowServerFixture fixture) : IClassFixture<ChangeFlowServerFixture>
{
    private const string Marker = "<!-- first-token -->";

    [Fact]
    public async Task ReadmeFirstTokenCommands_SignInIssueATokenAndUseIt()
    {
        var script = ReadmeBlock()
            .Replace("http://127.0.0.1:5080/", fixture.Server.BaseAddress.ToString(), StringComparison.Ordinal)
            .Replace("admin@localhost", fixture.Server.AdminEmail, StringComparison.Ordinal)
            .Replace("PASSWORD-FROM-THE-LOG", ChangeFlowServerOptions.DefaultAdminPassword, StringComparison.Ordinal)
            .Replace("/tmp/cf-cookies", Path.Combine(Path.GetTempPath(), $"cf-cookies-{Guid.NewGuid():N}"), StringComparison.Ordinal);

        var (exit, output, error) = await RunBashAsync(script + "\nprintf '\\n%s' \"$CF_TOKEN\"\n");

        Assert.True(exit == 0, $"The README's commands failed ({exit}): {error}");
        var lines = output.Split('\n');
        Assert.StartsWith("cfp_", lines[^1], StringComparison.Ordinal);
        Assert.Contains($"\"email\":\"{fixture.Server.AdminEmail}\"", output, StringComparison.Ordinal);
    }

    /// <summary>The fenced bash block right after the marker in README.md.</summary>
    private static string ReadmeBlock()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "README.md"));
        var at = readme.IndexOf(Marker, StringComparison.Ordinal);
        Assert.True(at >= 0, $"README.md has no {Marker} block.");
        var start = readme.IndexOf("```bash\n", at, StringComparison.Ordinal) + "```bash\n".Length;
        var end = readme.IndexOf("\n```", start, StringComparison.Ordinal);
        return readme[start..end];
    }

    private static async Task<(int Exit, string Output, string Error)> RunBashAsync(string script)
    {
        var start = new ProcessStartInfo("bash", ["-euo", "pipefail", "-c", script])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await output, await error);
    }
}
