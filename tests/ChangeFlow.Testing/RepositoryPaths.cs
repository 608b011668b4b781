namespace ChangeFlow.Testing;

/// <summary>Finds folders of the repository from a test's output directory.</summary>
public static class RepositoryPaths
{
    /// <summary>The repository root (the folder holding ChangeFlow.sln).</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The shipped workflow definitions.</summary>
    public static string Workflows => Path.Combine(Root, "workflows");

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ChangeFlow.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("ChangeFlow.sln not found above " + AppContext.BaseDirectory);
    }
}
