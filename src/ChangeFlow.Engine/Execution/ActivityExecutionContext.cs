using System.Text.Json.Nodes;
using ChangeFlow.Engine.Descriptors;
using ChangeFlow.Engine.Expressions;
using ChangeFlow.Engine.Model;
using ChangeFlow.Engine.Ports;

namespace ChangeFlow.Engine.Execution;

/// <summary>
/// What an activity sees while it runs: its inputs (evaluated on demand), variables, time, ports, and the calls
/// that complete it, suspend it on a bookmark, or finish the workflow.
/// </summary>
public sealed class ActivityExecutionContext
{
    private readonly RunScope _scope;
    private List<string>? _outcomes;

    internal ActivityExecutionContext(RunScope scope, ActivityNode node, Bookmark? resumedBookmark, JsonNode? resumeInput)
    {
        _scope = scope;
        Node = node;
        ResumedBookmark = resumedBookmark;
        ResumeInput = resumeInput;
    }

    /// <summary>The activity being run.</summary>
    public ActivityNode Node { get; }

    /// <summary>The definition version the instance runs on.</summary>
    public WorkflowDefinition Definition => _scope.Definition;

    /// <summary>The instance.</summary>
    public WorkflowInstanceState Instance => _scope.State;

    /// <summary>The bookmark being resumed, when the activity is resumed rather than executed.</summary>
    public Bookmark? ResumedBookmark { get; }

    /// <summary>The data the stimulus carried, when resumed.</summary>
    public JsonNode? ResumeInput { get; }

    /// <summary>The injected clock.</summary>
    public TimeProvider Time => _scope.Time;

    /// <summary>The current instant (UTC).</summary>
    public DateTimeOffset Now => _scope.Now;

    /// <summary>Ports and settings.</summary>
    public WorkflowServices Services => _scope.Services;

    /// <summary>Cancelled when the host shuts down; the run is then abandoned, not committed.</summary>
    public CancellationToken CancellationToken => _scope.CancellationToken;

    /// <summary>The outcomes the activity completed with, or null while it has not completed.</summary>
    public IReadOnlyList<string>? Outcomes => _outcomes;

    /// <summary>Bookmarks created by this execution.</summary>
    public int BookmarksCreated { get; private set; }

    internal bool FinishRequested { get; private set; }

    /// <summary>Persistent per-activity state kept across suspensions (e.g. how often a timer fired).</summary>
    public JsonObject State
    {
        get
        {
            if (!Instance.ActivityState.TryGetValue(Node.Id, out var bag))
            {
                bag = new JsonObject();
                Instance.ActivityState[Node.Id] = bag;
            }

            return bag;
        }
    }

    /// <summary>Evaluates an input: its expression if the definition sets it, otherwise the descriptor's default.</summary>
    public JsonNode? Evaluate(InputDescriptor input) =>
        Node.Inputs.TryGetValue(input.Name, out var binding) ? Evaluate(binding) : input.DefaultValue?.DeepClone();

    /// <summary>
    /// Evaluates a compiled expression (an input, or part of an activity's structured settings such as a switch case)
    /// and converts the result to the type its descriptor declares. Literals were converted when the definition loaded.
    /// </summary>
    public JsonNode? Evaluate(InputBinding binding)
    {
        ArgumentNullException.ThrowIfNull(binding);
        var value = binding.Expression.Kind switch
        {
            ExpressionKind.Literal or ExpressionKind.Json => binding.Constant?.DeepClone(),
            ExpressionKind.JavaScript => _scope.Scripts.Evaluate(binding.Script!, binding.Path),
            ExpressionKind.Liquid => JsonValue.Create(LiquidRenderer.Render(binding.Template!, _scope, Services.Scripts, binding.Path)),
            ExpressionKind.Variable => _scope.GetVariable(binding.Variable!.Name)?.DeepClone(),
            _ => throw new InvalidOperationException($"Unsupported expression kind {binding.Expression.Kind}."),
        };
        if (binding.Expression.Kind is ExpressionKind.Literal or ExpressionKind.Json)
        {
            return value;
        }

        var input = binding.Descriptor;
        if (!ValueConverter.TryConvert(value, input.Type, input.Options, out var converted, out var error))
        {
            throw new ExpressionException("ConversionError", $"Input '{input.Name}' at {binding.Path}: {error}.");
        }

        return converted;
    }

    /// <summary>Evaluates an input as text (null when unset and without default).</summary>
    public string? GetString(InputDescriptor input) => Evaluate(input) is { } value ? ValueConverter.AsText(value) : null;

    /// <summary>Evaluates a Boolean input.</summary>
    public bool GetBoolean(InputDescriptor input) => ValueConverter.TryGetBoolean(Evaluate(input), out var value) && value;

    /// <summary>Evaluates a duration input.</summary>
    public TimeSpan? GetTimeSpan(InputDescriptor input) => ValueConverter.TryParseTimeSpan(Evaluate(input), out var value) ? value : null;

    /// <summary>Evaluates an instant input.</summary>
    public DateTimeOffset? GetInstant(InputDescriptor input) => ValueConverter.TryParseInstant(Evaluate(input), out var value) ? value : null;

    /// <summary>Evaluates a list-of-strings input (empty when unset).</summary>
    public IReadOnlyList<string> GetStringList(InputDescriptor input) => ValueConverter.TryGetStringList(Evaluate(input), out var value) ? value : [];

    /// <summary>Reads a variable by name.</summary>
    public JsonNode? GetVariable(string name) => _scope.GetVariable(name);

    /// <summary>Writes a variable, converting to its declared type.</summary>
    public void SetVariable(string name, JsonNode? value) => _scope.SetVariable(name, value);

    /// <summary>Records an output; when the definition binds it to a variable, the variable is set too.</summary>
    public void SetOutput(string name, JsonNode? value)
    {
        if (!Instance.ActivityOutputs.TryGetValue(Node.Id, out var outputs))
        {
            outputs = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
            Instance.ActivityOutputs[Node.Id] = outputs;
        }

        outputs[name] = value?.DeepClone();
        Instance.LastResult = value?.DeepClone();
        if (Node.OutputBindings.TryGetValue(name, out var variable))
        {
            _scope.SetVariable(variable.Name, value);
        }
    }

    /// <summary>Completes the activity with the <c>Done</c> outcome.</summary>
    public void Complete() => Complete("Done");

    /// <summary>Completes the activity with one outcome.</summary>
    public void Complete(string outcome) => (_outcomes ??= []).Add(outcome);

    /// <summary>Completes the activity with several outcomes at once (all matching connections are followed); none is allowed.</summary>
    public void Complete(IEnumerable<string> outcomes) => (_outcomes ??= []).AddRange(outcomes);

    /// <summary>
    /// Suspends on a bookmark. A bookmark with <paramref name="dueAt"/> is a timer and is handed to the scheduler port.
    /// </summary>
    public Bookmark CreateBookmark(JsonObject? payload = null, DateTimeOffset? dueAt = null, string? name = null)
    {
        var bookmarkName = name ?? Node.Type;
        var bookmark = new Bookmark
        {
            Id = Guid.CreateVersion7(Now).ToString("N"),
            Name = bookmarkName,
            Hash = BookmarkHasher.Compute(bookmarkName, payload),
            Payload = payload,
            ActivityId = Node.Id,
            CreatedAt = Now,
            DueAt = dueAt,
        };
        Instance.Bookmarks.Add(bookmark);
        BookmarksCreated++;
        if (dueAt is { } due)
        {
            _scope.TimersToSchedule.Add(new TimerRequest(Instance.Id, bookmark.Id, due));
        }

        return bookmark;
    }

    /// <summary>
    /// Withdraws every open bookmark of this activity (e.g. the timeout timer of a task that was just decided), so that
    /// completing it leaves nothing of it waiting. Timers among them are unscheduled after the commit.
    /// </summary>
    /// <returns>How many bookmarks were withdrawn.</returns>
    public int RemoveOwnBookmarks()
    {
        var own = Instance.Bookmarks.Where(b => b.ActivityId == Node.Id).ToList();
        foreach (var bookmark in own)
        {
            _scope.RemoveBookmark(bookmark);
        }

        return own.Count;
    }

    /// <summary>Ends the whole workflow now: pending work and bookmarks are cancelled.</summary>
    public void FinishWorkflow() => FinishRequested = true;

    /// <summary>
    /// Writes a line to the console port, cut to <see cref="Expressions.ScriptOptions.MaxWriteLineChars"/> characters
    /// (the port usually logs it, and a script can make text of any length).
    /// </summary>
    public void WriteLine(string text) => Services.Console.WriteLine(Instance.Id, Expressions.TextLimits.Cut(text, Services.Scripts.MaxWriteLineChars));

    /// <summary>Resolves a service for activities defined outside the engine.</summary>
    public T GetRequiredService<T>()
        where T : notnull =>
        Services.ServiceProvider?.GetService(typeof(T)) is T service
            ? service
            : throw new InvalidOperationException($"The host did not register {typeof(T).Name}, which {Node.Type} needs.");
}
