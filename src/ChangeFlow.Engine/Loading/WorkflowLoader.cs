using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ChangeFlow.Engine.Activities;
using ChangeFlow.Engine.Descriptors;
using ChangeFlow.Engine.Expressions;
using ChangeFlow.Engine.Model;

namespace ChangeFlow.Engine.Loading;

/// <summary>
/// Reads Elsa 3 shaped definitions into immutable graphs. Loading never throws for bad input: it returns every
/// problem at once, each with a JSON path. Unknown keys are ignored. Results are cached by content hash, so loading
/// the same text twice returns the same graph.
/// </summary>
public sealed class WorkflowLoader
{
    private const int CacheCapacity = 1024;
    private static readonly JsonNodeOptions NodeOptions = new() { PropertyNameCaseInsensitive = false };
    // Repeated keys are rejected while parsing and reported as malformed JSON naming the key; allowed, JsonObject would throw on first access.
    private static readonly JsonDocumentOptions DocumentOptions = new() { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip, MaxDepth = 128, AllowDuplicateProperties = false };

    private readonly ActivityRegistry _registry;
    private readonly WorkflowLoaderOptions _limits;
    private readonly ConcurrentDictionary<string, WorkflowLoadResult> _cache = new(StringComparer.Ordinal);

    /// <summary>Creates a loader for the activity types in <paramref name="registry"/>, with the default limits.</summary>
    public WorkflowLoader(ActivityRegistry registry)
        : this(registry, new WorkflowLoaderOptions())
    {
    }

    /// <summary>Creates a loader for the activity types in <paramref name="registry"/> that refuses definitions over <paramref name="limits"/>.</summary>
    public WorkflowLoader(ActivityRegistry registry, WorkflowLoaderOptions limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        _registry = registry;
        _limits = limits;
    }

    /// <summary>The limits this loader enforces.</summary>
    public WorkflowLoaderOptions Limits => _limits;

    /// <summary>The activity types this loader knows.</summary>
    public ActivityRegistry Registry => _registry;

    /// <summary>Loads a definition from JSON text (cached by content).</summary>
    public WorkflowLoadResult Load(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        var bytes = Encoding.UTF8.GetBytes(json);
        if (bytes.Length > _limits.MaxDefinitionBytes)
        {
            return new WorkflowLoadResult(null, [new WorkflowProblem(ProblemSeverity.Error, "$", TooLargeMessage(bytes.Length, _limits.MaxDefinitionBytes))], exceedsLimits: true);
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(bytes));
        if (_cache.TryGetValue(hash, out var cached))
        {
            return cached;
        }

        var result = new Session(this, hash).Load(json.TrimStart('\uFEFF'));
        if (_cache.Count >= CacheCapacity)
        {
            _cache.Clear();
        }

        _cache[hash] = result;
        return result;
    }

    /// <summary>The problem text for a definition of <paramref name="size"/> bytes over a limit of <paramref name="limit"/> bytes.</summary>
    public static string TooLargeMessage(long size, long limit) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"The definition is {size:N0} bytes; at most {limit:N0} bytes are allowed (ChangeFlow:WorkflowDefinitions:MaxDefinitionBytes).");

    /// <summary>Loads a definition file.</summary>
    public async Task<WorkflowLoadResult> LoadFileAsync(string path, CancellationToken cancellationToken = default) =>
        Load(await File.ReadAllTextAsync(path, cancellationToken));

    internal static JsonNode? Property(JsonObject obj, string name)
    {
        if (obj.TryGetPropertyValue(name, out var exact))
        {
            return exact;
        }

        foreach (var (key, value) in obj)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        return null;
    }

    private static string? AsString(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;

    private static bool? AsBool(JsonNode? node) => node switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.True => true,
        JsonValue v when v.GetValueKind() == JsonValueKind.False => false,
        JsonValue v when v.GetValueKind() == JsonValueKind.String && bool.TryParse(v.GetValue<string>(), out var b) => b,
        _ => null,
    };

    /// <summary>One load: collects problems while building the graph.</summary>
    internal sealed class Session
    {
        private readonly WorkflowLoader _loader;
        private readonly string _hash;
        private readonly List<WorkflowProblem> _problems = [];
        private int _errorCount;
        private bool _exceedsLimits;
        private readonly Dictionary<string, VariableDefinition> _variablesById = new(StringComparer.Ordinal);
        private readonly Dictionary<string, VariableDefinition> _variablesByName = new(StringComparer.Ordinal);

        public Session(WorkflowLoader loader, string hash)
        {
            _loader = loader;
            _hash = hash;
        }

        public void Error(string path, string message)
        {
            _problems.Add(new WorkflowProblem(ProblemSeverity.Error, path, message));
            _errorCount++;
        }

        public void Warning(string path, string message) => _problems.Add(new WorkflowProblem(ProblemSeverity.Warning, path, message));

        public VariableDefinition? FindVariable(string idOrName) =>
            _variablesById.TryGetValue(idOrName, out var byId) ? byId : _variablesByName.GetValueOrDefault(idOrName);

        public WorkflowLoadResult Load(string json)
        {
            JsonNode? document;
            try
            {
                document = JsonNode.Parse(json, NodeOptions, DocumentOptions);
            }
            catch (JsonException ex)
            {
                var where = ex.LineNumber is { } line ? $" at line {line + 1}, column {(ex.BytePositionInLine ?? 0) + 1}" : "";
                Error("$", $"Malformed JSON{where}: {FirstSentence(ex.Message)}");
                return Finish(null);
            }

            if (document is not JsonObject root)
            {
                Error("$", "A workflow definition must be a JSON object.");
                return Finish(null);
            }

            return Finish(Build(root));
        }

        private WorkflowLoadResult Finish(WorkflowDefinition? definition)
        {
            return new WorkflowLoadResult(_errorCount > 0 ? null : definition, _problems.ToArray(), _exceedsLimits);
        }

        private WorkflowDefinition? Build(JsonObject doc)
        {
            var definitionId = AsString(Property(doc, "definitionId"));
            var id = AsString(Property(doc, "id"));
            if (string.IsNullOrWhiteSpace(definitionId) && string.IsNullOrWhiteSpace(id))
            {
                Error("$.definitionId", "A definition needs a 'definitionId' (or at least an 'id').");
            }

            definitionId = string.IsNullOrWhiteSpace(definitionId) ? id ?? "" : definitionId;
            var version = 1;
            if (Property(doc, "version") is { } versionNode)
            {
                if (versionNode is JsonValue vv && vv.TryGetValue(out int v) && v >= 1)
                {
                    version = v;
                }
                else
                {
                    Error("$.version", "'version' must be a positive integer.");
                }
            }

            id = string.IsNullOrWhiteSpace(id) ? $"{definitionId}:v{version}" : id;
            var variables = ReadVariables(Property(doc, "variables"));
            var inputs = ReadParameters(Property(doc, "inputs"), "$.inputs");
            var outputs = ReadParameters(Property(doc, "outputs"), "$.outputs");
            var outcomes = ReadOutcomes(Property(doc, "outcomes"));
            var strategy = ReadIncidentStrategy(Property(doc, "options"));

            if (Property(doc, "root") is not JsonObject root)
            {
                Error("$.root", "A definition needs a 'root' object of type Elsa.Flowchart.");
                return null;
            }

            var rootType = AsString(Property(root, "type"));
            if (rootType is not null && rootType != "Elsa.Flowchart")
            {
                Error("$.root.type", $"The root activity must be an Elsa.Flowchart, not '{rootType}'.");
                return null;
            }

            var nodes = ReadActivities(Property(root, "activities"));
            if (_exceedsLimits)
            {
                return null;
            }

            var connections = ReadConnections(Property(root, "connections"), nodes);
            var start = _exceedsLimits ? null : FindStart(root, nodes, connections);
            if (start is null)
            {
                return null;
            }

            AnalyseGraph(nodes, connections, start);
            return new WorkflowDefinition(
                id,
                definitionId,
                version,
                AsString(Property(doc, "name")),
                AsString(Property(doc, "description")),
                AsBool(Property(doc, "isLatest")) ?? true,
                AsBool(Property(doc, "isPublished")) ?? false,
                variables,
                inputs,
                outputs,
                outcomes,
                strategy,
                [.. nodes.Values.Select(n => n.Node)],
                [.. connections],
                start,
                _hash);
        }

        private ImmutableArray<VariableDefinition> ReadVariables(JsonNode? node)
        {
            if (node is null)
            {
                return [];
            }

            if (node is not JsonArray array)
            {
                Error("$.variables", "'variables' must be an array.");
                return [];
            }

            var result = ImmutableArray.CreateBuilder<VariableDefinition>();
            for (var i = 0; i < array.Count; i++)
            {
                var path = $"$.variables[{i}]";
                if (array[i] is not JsonObject obj)
                {
                    Error(path, "A variable must be an object with at least a 'name'.");
                    continue;
                }

                var name = AsString(Property(obj, "name"));
                if (string.IsNullOrWhiteSpace(name))
                {
                    Error(path + ".name", "A variable needs a 'name'.");
                    continue;
                }

                var id = AsString(Property(obj, "id"));
                id = string.IsNullOrWhiteSpace(id) ? name : id;
                var typeName = AsString(Property(obj, "typeName")) ?? AsString(Property(obj, "type")) ?? "Object";
                var type = DataTypeNames.Parse(typeName);
                if (AsBool(Property(obj, "isArray")) == true && type == DataType.String)
                {
                    type = DataType.StringList;
                }

                var defaultValue = ReadDefault(Property(obj, "value"), type, path + ".value");
                var variable = new VariableDefinition(id, name, type, typeName, defaultValue);
                if (_variablesByName.ContainsKey(name))
                {
                    Error(path + ".name", $"Duplicate variable name '{name}'.");
                    continue;
                }

                if (_variablesById.ContainsKey(id))
                {
                    Error(path + ".id", $"Duplicate variable id '{id}'.");
                    continue;
                }

                _variablesByName[name] = variable;
                _variablesById[id] = variable;
                result.Add(variable);
            }

            return result.ToImmutable();
        }

        private JsonNode? ReadDefault(JsonNode? value, DataType type, string path)
        {
            if (value is null || (AsString(value) is { } text && text.Length == 0 && type != DataType.String))
            {
                return null;
            }

            // Elsa writes defaults string-encoded; JSON text is decoded for structured types.
            if (type is DataType.Object or DataType.StringList && AsString(value) is { } json && json.TrimStart() is ['{' or '[', ..])
            {
                try
                {
                    value = JsonNode.Parse(json, null, DocumentOptions);
                }
                catch (JsonException)
                {
                    Error(path, "The default value is not valid JSON.");
                    return null;
                }
            }

            if (!ValueConverter.TryConvert(value, type, null, out var converted, out var error))
            {
                Error(path, error + ".");
                return null;
            }

            return converted;
        }

        private ImmutableArray<WorkflowParameter> ReadParameters(JsonNode? node, string basePath)
        {
            if (node is not JsonArray array)
            {
                if (node is not null)
                {
                    Error(basePath, "Must be an array.");
                }

                return [];
            }

            var result = ImmutableArray.CreateBuilder<WorkflowParameter>();
            for (var i = 0; i < array.Count; i++)
            {
                var path = $"{basePath}[{i}]";
                if (array[i] is not JsonObject obj || AsString(Property(obj, "name")) is not { Length: > 0 } name)
                {
                    Error(path, "Each entry needs a 'name'.");
                    continue;
                }

                var type = DataTypeNames.Parse(AsString(Property(obj, "type")) ?? AsString(Property(obj, "typeName")));
                var defaultValue = ReadDefault(Property(obj, "defaultValue"), type, path + ".defaultValue");
                result.Add(new WorkflowParameter(name, type, AsString(Property(obj, "description")), defaultValue));
            }

            return result.ToImmutable();
        }

        private static ImmutableArray<string> ReadOutcomes(JsonNode? node)
        {
            if (node is not JsonArray array)
            {
                return [];
            }

            var result = ImmutableArray.CreateBuilder<string>();
            foreach (var item in array)
            {
                if (AsString(item) is { } text)
                {
                    result.Add(text);
                }
                else if (item is JsonObject obj && AsString(Property(obj, "name")) is { } name)
                {
                    result.Add(name);
                }
            }

            return result.ToImmutable();
        }

        private IncidentStrategy ReadIncidentStrategy(JsonNode? options)
        {
            if (options is not JsonObject obj)
            {
                return IncidentStrategy.Fault;
            }

            var text = AsString(Property(obj, "incidentStrategyType")) ?? AsString(Property(obj, "incidentStrategy"));
            if (string.IsNullOrWhiteSpace(text))
            {
                return IncidentStrategy.Fault;
            }

            if (text.Contains("Continue", StringComparison.OrdinalIgnoreCase))
            {
                return IncidentStrategy.Continue;
            }

            if (!text.Contains("Fault", StringComparison.OrdinalIgnoreCase))
            {
                Warning("$.options.incidentStrategyType", $"Unknown incident strategy '{text}'; faulting the instance (the default).");
            }

            return IncidentStrategy.Fault;
        }

        private sealed record NodeEntry(ActivityNode Node, JsonObject Raw, int Index);

        private Dictionary<string, NodeEntry> ReadActivities(JsonNode? node)
        {
            var result = new Dictionary<string, NodeEntry>(StringComparer.Ordinal);
            if (node is not JsonArray array)
            {
                if (node is not null)
                {
                    Error("$.root.activities", "'activities' must be an array.");
                }

                return result;
            }

            if (array.Count > _loader._limits.MaxActivities)
            {
                _exceedsLimits = true;
                Error("$.root.activities", string.Create(System.Globalization.CultureInfo.InvariantCulture, $"The flowchart has {array.Count:N0} activities; at most {_loader._limits.MaxActivities:N0} are allowed (ChangeFlow:WorkflowDefinitions:MaxActivities)."));
                return result;
            }

            var firstPath = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i < array.Count; i++)
            {
                var path = $"$.root.activities[{i}]";
                if (array[i] is not JsonObject obj)
                {
                    Error(path, "An activity must be a JSON object.");
                    continue;
                }

                var id = AsString(Property(obj, "id"));
                var type = AsString(Property(obj, "type"));
                if (string.IsNullOrWhiteSpace(id))
                {
                    Error(path + ".id", "An activity needs an 'id'.");
                }
                else if (firstPath.TryGetValue(id, out var first))
                {
                    Error(path + ".id", $"Duplicate activity id '{id}' (first used at {first}).");
                    id = null;
                }
                else
                {
                    firstPath[id] = path;
                }

                if (string.IsNullOrWhiteSpace(type))
                {
                    Error(path + ".type", "An activity needs a 'type'.");
                    continue;
                }

                var activity = _loader._registry.Find(type);
                if (activity is null)
                {
                    Error(path + ".type", $"Unknown activity type '{type}'.");
                    continue;
                }

                var activityNode = new ActivityNode(id ?? $"#{i}", type, AsString(Property(obj, "name")), activity, path);
                ReadNode(activityNode, obj, path);
                if (id is not null)
                {
                    result[id] = new NodeEntry(activityNode, obj, i);
                }
            }

            return result;
        }

        private void ReadNode(ActivityNode node, JsonObject raw, string path)
        {
            var descriptor = node.Descriptor;
            var inputs = new Dictionary<string, InputBinding>(StringComparer.Ordinal);
            foreach (var input in descriptor.Inputs)
            {
                if (!input.IsExpression)
                {
                    continue;
                }

                var value = Property(raw, input.Name);
                // Every error CompileInput reports lies under this input's path, so counting them says whether it reported one.
                var errorsBefore = _errorCount;
                var binding = CompileInput(value, input, $"{path}.{input.Name}");
                if (binding is not null)
                {
                    inputs[input.Name] = binding;
                }
                else if (input.Required && _errorCount == errorsBefore)
                {
                    Error($"{path}.{input.Name}", $"Required input '{input.Name}' of {descriptor.TypeName} is missing.");
                }
            }

            node.Inputs = inputs.ToFrozenDictionary(StringComparer.Ordinal);

            var outputs = new Dictionary<string, VariableDefinition>(StringComparer.Ordinal);
            foreach (var output in descriptor.Outputs)
            {
                if (Property(raw, output.Name) is JsonObject outputObject
                    && Property(outputObject, "memoryReference") is JsonObject reference
                    && AsString(Property(reference, "id")) is { Length: > 0 } variableId)
                {
                    var variable = FindVariable(variableId);
                    if (variable is null)
                    {
                        Error($"{path}.{output.Name}.memoryReference.id", $"Output '{output.Name}' is bound to '{variableId}', which is not a variable of this workflow.");
                    }
                    else
                    {
                        outputs[output.Name] = variable;
                    }
                }
            }

            node.OutputBindings = outputs.ToFrozenDictionary(StringComparer.Ordinal);
            node.CustomProperties = Property(raw, "customProperties") as JsonObject;
            node.Settings = node.Activity.ReadSettings(new ActivityReadContext(this, raw, path));
            node.JoinMode = ReadJoinMode(node, path);
            node.KnownOutcomes = node.Activity.GetOutcomes(node);
        }

        private JoinMode ReadJoinMode(ActivityNode node, string path)
        {
            var mode = JoinMode.WaitAllActive;
            if (node.Activity is FlowJoin && node.Inputs.TryGetValue(FlowJoin.Mode.Name, out var binding) && binding.Constant is { } constant)
            {
                mode = Enum.Parse<JoinMode>(ValueConverter.AsText(constant), ignoreCase: true);
            }
            else if (node.Activity is FlowJoin)
            {
                mode = JoinMode.WaitAny;
            }

            if (node.CustomProperties is { } custom && AsString(Property(custom, "mergeMode")) is { Length: > 0 } mergeMode)
            {
                switch (mergeMode.ToLowerInvariant())
                {
                    case "merge" or "converge":
                        mode = JoinMode.WaitAll;
                        break;
                    case "race":
                        mode = JoinMode.WaitAny;
                        break;
                    case "stream" or "none":
                        mode = JoinMode.WaitAllActive;
                        break;
                    default:
                        Warning($"{path}.customProperties.mergeMode", $"Unknown merge mode '{mergeMode}'; using the default join rule.");
                        break;
                }
            }

            return mode;
        }

        /// <summary>Compiles one input written as Elsa's <c>{typeName, expression}</c> object or as a bare value.</summary>
        public InputBinding? CompileInput(JsonNode? value, InputDescriptor input, string path)
        {
            if (value is null)
            {
                return null;
            }

            ExpressionKind kind;
            JsonNode? source;
            var valuePath = path;
            if (value is JsonObject wrapper && (wrapper.ContainsKey("expression") || wrapper.ContainsKey("typeName") || wrapper.ContainsKey("memoryReference")))
            {
                if (Property(wrapper, "expression") is not JsonObject expression)
                {
                    return null;
                }

                var typeText = AsString(Property(expression, "type"));
                var parsed = Expression.ParseKind(typeText);
                if (parsed is null)
                {
                    Error(path + ".expression.type", $"Unknown expression type '{typeText}'; use Literal, JavaScript, Liquid, Variable, Object or Json.");
                    return null;
                }

                kind = parsed.Value;
                source = Property(expression, "value");
                valuePath = path + ".expression.value";
            }
            else
            {
                kind = ExpressionKind.Literal;
                source = value;
            }

            if (source is null || (AsString(source) is { } text && string.IsNullOrWhiteSpace(text) && (kind != ExpressionKind.Literal || input.Type != DataType.String)))
            {
                return null;
            }

            if (input.LiteralOnly && kind is not (ExpressionKind.Literal or ExpressionKind.Json))
            {
                Error(valuePath, $"Input '{input.Name}' must be a literal; the engine needs its value before the activity runs.");
                return null;
            }

            var binding = new InputBinding(input, new Expression(kind, source), valuePath);
            switch (kind)
            {
                case ExpressionKind.Literal:
                    if (!ValueConverter.TryConvert(source, input.Type, input.Options, out var literal, out var literalError))
                    {
                        Error(valuePath, $"Input '{input.Name}' has the wrong type: {literalError}.");
                        return null;
                    }

                    binding.Constant = literal;
                    break;
                case ExpressionKind.Json:
                    var parsedJson = source;
                    if (AsString(source) is { } jsonText)
                    {
                        try
                        {
                            parsedJson = JsonNode.Parse(jsonText, null, DocumentOptions);
                        }
                        catch (JsonException ex)
                        {
                            Error(valuePath, $"Input '{input.Name}' is not valid JSON: {FirstSentence(ex.Message)}");
                            return null;
                        }
                    }

                    if (!ValueConverter.TryConvert(parsedJson, input.Type, input.Options, out var json, out var jsonError))
                    {
                        Error(valuePath, $"Input '{input.Name}' has the wrong type: {jsonError}.");
                        return null;
                    }

                    binding.Constant = json;
                    break;
                case ExpressionKind.JavaScript:
                    if (AsString(source) is not { } script)
                    {
                        Error(valuePath, "A JavaScript expression must be a string.");
                        return null;
                    }

                    binding.Script = CompiledScript.TryCompile(script, out var scriptError);
                    if (binding.Script is null)
                    {
                        Error(valuePath, scriptError!);
                        return null;
                    }

                    break;
                case ExpressionKind.Liquid:
                    if (AsString(source) is not { } template)
                    {
                        Error(valuePath, "A Liquid template must be a string.");
                        return null;
                    }

                    binding.Template = CompiledTemplate.TryCompile(template, out var templateError);
                    if (binding.Template is null)
                    {
                        Error(valuePath, templateError!);
                        return null;
                    }

                    break;
                case ExpressionKind.Variable:
                    // Elsa Studio's variable picker writes the variable as JSON text: {"id":..., "name":...}.
                    if (AsString(source) is { } refText && refText.TrimStart().StartsWith('{'))
                    {
                        try
                        {
                            source = JsonNode.Parse(refText, null, DocumentOptions);
                        }
                        catch (JsonException)
                        {
                            Error(valuePath, "The variable reference is not valid JSON.");
                            return null;
                        }
                    }

                    var reference = source is JsonObject refObject
                        ? AsString(Property(refObject, "id")) ?? AsString(Property(refObject, "name"))
                        : AsString(source);
                    var variable = reference is null ? null : FindVariable(reference);
                    if (variable is null)
                    {
                        Error(valuePath, $"'{reference}' is not a variable of this workflow.");
                        return null;
                    }

                    binding.Variable = variable;
                    break;
            }

            return binding;
        }

        private List<Connection> ReadConnections(JsonNode? node, Dictionary<string, NodeEntry> nodes)
        {
            var result = new List<Connection>();
            if (node is not JsonArray array)
            {
                if (node is not null)
                {
                    Error("$.root.connections", "'connections' must be an array.");
                }

                return result;
            }

            if (array.Count > _loader._limits.MaxConnections)
            {
                _exceedsLimits = true;
                Error("$.root.connections", string.Create(System.Globalization.CultureInfo.InvariantCulture, $"The flowchart has {array.Count:N0} connections; at most {_loader._limits.MaxConnections:N0} are allowed (ChangeFlow:WorkflowDefinitions:MaxConnections)."));
                return result;
            }

            // Ports are looked up once per connection; a switch with many cases must not make that a scan each time.
            var portsBySource = new Dictionary<ActivityNode, HashSet<string>>();
            for (var i = 0; i < array.Count; i++)
            {
                var path = $"$.root.connections[{i}]";
                if (array[i] is not JsonObject obj)
                {
                    Error(path, "A connection must be a JSON object.");
                    continue;
                }

                var (source, sourcePort, sourcePath, sourcePortPath) = ReadEnd(obj, "source", "sourcePort", "Done", path);
                var (target, targetPort, targetPath, targetPortPath) = ReadEnd(obj, "target", "targetPort", "In", path);
                var ok = true;
                if (string.IsNullOrWhiteSpace(source))
                {
                    Error(sourcePath, "A connection needs a source activity.");
                    ok = false;
                }
                else if (!nodes.ContainsKey(source))
                {
                    Error(sourcePath, $"Connection source '{source}' is not an activity of this flowchart.");
                    ok = false;
                }

                if (string.IsNullOrWhiteSpace(target))
                {
                    Error(targetPath, "A connection needs a target activity.");
                    ok = false;
                }
                else if (!nodes.ContainsKey(target))
                {
                    Error(targetPath, $"Connection target '{target}' is not an activity of this flowchart.");
                    ok = false;
                }

                if (!ok)
                {
                    continue;
                }

                var sourceNode = nodes[source!].Node;
                if (sourceNode.KnownOutcomes is { } outcomes && !PortsOf(sourceNode, outcomes, portsBySource).Contains(sourcePort))
                {
                    var has = outcomes.Count == 0 ? "it has no outcome ports" : "it has " + string.Join(", ", outcomes);
                    Error(sourcePortPath, $"Activity '{source}' ({sourceNode.Type}) has no outcome port '{sourcePort}'; {has}.");
                    continue;
                }

                if (!string.Equals(targetPort, "In", StringComparison.OrdinalIgnoreCase))
                {
                    Error(targetPortPath, $"Activity '{target}' has no input port '{targetPort}'; flowchart activities are entered through 'In'.");
                    continue;
                }

                result.Add(new Connection(result.Count, source!, sourcePort, target!, "In"));
            }

            return result;
        }

        private static HashSet<string> PortsOf(ActivityNode node, IReadOnlyList<string> outcomes, Dictionary<ActivityNode, HashSet<string>> cache)
        {
            if (!cache.TryGetValue(node, out var ports))
            {
                ports = new HashSet<string>(outcomes, StringComparer.OrdinalIgnoreCase);
                cache[node] = ports;
            }

            return ports;
        }

        private static (string? Activity, string Port, string ActivityPath, string PortPath) ReadEnd(JsonObject obj, string name, string flatPortName, string defaultPort, string path)
        {
            var end = Property(obj, name);
            if (end is JsonObject nested)
            {
                var activity = AsString(Property(nested, "activity")) ?? AsString(Property(nested, "activityId")) ?? AsString(Property(nested, "id"));
                var port = AsString(Property(nested, "port"));
                return (activity, string.IsNullOrWhiteSpace(port) ? defaultPort : port, $"{path}.{name}.activity", $"{path}.{name}.port");
            }

            var flatPort = AsString(Property(obj, flatPortName));
            return (AsString(end), string.IsNullOrWhiteSpace(flatPort) ? defaultPort : flatPort, $"{path}.{name}", $"{path}.{flatPortName}");
        }

        private ActivityNode? FindStart(JsonObject root, Dictionary<string, NodeEntry> nodes, List<Connection> connections)
        {
            if (nodes.Count == 0)
            {
                if (!_problems.Any(p => p.Path.StartsWith("$.root.activities", StringComparison.Ordinal)))
                {
                    Error("$.root.activities", "The flowchart has no activities, so there is no start activity.");
                }

                return null;
            }

            var ordered = nodes.Values.OrderBy(n => n.Index).ToList();
            var startNode = Property(root, "start");
            var startId = AsString(startNode) ?? (startNode is JsonObject startObject ? AsString(Property(startObject, "id")) : null);
            if (!string.IsNullOrWhiteSpace(startId))
            {
                if (nodes.TryGetValue(startId, out var declared))
                {
                    return declared.Node;
                }

                Error("$.root.start", $"The start activity '{startId}' is not an activity of this flowchart.");
                return null;
            }

            var targets = connections.Select(c => c.Target).ToHashSet(StringComparer.Ordinal);
            var start = ordered.FirstOrDefault(n => n.Node.Activity is Start)
                ?? ordered.FirstOrDefault(n => n.Node.CustomProperties is { } c && AsBool(Property(c, "canStartWorkflow")) == true)
                ?? ordered.FirstOrDefault(n => !targets.Contains(n.Node.Id));
            if (start is null)
            {
                Error("$.root", "No start activity: there is no Elsa.Start, no activity with customProperties.canStartWorkflow, and every activity has an inbound connection.");
            }

            return start?.Node;
        }

        private void AnalyseGraph(Dictionary<string, NodeEntry> nodes, List<Connection> connections, ActivityNode start)
        {
            var outbound = nodes.Keys.ToDictionary(k => k, _ => new List<Connection>(), StringComparer.Ordinal);
            var inbound = nodes.Keys.ToDictionary(k => k, _ => new List<Connection>(), StringComparer.Ordinal);
            foreach (var connection in connections)
            {
                outbound[connection.Source].Add(connection);
                inbound[connection.Target].Add(connection);
            }

            // Depth-first from the start: an edge to an activity on the current path closes a loop.
            var reachable = new HashSet<string>(StringComparer.Ordinal);
            var onPath = new HashSet<string>(StringComparer.Ordinal);
            var stack = new Stack<(string Id, int Next)>();
            stack.Push((start.Id, 0));
            reachable.Add(start.Id);
            onPath.Add(start.Id);
            while (stack.Count > 0)
            {
                var (id, next) = stack.Pop();
                var edges = outbound[id];
                if (next >= edges.Count)
                {
                    onPath.Remove(id);
                    continue;
                }

                stack.Push((id, next + 1));
                var edge = edges[next];
                if (onPath.Contains(edge.Target))
                {
                    edge.IsBackEdge = true;
                }
                else if (reachable.Add(edge.Target))
                {
                    onPath.Add(edge.Target);
                    stack.Push((edge.Target, 0));
                }
            }

            foreach (var connection in connections)
            {
                connection.IsFromUnreachable = !reachable.Contains(connection.Source);
            }

            // Each activity lists the loops around it, in connection order; built from the bodies, so the cost is the
            // bodies' total size rather than activities × connections.
            var enclosing = new Dictionary<string, List<Connection>>(StringComparer.Ordinal);
            foreach (var back in connections.Where(c => c.IsBackEdge))
            {
                back.LoopBody = LoopBody(back, outbound, inbound);
                foreach (var id in back.LoopBody)
                {
                    if (!enclosing.TryGetValue(id, out var loops))
                    {
                        loops = [];
                        enclosing[id] = loops;
                    }

                    loops.Add(back);
                }
            }

            foreach (var entry in nodes.Values.OrderBy(n => n.Index))
            {
                var node = entry.Node;
                node.Outbound = outbound[node.Id];
                node.Inbound = inbound[node.Id];
                node.JoinInbound = [.. inbound[node.Id].Where(c => !c.IsBackEdge && !c.IsFromUnreachable)];
                node.IsReachable = reachable.Contains(node.Id);
                node.EnclosingLoops = enclosing.TryGetValue(node.Id, out var loops) ? loops : [];
                if (!node.IsReachable)
                {
                    Warning(node.Path, $"Activity '{node.Id}' ({node.Type}) cannot be reached from the start activity '{start.Id}'.");
                }
            }
        }

        private static FrozenSet<string> LoopBody(Connection back, Dictionary<string, List<Connection>> outbound, Dictionary<string, List<Connection>> inbound)
        {
            // Backwards over every connection, inner loops' back edges included, but never past the loop's entry: an
            // activity inside a nested loop is on a path from the outer target back to the outer source too.
            var toSource = Walk(back.Source, id => id == back.Target ? [] : inbound[id].Select(c => c.Source));
            // The body is what the target reaches forwards (without closing a loop) among those. Forward connections
            // form a DAG, so an activity between the target and a body activity reaches the source as well: walking
            // forwards inside toSource only finds the same set as walking everywhere and intersecting, and costs the
            // body's size instead of the whole graph's for every loop.
            var body = toSource.Contains(back.Target)
                ? Walk(back.Target, id => outbound[id].Where(c => !c.IsBackEdge && toSource.Contains(c.Target)).Select(c => c.Target))
                : [];
            return body.ToFrozenSet(StringComparer.Ordinal);
        }

        private static HashSet<string> Walk(string from, Func<string, IEnumerable<string>> next)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal) { from };
            var stack = new Stack<string>();
            stack.Push(from);
            while (stack.Count > 0)
            {
                foreach (var id in next(stack.Pop()))
                {
                    if (seen.Add(id))
                    {
                        stack.Push(id);
                    }
                }
            }

            return seen;
        }

        private static string FirstSentence(string message)
        {
            // System.Text.Json appends zero-based positions (" LineNumber: 0 | BytePositionInLine: 5.") and a path;
            // callers state the one-based position themselves.
            var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
            if (cut < 0)
            {
                cut = message.IndexOf(" Path:", StringComparison.Ordinal);
            }

            return (cut > 0 ? message[..cut] : message).Trim();
        }
    }
}
