using System.Net;
using ChangeFlow.Cluster.Tests.Support;
using Xunit.Abstractions;

namespace ChangeFlow.Cluster.Tests;

/// <summary>
/// Start-up on SQLite's data directory, run as a real process: a directory it cannot write or a database file it
/// cannot use stops the start with exit code 1 and one line naming it; a zero-byte database file is a new database.
/// </summary>
public sealed class DataDirectoryTests : IAsyncLifetime
{
    private const string Reason = "ChangeFlow could not start: ";
    private readonly ITestOutputHelper _output;
    private TestCluster _cluster = null!;

    public DataDirectoryTests(ITestOutputHelper output)
    {
        _output = output;
    }

    public async Task InitializeAsync() => _cluster = await TestCluster.CreateAsync(_output);

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [ReadOnlyDirectoryTheory]
    [InlineData("data")]
    [InlineData("")]
    public async Task Node_ExitsWithOneLineNamingTheDirectory_WhenTheDataDirectoryIsReadOnly(string below)
    {
        using var readOnly = ReadOnlyDirectory.Create();
        var dataDirectory = below.Length == 0 ? readOnly.Path : Path.Combine(readOnly.Path, below);

        var node = StartSqliteNode(dataDirectory);

        Assert.True(await node.WaitForExitAsync(TimeSpan.FromSeconds(60)), "The node kept running.\n" + node.Tail());
        Assert.Equal(1, node.ExitCode);
        var lines = node.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var line = Assert.Single(lines);
        Assert.StartsWith($"{Reason}The data directory '{dataDirectory}' (ChangeFlow:DataDirectory) is not writable: ", line, StringComparison.Ordinal);
        _output.WriteLine(line);
    }

    [Fact]
    public async Task Node_StartsOnANewDatabase_WhenChangeflowDbIsZeroBytes()
    {
        var dataDirectory = Path.Combine(_cluster.Directory, "zero");
        Directory.CreateDirectory(dataDirectory);
        await File.WriteAllBytesAsync(Path.Combine(dataDirectory, "changeflow.db"), []);

        var node = StartSqliteNode(dataDirectory);

        await node.WaitReadyAsync(TimeSpan.FromSeconds(90));
        Assert.Equal(HttpStatusCode.OK, await node.GetStatusAsync("api/users/me"));
        Assert.DoesNotContain("readonly database", node.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Node_ExitsWithOneLineNamingTheFile_WhenChangeflowDbIsNotADatabase()
    {
        var dataDirectory = Path.Combine(_cluster.Directory, "garbage");
        Directory.CreateDirectory(dataDirectory);
        var file = Path.Combine(dataDirectory, "changeflow.db");
        await File.WriteAllTextAsync(file, new string('x', 8192));

        var node = StartSqliteNode(dataDirectory);

        Assert.True(await node.WaitForExitAsync(TimeSpan.FromSeconds(60)), "The node kept running.\n" + node.Tail());
        Assert.Equal(1, node.ExitCode);
        var line = Assert.Single(node.Output.Split('\n'), l => l.StartsWith(Reason, StringComparison.Ordinal));
        Assert.Equal($"{Reason}The SQLite database '{file}' cannot be used: SQLite Error 26: 'file is not a database'. Move it aside to start with a new database, or restore it from a backup.", line);
        Assert.DoesNotContain("Unhandled exception", node.Output, StringComparison.Ordinal);
        _output.WriteLine(line);
    }

    private NodeProcess StartSqliteNode(string dataDirectory) => _cluster.StartNode("node-a", new Dictionary<string, string>
    {
        ["ChangeFlow__Database__Provider"] = "Sqlite",
        ["ChangeFlow__DataDirectory"] = dataDirectory,
    });
}
