using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ChangeFlow.Engine.Execution;
using Jint;
using Jint.Native;
using Jint.Runtime;

namespace ChangeFlow.Engine.Expressions;

/// <summary>
/// One Jint engine per run, created on first use, exposing Elsa's script functions. Scripts are untrusted: no CLR
/// access (Jint's default), and every evaluation is bounded in time, memory, statements and recursion.
/// </summary>
internal sealed class ScriptHost : IDisposable
{
    private readonly RunScope _scope;
    private readonly Jint.Engine _engine;
    private readonly ScriptOptions _options;
    private readonly TimeSpan _regexTimeout;
    private string _path = "";

    public ScriptHost(RunScope scope, ScriptOptions options)
    {
        _scope = scope;
        _options = options;
        _regexTimeout = options.RegexTimeLimit < options.TimeLimit ? options.RegexTimeLimit : options.TimeLimit;
        _engine = new Jint.Engine(o =>
        {
            o.TimeoutInterval(options.TimeLimit);
            o.LimitMemory(options.MemoryLimitBytes);
            o.LimitRecursion(options.RecursionLimit);

            // Jint's default regex timeout is 10 s whatever TimeoutInterval says: a catastrophic pattern would otherwise
            // hold the thread five times longer than the script's own limit.
            o.Constraints.RegexTimeout = _regexTimeout;
            if (options.MaxStatements > 0)
            {
                o.MaxStatements(options.MaxStatements);
            }

            o.Strict(false);
        });
        Register();
    }

    public void Dispose() => _engine.Dispose();

    private ActivityExecutionContext Current => _scope.Current ?? throw new InvalidOperationException("No activity is running.");

    public JsonNode? Evaluate(CompiledScript script, string path)
    {
        Dictionary<string, JsValue>? exposed = null;
        JsObject? variablesObject = null;
        if (script.UsesVariablesObject)
        {
            (variablesObject, exposed) = BuildVariablesObject();
            _engine.SetValue("variables", variablesObject);
        }

        _path = path;
        JsonNode? converted;
        try
        {
            var result = _engine.Evaluate(script.Prepared);

            // Converted inside the guard: getters and proxies of the result run script code, and the conversion has
            // its own limits (JsValues.ToNode).
            if (variablesObject is not null && exposed is not null)
            {
                foreach (var (name, original) in exposed)
                {
                    var now = variablesObject.Get(name);
                    if (!ReferenceEquals(now, original))
                    {
                        _scope.SetVariable(name, ToNode(now));
                    }
                }
            }

            converted = ToNode(result);
        }
        catch (RegexMatchTimeoutException ex)
        {
            throw RegexTimeout(path, ex);
        }
        catch (JavaScriptException ex) when (ex.InnerException is RegexMatchTimeoutException)
        {
            throw RegexTimeout(path, ex);
        }
        catch (TimeoutException ex)
        {
            throw new ExpressionException("ScriptTimeout", $"The JavaScript at {path} ran longer than its limit of {_options.TimeLimit.TotalMilliseconds:0} ms and was stopped.", ex);
        }
        catch (MemoryLimitExceededException ex)
        {
            throw new ExpressionException("ScriptMemoryLimit", $"The JavaScript at {path} allocated more than its limit of {_options.MemoryLimitBytes} bytes and was stopped.", ex);
        }
        catch (RecursionDepthOverflowException ex)
        {
            throw new ExpressionException("ScriptRecursionLimit", $"The JavaScript at {path} recursed deeper than its limit of {_options.RecursionLimit} calls and was stopped.", ex);
        }
        catch (StatementsCountOverflowException ex)
        {
            throw new ExpressionException("ScriptTimeout", $"The JavaScript at {path} ran more than {_options.MaxStatements} statements and was stopped.", ex);
        }
        catch (JavaScriptException ex)
        {
            throw new ExpressionException("ScriptError", $"The JavaScript at {path} threw: {TextLimits.Cut(ex.Message, _options.MaxWriteLineChars)}", ex);
        }
        catch (JintException ex)
        {
            throw new ExpressionException("ScriptError", $"The JavaScript at {path} failed: {TextLimits.Cut(ex.Message, _options.MaxWriteLineChars)}", ex);
        }

        return converted;
    }

    private JsonNode? ToNode(JsValue value) => JsValues.ToNode(value, _options, _path);

    private ExpressionException RegexTimeout(string path, Exception ex) =>
        new("ScriptTimeout", $"A regular expression in the JavaScript at {path} ran longer than its limit of {_regexTimeout.TotalMilliseconds:0} ms and was stopped.", ex);

    private (JsObject Object, Dictionary<string, JsValue> Exposed) BuildVariablesObject()
    {
        var obj = new JsObject(_engine);
        var exposed = new Dictionary<string, JsValue>(StringComparer.Ordinal);
        foreach (var variable in _scope.Definition.Variables)
        {
            var value = JsValues.FromNode(_engine, _scope.GetVariable(variable.Name));
            obj.FastSetDataProperty(variable.Name, value);
            exposed[variable.Name] = value;
        }

        return (obj, exposed);
    }

    private void Register()
    {
        var e = _engine;
        e.SetValue("getVariable", new Func<string, JsValue>(name => JsValues.FromNode(e, _scope.GetVariable(name))));
        e.SetValue("setVariable", new Action<string, JsValue>((name, value) => _scope.SetVariable(name, ToNode(value))));
        foreach (var variable in _scope.Definition.Variables)
        {
            if (!IsIdentifier(variable.Name))
            {
                continue;
            }

            var name = variable.Name;
            e.SetValue("get" + name, new Func<JsValue>(() => JsValues.FromNode(e, _scope.GetVariable(name))));
            e.SetValue("set" + name, new Action<JsValue>(value => _scope.SetVariable(name, ToNode(value))));
        }

        e.SetValue("getInput", new Func<string, JsValue>(name =>
            JsValues.FromNode(e, _scope.State.Input.TryGetValue(name, out var value) ? value : null)));
        e.SetValue("getWorkflowInstanceId", new Func<string>(() => _scope.State.Id));
        e.SetValue("getCorrelationId", new Func<string?>(() => _scope.State.CorrelationId));
        e.SetValue("setCorrelationId", new Action<string?>(value => _scope.State.CorrelationId = value));
        e.SetValue("getWorkflowDefinitionId", new Func<string>(() => _scope.Definition.DefinitionId));
        e.SetValue("getWorkflowDefinitionVersion", new Func<int>(() => _scope.Definition.Version));
        e.SetValue("getLastResult", new Func<JsValue>(() => JsValues.FromNode(e, _scope.State.LastResult)));
        e.SetValue("getOutputFrom", new Func<string, string?, JsValue>((activityId, output) =>
            JsValues.FromNode(e, _scope.GetOutputFrom(activityId, output))));
        e.SetValue("setOutcome", new Action<string>(outcome => Current.Complete(outcome)));
        e.SetValue("setOutcomes", new Action<JsValue>(outcomes =>
        {
            var list = new List<string>();
            if (ToNode(outcomes) is JsonArray array)
            {
                foreach (var item in array)
                {
                    list.Add(ValueConverter.AsText(item));
                }
            }

            Current.Complete(list);
        }));
        e.SetValue("getGuid", new Func<string>(() => Guid.NewGuid().ToString()));
        e.SetValue("getGuidString", new Func<string>(() => Guid.NewGuid().ToString()));
        e.SetValue("getShortGuid", new Func<string>(() => Guid.NewGuid().ToString("N")[..12]));
        foreach (var (name, value) in _scope.Globals)
        {
            e.SetValue(name, JsValues.FromNode(e, value));
        }
    }

    private static bool IsIdentifier(string name)
    {
        if (name.Length == 0 || !(char.IsLetter(name[0]) || name[0] == '_' || name[0] == '$'))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!(char.IsLetterOrDigit(c) || c == '_' || c == '$'))
            {
                return false;
            }
        }

        return true;
    }
}
