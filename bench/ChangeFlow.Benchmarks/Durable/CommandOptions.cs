using System.Globalization;
using System.Runtime.InteropServices;
using ChangeFlow.Testing;

namespace ChangeFlow.Benchmarks.Durable;

/// <summary>The <c>--name value</c> options of a bench command.</summary>
public sealed class CommandOptions
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    private CommandOptions()
    {
    }

    public static CommandOptions Parse(IEnumerable<string> args)
    {
        var options = new CommandOptions();
        string? name = null;
        foreach (var arg in args)
        {
            if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                name = arg[2..];
                options._values[name] = "true";
            }
            else if (name is not null)
            {
                options._values[name] = arg;
                name = null;
            }
            else
            {
                throw new ArgumentException($"Unexpected argument '{arg}'.");
            }
        }

        return options;
    }

    public string? Text(string name) => _values.GetValueOrDefault(name);

    public int Int(string name, int defaultValue) =>
        _values.TryGetValue(name, out var text) ? int.Parse(text, CultureInfo.InvariantCulture) : defaultValue;

    public double Double(string name, double defaultValue) =>
        _values.TryGetValue(name, out var text) ? double.Parse(text, CultureInfo.InvariantCulture) : defaultValue;

    public DatabaseProvider Provider(DatabaseProvider defaultValue = DatabaseProvider.Sqlite) =>
        _values.TryGetValue("provider", out var text)
            ? text.ToLowerInvariant() switch
            {
                "sqlite" => DatabaseProvider.Sqlite,
                "postgresql" or "postgres" or "pg" => DatabaseProvider.PostgreSql,
                _ => throw new ArgumentException($"Unknown provider '{text}'; use sqlite or postgresql."),
            }
            : defaultValue;
}

/// <summary>What a figure was measured on, printed with every result.</summary>
public static class Machine
{
    public static string LoadAverage()
    {
        try
        {
            var parts = File.ReadAllText("/proc/loadavg").Split(' ');
            return $"{parts[0]} {parts[1]} {parts[2]}";
        }
        catch (IOException)
        {
            return "n/a";
        }
    }

    public static string Describe()
    {
        var cpu = "unknown CPU";
        try
        {
            cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? cpu;
        }
        catch (IOException)
        {
        }

        return $"{Environment.ProcessorCount} cores, {cpu}, {RuntimeInformation.FrameworkDescription}, {RuntimeInformation.OSDescription}, server GC: {System.Runtime.GCSettings.IsServerGC}";
    }

    public static void Print(string line) => Console.WriteLine(line);

    /// <summary>Busy and total CPU time of the whole machine (all processes) so far, from /proc/stat, in clock ticks.</summary>
    public static (long Busy, long Total) MachineCpu()
    {
        try
        {
            var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(long.Parse).ToArray();
            var idle = fields[3] + (fields.Length > 4 ? fields[4] : 0);
            var total = fields.Take(8).Sum();
            return (total - idle, total);
        }
        catch (IOException)
        {
            return (0, 0);
        }
    }

    /// <summary>How busy the machine's cores were between two <see cref="MachineCpu"/> readings, as cores.</summary>
    public static string BusyCores((long Busy, long Total) before, (long Busy, long Total) after)
    {
        var total = after.Total - before.Total;
        return total <= 0 ? "n/a" : $"{(double)(after.Busy - before.Busy) / total * Environment.ProcessorCount:0.00}";
    }

    public static double Percentile(IReadOnlyList<double> sorted, double p)
    {
        if (sorted.Count == 0)
        {
            return double.NaN;
        }

        var rank = (int)Math.Ceiling(p / 100 * sorted.Count) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Count - 1)];
    }
}
