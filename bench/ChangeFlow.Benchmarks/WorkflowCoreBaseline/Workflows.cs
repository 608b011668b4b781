using WorkflowCore.Interface;
using WorkflowCore.Models;

namespace ChangeFlow.Benchmarks.WorkflowCoreBaseline;

/// <summary>Workflow data that the counter step can increment.</summary>
public interface ICounterData
{
    int Counter { get; set; }
}

public sealed class SequentialData : ICounterData
{
    public int Counter { get; set; }
}

public sealed class ResumeData : ICounterData
{
    /// <summary>Per-instance event key, so that one published event resumes exactly one instance.</summary>
    public string Key { get; set; } = string.Empty;

    public int Counter { get; set; }
}

/// <summary>
/// The trivial step of the workload. It works on the workflow data directly rather than through
/// WorkflowCore's Input/Output mappings, which would add expression evaluation per step that the
/// workload does not ask for.
/// </summary>
public sealed class IncrementCounter : StepBody
{
    public override ExecutionResult Run(IStepExecutionContext context)
    {
        ((ICounterData)context.Workflow.Data).Counter++;
        return ExecutionResult.Next();
    }
}

/// <summary>Start, <see cref="Workload.SequentialStepCount"/> counter steps, complete.</summary>
public sealed class SequentialWorkflow : IWorkflow<SequentialData>
{
    public const string DefinitionId = "benchmark-sequential";

    public string Id => DefinitionId;

    public int Version => 1;

    public void Build(IWorkflowBuilder<SequentialData> builder)
    {
        var step = builder.StartWith<IncrementCounter>();
        for (var i = 1; i < Workload.SequentialStepCount; i++)
        {
            step = step.Then<IncrementCounter>();
        }
    }
}

/// <summary>One counter step, wait for <see cref="Workload.ResumeEventName"/> keyed by the instance, one counter step.</summary>
public sealed class ResumeWorkflow : IWorkflow<ResumeData>
{
    public const string DefinitionId = "benchmark-resume";

    public string Id => DefinitionId;

    public int Version => 1;

    public void Build(IWorkflowBuilder<ResumeData> builder)
    {
        builder
            .StartWith<IncrementCounter>()
            .WaitFor(Workload.ResumeEventName, data => data.Key)
            .Then<IncrementCounter>();
    }
}
