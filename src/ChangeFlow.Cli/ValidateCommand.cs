using ChangeFlow.Engine.Loading;

namespace ChangeFlow.Cli;

/// <summary><c>changeflow validate</c>: loads each file and prints every problem with its JSON path.</summary>
internal static class ValidateCommand
{
    public static async Task<int> RunAsync(string[] paths, WorkflowLoader loader, TextWriter stdout, TextWriter stderr)
    {
        if (paths.Length == 0)
        {
            await stderr.WriteLineAsync("changeflow validate: give at least one file or directory.");
            return CliApp.Usage;
        }

        var files = new List<string>();
        var missing = false;
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                files.AddRange(Directory.EnumerateFiles(path, "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal));
            }
            else if (File.Exists(path))
            {
                files.Add(path);
            }
            else
            {
                await stdout.WriteLineAsync($"{path}: no such file or directory");
                missing = true;
            }
        }

        int errors = 0, warnings = 0;
        foreach (var file in files)
        {
            string text;
            try
            {
                text = await File.ReadAllTextAsync(file);
            }
            catch (IOException ex)
            {
                await stdout.WriteLineAsync($"{file}: cannot be read: {ex.Message}");
                errors++;
                continue;
            }
            catch (UnauthorizedAccessException ex)
            {
                await stdout.WriteLineAsync($"{file}: cannot be read: {ex.Message}");
                errors++;
                continue;
            }

            foreach (var problem in loader.Load(text).Problems)
            {
                await stdout.WriteLineAsync($"{file}:{problem}");
                if (problem.Severity == ProblemSeverity.Error)
                {
                    errors++;
                }
                else
                {
                    warnings++;
                }
            }
        }

        await stderr.WriteLineAsync($"{files.Count} file(s) checked: {errors} error(s), {warnings} warning(s).");
        return errors > 0 || missing ? CliApp.Failure : CliApp.Success;
    }
}
