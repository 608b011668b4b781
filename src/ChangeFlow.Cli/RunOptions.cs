using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ChangeFlow.Cli;

/// <summary>Parsed arguments of <c>changeflow run</c>.</summary>
internal sealed class RunOptions
{
    public required string File { get; init; }

    public Dictionary<string, JsonNode?> Input { get; } = new(StringComparer.Ordinal);

    public List<(string Name, JsonNode? Payload)> Events { get; } = [];

    public string? CorrelationId { get; private set; }

    public DateTimeOffset? Now { get; private set; }

    public bool PrintState { get; private set; }

    public static RunOptions? Parse(string[] args, out string? error)
    {
        error = null;
        string? file = null;
        var pending = new List<Func<RunOptions, string?>>();
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            string? Next()
            {
                return i + 1 < args.Length ? args[++i] : null;
            }

            switch (arg)
            {
                case "--input" or "-i":
                    var input = Next();
                    if (input is null || input.IndexOf('=', StringComparison.Ordinal) <= 0)
                    {
                        error = "--input needs name=value.";
                        return null;
                    }

                    var eq = input.IndexOf('=', StringComparison.Ordinal);
                    var (name, value) = (input[..eq], input[(eq + 1)..]);
                    pending.Add(o =>
                    {
                        o.Input[name] = ParseValue(value);
                        return null;
                    });
                    break;
                case "--event" or "-e":
                    var ev = Next();
                    if (string.IsNullOrWhiteSpace(ev))
                    {
                        error = "--event needs an event name.";
                        return null;
                    }

                    var sep = ev.IndexOf('=', StringComparison.Ordinal);
                    var evName = sep > 0 ? ev[..sep] : ev;
                    var payload = sep > 0 ? ParseValue(ev[(sep + 1)..]) : null;
                    pending.Add(o =>
                    {
                        o.Events.Add((evName, payload));
                        return null;
                    });
                    break;
                case "--correlation-id":
                    var correlation = Next();
                    if (correlation is null)
                    {
                        error = "--correlation-id needs a value.";
                        return null;
                    }

                    pending.Add(o =>
                    {
                        o.CorrelationId = correlation;
                        return null;
                    });
                    break;
                case "--now":
                    var now = Next();
                    if (now is null || !DateTimeOffset.TryParse(now, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant))
                    {
                        error = "--now needs an ISO 8601 instant, e.g. 2026-05-16T21:00:00Z.";
                        return null;
                    }

                    pending.Add(o =>
                    {
                        o.Now = instant;
                        return null;
                    });
                    break;
                case "--state":
                    pending.Add(o =>
                    {
                        o.PrintState = true;
                        return null;
                    });
                    break;
                default:
                    if (arg.StartsWith('-'))
                    {
                        error = $"unknown option '{arg}'.";
                        return null;
                    }

                    if (file is not null)
                    {
                        error = $"one workflow file at a time (got '{file}' and '{arg}').";
                        return null;
                    }

                    file = arg;
                    break;
            }
        }

        if (file is null)
        {
            error = "give the workflow file to run.";
            return null;
        }

        var options = new RunOptions { File = file };
        foreach (var apply in pending)
        {
            apply(options);
        }

        return options;
    }

    private static JsonNode? ParseValue(string text)
    {
        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return JsonValue.Create(text);
        }
    }
}
