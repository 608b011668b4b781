using System.Text.Json.Nodes;
using ChangeFlow.Engine.Expressions;
using ChangeFlow.Engine.Model;
using ChangeFlow.Engine.Ports;

namespace ChangeFlow.Engine.Execution;

/// <summary>Everything one run of one instance shares: the definition, the state, the ports, the script engine.</summary>
internal sealed class RunScope : IDisposable
{
    private ScriptHost? _scripts;
    private IReadOnlyDictionary<string, JsonNode?>? _globals;

    public RunScope(WorkflowDefinition definition, WorkflowInstanceState state, WorkflowServices services, TimeProvider time, CancellationToken cancellationToken)
    {
        Definition = definition;
        State = state;
        Services = services;
        Time = time;
        CancellationToken = cancellationToken;
    }

    public WorkflowDefinition Definition { get; }

    public void Dispose() => _scripts?.Dispose();

    public WorkflowInstanceState State { get; }

    public WorkflowServices Services { get; }

    public TimeProvider Time { get; }

    public CancellationToken CancellationToken { get; }

    public ActivityExecutionContext? Current { get; set; }

    /// <summary>Timer requests made during the current activity, sent to the port once it returns.</summary>
    public List<TimerRequest> TimersToSchedule { get; } = [];

    public List<TimerRequest> TimersToUnschedule { get; } = [];

    public int ActivitiesRun { get; set; }

    public ScriptHost Scripts => _scripts ??= new ScriptHost(this, Services.Scripts);

    public IReadOnlyDictionary<string, JsonNode?> Globals =>
        _globals ??= Services.Globals?.Invoke(State) ?? new Dictionary<string, JsonNode?>();

    public DateTimeOffset Now => Time.GetUtcNow();

    public JsonNode? GetVariable(string name)
    {
        if (State.Variables.TryGetValue(name, out var value))
        {
            return value;
        }

        var variable = Definition.FindVariable(name);
        return variable is null ? null : State.Variables.GetValueOrDefault(variable.Name);
    }

    /// <summary>Sets a variable, converting to its declared type; unknown names become untyped variables (as in Elsa).</summary>
    public void SetVariable(string name, JsonNode? value)
    {
        var variable = Definition.FindVariable(name);
        if (variable is null)
        {
            State.Variables[name] = value?.DeepClone();
            return;
        }

        State.Variables[variable.Name] = ValueConverter.Convert(value, variable.Type);
    }

    public JsonNode? GetOutputFrom(string activityId, string? outputName)
    {
        if (!State.ActivityOutputs.TryGetValue(activityId, out var outputs) || outputs.Count == 0)
        {
            return null;
        }

        if (outputName is null)
        {
            return outputs.Values.First();
        }

        foreach (var (name, value) in outputs)
        {
            if (string.Equals(name, outputName, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        return null;
    }

    public void Journal(ActivityNode? node, JournalEventKind kind, IReadOnlyList<string>? outcomes = null, string? message = null)
    {
        State.Journal.Add(new JournalEntry
        {
            Sequence = State.NextSequence++,
            Timestamp = Now,
            ActivityId = node?.Id ?? "",
            ActivityType = node?.Type ?? "",
            Kind = kind,
            Outcomes = outcomes,
            Message = message,
        });

        // Dropped in batches so that a long run trims in amortised constant time; what is left is the newest entries.
        var max = Services.MaxJournalEntries;
        if (State.Journal.Count >= 2 * max)
        {
            State.Journal.RemoveRange(0, State.Journal.Count - max);
        }
    }

    public async ValueTask FlushTimersAsync()
    {
        for (var i = 0; i < TimersToUnschedule.Count; i++)
        {
            await Services.Timers.UnscheduleAsync(TimersToUnschedule[i], CancellationToken);
        }

        for (var i = 0; i < TimersToSchedule.Count; i++)
        {
            await Services.Timers.ScheduleAsync(TimersToSchedule[i], CancellationToken);
        }

        TimersToUnschedule.Clear();
        TimersToSchedule.Clear();
    }

    /// <summary>Removes a bookmark from the instance, withdrawing its timer if it has one.</summary>
    public void RemoveBookmark(Bookmark bookmark)
    {
        State.Bookmarks.Remove(bookmark);
        if (bookmark.DueAt is { } due)
        {
            var removedNow = TimersToSchedule.RemoveAll(t => t.BookmarkId == bookmark.Id);
            if (removedNow == 0)
            {
                TimersToUnschedule.Add(new TimerRequest(State.Id, bookmark.Id, due));
            }
        }
    }
}
