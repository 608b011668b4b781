using System.Text.Json.Nodes;
using ChangeFlow.Engine.Expressions;
using ChangeFlow.Engine.Model;

namespace ChangeFlow.Engine.Execution;

/// <summary>
/// The flowchart interpreter. It runs an instance until nothing is queued: activities run in FIFO order (parallel
/// branches interleave in connection order), followed connections schedule their targets, untaken ones are proven
/// dead all the way down so joins never wait for a branch that cannot come, and blocking activities leave bookmarks.
/// The runner mutates the state it is given and keeps nothing between calls; it is safe to share across threads
/// as long as one instance is not run by two calls at once.
/// </summary>
public sealed class WorkflowRunner
{
    private readonly WorkflowServices _services;
    private readonly TimeProvider _time;

    /// <summary>Creates a runner.</summary>
    public WorkflowRunner(WorkflowServices services, TimeProvider time)
    {
        _services = services;
        _time = time;
    }

    /// <summary>Creates an instance of <paramref name="definition"/> and runs it until it finishes, suspends or faults.</summary>
    public async ValueTask<RunResult> StartAsync(WorkflowDefinition definition, StartRequest? request = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(definition);
        request ??= new StartRequest();
        var now = _time.GetUtcNow();
        var state = new WorkflowInstanceState
        {
            Id = request.InstanceId ?? Guid.CreateVersion7(now).ToString("N"),
            DefinitionId = definition.DefinitionId,
            DefinitionVersionId = definition.Id,
            DefinitionVersion = definition.Version,
            CorrelationId = request.CorrelationId,
            Status = WorkflowStatus.Running,
            CreatedAt = now,
            UpdatedAt = now,
        };

        foreach (var variable in definition.Variables)
        {
            state.Variables[variable.Name] = variable.DefaultValue?.DeepClone();
        }

        var inputError = BindInput(definition, request.Input, state);
        if (inputError is not null)
        {
            return new RunResult(state, inputError);
        }

        state.Queue.Add(new WorkItem { ActivityId = definition.Start.Id });
        using var scope = new RunScope(definition, state, _services, _time, cancellationToken);
        await RunQueueAsync(scope);
        return new RunResult(state, null);
    }

    /// <summary>
    /// Resumes one bookmark. The bookmark is consumed: resuming it again is rejected and changes nothing.
    /// </summary>
    public async ValueTask<RunResult> ResumeAsync(
        WorkflowDefinition definition,
        WorkflowInstanceState state,
        string bookmarkId,
        JsonNode? input = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(state);
        var rejection = CheckPinned(definition, state) ?? CheckActive(state);
        if (rejection is not null)
        {
            return new RunResult(state, rejection);
        }

        var bookmark = state.FindBookmark(bookmarkId);
        if (bookmark is null)
        {
            return new RunResult(state, $"The instance '{state.Id}' has no open bookmark '{bookmarkId}'; it was consumed, cancelled or never existed.");
        }

        var node = definition.FindActivity(bookmark.ActivityId);
        if (node is null)
        {
            return new RunResult(state, $"The bookmark '{bookmarkId}' points to activity '{bookmark.ActivityId}', which version {definition.Version} does not have.");
        }

        using var scope = new RunScope(definition, state, _services, _time, cancellationToken);
        scope.RemoveBookmark(bookmark);
        state.Status = WorkflowStatus.Running;
        scope.Journal(node, JournalEventKind.Resumed, message: bookmark.Id);
        await ExecuteAsync(scope, node, bookmark, input);
        await RunQueueAsync(scope);
        return new RunResult(state, null);
    }

    /// <summary>Runs work that was queued when a previous run was interrupted (e.g. after a crash).</summary>
    public async ValueTask<RunResult> ContinueAsync(WorkflowDefinition definition, WorkflowInstanceState state, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(state);
        var rejection = CheckPinned(definition, state) ?? CheckActive(state);
        if (rejection is not null)
        {
            return new RunResult(state, rejection);
        }

        state.Status = WorkflowStatus.Running;
        using var scope = new RunScope(definition, state, _services, _time, cancellationToken);
        await RunQueueAsync(scope);
        return new RunResult(state, null);
    }

    /// <summary>Cancels an instance: its bookmarks and timers are withdrawn and nothing more runs.</summary>
    public async ValueTask<RunResult> CancelAsync(WorkflowDefinition definition, WorkflowInstanceState state, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(state);
        var rejection = CheckPinned(definition, state) ?? CheckActive(state);
        if (rejection is not null)
        {
            return new RunResult(state, rejection);
        }

        using var scope = new RunScope(definition, state, _services, _time, cancellationToken);
        ClearAll(scope);
        state.Status = WorkflowStatus.Cancelled;
        state.FinishedAt = scope.Now;
        state.UpdatedAt = scope.Now;
        scope.Journal(null, JournalEventKind.WorkflowCancelled);
        await scope.FlushTimersAsync();
        return new RunResult(state, null);
    }

    /// <summary>The open bookmarks that a stimulus with this name and payload resumes (hash match).</summary>
    public static IReadOnlyList<Bookmark> FindBookmarks(WorkflowInstanceState state, string name, JsonNode? payload)
    {
        ArgumentNullException.ThrowIfNull(state);
        var hash = BookmarkHasher.Compute(name, payload);
        return [.. state.Bookmarks.Where(b => b.Hash == hash)];
    }

    private static string? CheckPinned(WorkflowDefinition definition, WorkflowInstanceState state) =>
        definition.Id == state.DefinitionVersionId
            ? null
            : $"The instance '{state.Id}' runs on definition version '{state.DefinitionVersionId}', not '{definition.Id}'.";

    private static string? CheckActive(WorkflowInstanceState state) =>
        state.Status is WorkflowStatus.Finished or WorkflowStatus.Faulted or WorkflowStatus.Cancelled
            ? $"The instance '{state.Id}' is {state.Status} and cannot run any more."
            : null;

    private static string? BindInput(WorkflowDefinition definition, IReadOnlyDictionary<string, JsonNode?>? input, WorkflowInstanceState state)
    {
        foreach (var declared in definition.Inputs)
        {
            if (declared.DefaultValue is not null)
            {
                state.Input[declared.Name] = declared.DefaultValue.DeepClone();
            }
        }

        if (input is null)
        {
            return null;
        }

        foreach (var (name, value) in input)
        {
            var declared = definition.Inputs.FirstOrDefault(i => string.Equals(i.Name, name, StringComparison.Ordinal));
            if (declared is null)
            {
                state.Input[name] = value?.DeepClone();
                continue;
            }

            if (!ValueConverter.TryConvert(value, declared.Type, null, out var converted, out var error))
            {
                return $"Input '{name}': {error}.";
            }

            state.Input[name] = converted;
        }

        return null;
    }

    private async ValueTask RunQueueAsync(RunScope scope)
    {
        var state = scope.State;
        while (state.Queue.Count > 0 && state.Status == WorkflowStatus.Running)
        {
            scope.CancellationToken.ThrowIfCancellationRequested();
            var item = state.Queue[0];
            state.Queue.RemoveAt(0);
            var node = scope.Definition.GetActivity(item.ActivityId);
            if (++scope.ActivitiesRun > _services.MaxActivitiesPerRun)
            {
                // The guard stops the whole run, so it faults the instance whatever the incident strategy: continuing
                // would leave the rest of the queue behind in an instance that nothing ever resumes.
                Fault(scope, node, new WorkflowFaultException(
                    "TooManySteps",
                    $"The run executed more than {_services.MaxActivitiesPerRun} activities without waiting; a loop probably has no exit."),
                    faultInstance: true);
                break;
            }

            await ExecuteAsync(scope, node, null, null);
        }

        if (state.Status == WorkflowStatus.Running && state.Queue.Count == 0 && ResolveIdleLoopExits(scope))
        {
            await RunQueueAsync(scope);
            return;
        }

        if (state.Status == WorkflowStatus.Running)
        {
            if (state.Bookmarks.Count == 0 && state.Queue.Count == 0)
            {
                Complete(scope);
            }
            else
            {
                state.Status = WorkflowStatus.Suspended;
            }
        }

        state.UpdatedAt = scope.Now;
        await scope.FlushTimersAsync();
    }

    private static async ValueTask ExecuteAsync(RunScope scope, ActivityNode node, Bookmark? bookmark, JsonNode? input)
    {
        var context = new ActivityExecutionContext(scope, node, bookmark, input);
        scope.Current = context;
        var bookmarksBefore = scope.State.Bookmarks.Count;
        try
        {
            if (bookmark is null)
            {
                await node.Activity.ExecuteAsync(context);
            }
            else
            {
                await node.Activity.ResumeAsync(context);
            }
        }
        catch (OperationCanceledException) when (scope.CancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // Any exception an activity throws becomes a recorded incident; nothing is swallowed.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            // Bookmarks the activity made before it threw belong to a step that did not happen.
            for (var i = scope.State.Bookmarks.Count - 1; i >= bookmarksBefore; i--)
            {
                scope.RemoveBookmark(scope.State.Bookmarks[i]);
            }

            Fault(scope, node, ex);
            return;
        }
        finally
        {
            scope.Current = null;
        }

        if (context.FinishRequested)
        {
            scope.Journal(node, JournalEventKind.Completed, context.Outcomes ?? []);
            ClearAll(scope);
            Complete(scope);
            return;
        }

        if (context.Outcomes is { } outcomes)
        {
            scope.Journal(node, JournalEventKind.Completed, outcomes);
            Propagate(scope, node, outcomes);
        }
        else if (context.BookmarksCreated > 0)
        {
            scope.Journal(node, JournalEventKind.Suspended, message: scope.State.Bookmarks[^1].Id);
        }
        else
        {
            scope.Journal(node, JournalEventKind.Completed, []);
            Propagate(scope, node, []);
        }
    }

    private static void Complete(RunScope scope)
    {
        scope.State.Status = WorkflowStatus.Finished;
        scope.State.FinishedAt = scope.Now;
        scope.Journal(null, JournalEventKind.WorkflowFinished);
    }

    private static void Fault(RunScope scope, ActivityNode node, Exception exception, bool faultInstance = false)
    {
        var expected = exception is WorkflowFaultException or ExpressionException;
        scope.State.Incidents.Add(new Incident
        {
            ActivityId = node.Id,
            ActivityType = node.Type,
            Code = exception switch
            {
                WorkflowFaultException fault => fault.Code,
                ExpressionException expression => expression.Code,
                _ => "ActivityException",
            },
            Message = exception.Message,
            ExceptionType = expected ? null : exception.GetType().FullName,
            StackTrace = expected ? null : exception.ToString(),
            Timestamp = scope.Now,
        });
        scope.Journal(node, JournalEventKind.Faulted, message: exception.Message);

        if (!faultInstance && scope.Definition.IncidentStrategy == IncidentStrategy.Continue)
        {
            // The faulted path ends here; proving it dead lets joins downstream go on with the other branches.
            MarkDead(scope, node);
            return;
        }

        ClearAll(scope);
        scope.State.Status = WorkflowStatus.Faulted;
        scope.State.FinishedAt = scope.Now;
        scope.Journal(null, JournalEventKind.WorkflowFaulted, message: exception.Message);
    }

    private static void ClearAll(RunScope scope)
    {
        var state = scope.State;
        foreach (var bookmark in state.Bookmarks.ToList())
        {
            scope.RemoveBookmark(bookmark);
        }

        state.Queue.Clear();
        state.Joins.Clear();
        state.DeferredExits.Clear();
    }

    private static void Propagate(RunScope scope, ActivityNode node, IReadOnlyList<string> outcomes)
    {
        // Inside a loop, an untaken exit is not dead while the loop goes round again: the exit is decided on a later pass.
        var staysInLoop = false;
        if (node.EnclosingLoops.Count > 0)
        {
            foreach (var connection in node.Outbound)
            {
                if (IsTaken(connection, outcomes) && (connection.IsBackEdge || node.EnclosingLoops.Any(l => l.LoopBody!.Contains(connection.Target))))
                {
                    staysInLoop = true;
                    break;
                }
            }
        }

        foreach (var connection in node.Outbound)
        {
            var taken = IsTaken(connection, outcomes);
            if (connection.IsBackEdge)
            {
                if (taken)
                {
                    foreach (var id in connection.LoopBody!)
                    {
                        scope.State.Joins.Remove(id);
                    }

                    scope.State.Queue.Add(new WorkItem { ActivityId = connection.Target, Connection = connection.Index });
                }

                continue;
            }

            if (!taken && staysInLoop && node.EnclosingLoops.Any(l => !l.LoopBody!.Contains(connection.Target)))
            {
                if (!scope.State.DeferredExits.Contains(connection.Index))
                {
                    scope.State.DeferredExits.Add(connection.Index);
                }

                continue;
            }

            Signal(scope, connection, taken);
        }
    }

    /// <summary>
    /// Proves dead the deferred exits of loops that are no longer running: nothing of the loop body is queued or
    /// waiting on a bookmark, so the loop cannot go round again and the exits it skipped will never be taken.
    /// </summary>
    /// <returns>True when any exit was resolved (work may have been queued).</returns>
    private static bool ResolveIdleLoopExits(RunScope scope)
    {
        var state = scope.State;
        var resolved = false;
        foreach (var index in state.DeferredExits.ToList())
        {
            var connection = scope.Definition.Connections[index];
            var source = scope.Definition.GetActivity(connection.Source);
            var busy = source.EnclosingLoops.Any(loop =>
                state.Queue.Any(w => loop.LoopBody!.Contains(w.ActivityId))
                || state.Bookmarks.Any(b => loop.LoopBody!.Contains(b.ActivityId)));
            if (!busy)
            {
                Signal(scope, connection, followed: false);
                resolved = true;
            }
        }

        return resolved;
    }

    private static bool IsTaken(Connection connection, IReadOnlyList<string> outcomes)
    {
        for (var i = 0; i < outcomes.Count; i++)
        {
            if (string.Equals(outcomes[i], connection.SourcePort, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private static void MarkDead(RunScope scope, ActivityNode node)
    {
        foreach (var connection in node.Outbound)
        {
            if (!connection.IsBackEdge)
            {
                Signal(scope, connection, followed: false);
            }
        }
    }

    private static void Signal(RunScope scope, Connection connection, bool followed)
    {
        scope.State.DeferredExits.Remove(connection.Index);
        var target = scope.Definition.GetActivity(connection.Target);
        var inbound = target.JoinInbound;
        if (inbound.Count <= 1 && target.JoinMode == JoinMode.WaitAllActive)
        {
            if (followed)
            {
                scope.State.Queue.Add(new WorkItem { ActivityId = target.Id, Connection = connection.Index });
            }
            else
            {
                MarkDead(scope, target);
            }

            return;
        }

        var joins = scope.State.Joins;
        if (!joins.TryGetValue(target.Id, out var join))
        {
            join = new JoinState();
            joins[target.Id] = join;
        }

        join.Followed.Remove(connection.Index);
        join.Dead.Remove(connection.Index);
        (followed ? join.Followed : join.Dead).Add(connection.Index);
        var accounted = join.Followed.Count + join.Dead.Count >= inbound.Count;

        if (join.Fired)
        {
            if (accounted)
            {
                joins.Remove(target.Id);
            }

            return;
        }

        switch (target.JoinMode)
        {
            case JoinMode.WaitAny when followed:
                join.Fired = true;
                scope.State.Queue.Add(new WorkItem { ActivityId = target.Id, Connection = connection.Index });
                CancelLosingBranches(scope, target, connection);
                if (accounted)
                {
                    joins.Remove(target.Id);
                }

                break;
            case JoinMode.WaitAny when accounted:
                joins.Remove(target.Id);
                MarkDead(scope, target);
                break;
            case JoinMode.WaitAll when accounted:
                joins.Remove(target.Id);
                if (join.Dead.Count == 0)
                {
                    scope.State.Queue.Add(new WorkItem { ActivityId = target.Id, Connection = connection.Index });
                }
                else
                {
                    MarkDead(scope, target);
                }

                break;
            case JoinMode.WaitAllActive when accounted:
                joins.Remove(target.Id);
                if (join.Followed.Count > 0)
                {
                    scope.State.Queue.Add(new WorkItem { ActivityId = target.Id, Connection = connection.Index });
                }
                else
                {
                    MarkDead(scope, target);
                }

                break;
        }
    }

    /// <summary>
    /// WaitAny: everything pending upstream of the other inbound connections, and not upstream of the winner, is
    /// cancelled: queued work, bookmarks and their timers.
    /// </summary>
    private static void CancelLosingBranches(RunScope scope, ActivityNode join, Connection winner)
    {
        var definition = scope.Definition;
        var winning = definition.AncestorsOf(winner.Source);
        var losing = new HashSet<string>(StringComparer.Ordinal);
        foreach (var connection in join.JoinInbound)
        {
            if (connection.Index == winner.Index)
            {
                continue;
            }

            foreach (var id in definition.AncestorsOf(connection.Source))
            {
                if (!winning.Contains(id) && id != join.Id)
                {
                    losing.Add(id);
                }
            }
        }

        if (losing.Count == 0)
        {
            return;
        }

        var state = scope.State;
        var cancelled = new HashSet<string>(StringComparer.Ordinal);
        for (var i = state.Queue.Count - 1; i >= 0; i--)
        {
            if (losing.Contains(state.Queue[i].ActivityId))
            {
                cancelled.Add(state.Queue[i].ActivityId);
                state.Queue.RemoveAt(i);
            }
        }

        foreach (var bookmark in state.Bookmarks.Where(b => losing.Contains(b.ActivityId)).ToList())
        {
            cancelled.Add(bookmark.ActivityId);
            scope.RemoveBookmark(bookmark);
        }

        foreach (var id in losing)
        {
            state.Joins.Remove(id);
        }

        foreach (var id in cancelled.Order(StringComparer.Ordinal))
        {
            scope.Journal(definition.GetActivity(id), JournalEventKind.Cancelled, message: $"cancelled by {join.Type} '{join.Id}'");
        }

        // Cancelled work never runs, so every path leading out of the losing branches is dead: another join that one of
        // them also feeds must not wait for it forever. Inside the losing branches everything is dead without asking
        // their join bookkeeping (removed above), so the walk goes through them and signals only the paths that leave them.
        var signalled = new HashSet<int>();
        var dead = new Stack<string>(cancelled.Order(StringComparer.Ordinal));
        while (dead.TryPop(out var id))
        {
            foreach (var connection in definition.GetActivity(id).Outbound)
            {
                if (connection.IsBackEdge || !signalled.Add(connection.Index))
                {
                    continue;
                }

                if (losing.Contains(connection.Target))
                {
                    dead.Push(connection.Target);
                }
                else
                {
                    Signal(scope, connection, followed: false);
                }
            }
        }
    }
}
