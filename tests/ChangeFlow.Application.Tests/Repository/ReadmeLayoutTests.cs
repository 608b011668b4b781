using ChangeFlow.Testing;

namespace ChangeFlow.Application.Tests.Repository;

/// <summary>README's Layout section is the map a newcomer reads first: it must name every project there is.</summary>
public sealed class ReadmeLayoutTests
{
    [Fact]
    public void Layout_NamesEveryProject_InTheRepository()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "README.md"));
        var layout = readme[readme.IndexOf("## Layout", StringComparison.Ordinal)..];
        layout = layout[..layout.IndexOf("\n## ", 4, StringComparison.Ordinal)];

        var projects = Directory
            .EnumerateFiles(RepositoryPaths.Root, "*.csproj", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(RepositoryPaths.Root, Path.GetDirectoryName(path)!).Replace('\\', '/'))
            .Where(dir => !dir.Split('/').Any(part => part is "bin" or "obj" || part.StartsWith('.')))
            .ToList();

        Assert.Contains("src/ChangeFlow.Web", projects);
        var missing = projects.Where(dir => !IsNamed(layout, dir)).ToList();
        Assert.True(missing.Count == 0, "README's Layout does not name: " + string.Join(", ", missing));
    }

    // A test project is named either by its own line or by the one line for "a test project per project above",
    // which covers tests/ChangeFlow.X.Tests when src/ChangeFlow.X is listed.
    private static bool IsNamed(string layout, string dir)
    {
        if (layout.Contains(dir + " ", StringComparison.Ordinal) || layout.Contains(dir + "\n", StringComparison.Ordinal))
        {
            return true;
        }

        const string prefix = "tests/", suffix = ".Tests";
        return dir.StartsWith(prefix, StringComparison.Ordinal) && dir.EndsWith(suffix, StringComparison.Ordinal)
            && layout.Contains("tests/ChangeFlow.<Project>.Tests", StringComparison.Ordinal)
            && IsNamed(layout, "src/" + dir[prefix.Length..^suffix.Length]);
    }
}
