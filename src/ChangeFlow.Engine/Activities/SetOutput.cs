using ChangeFlow.Engine.Descriptors;
using ChangeFlow.Engine.Execution;
using ChangeFlow.Engine.Expressions;
using ChangeFlow.Engine.Model;

namespace ChangeFlow.Engine.Activities;

/// <summary>Sets one of the workflow's outputs.</summary>
public sealed class SetOutput : Activity
{
    /// <summary>The output to set.</summary>
    public static readonly InputDescriptor OutputName = Inputs.String("outputName", "Output name", "The name of the workflow output to set.", required: true);

    /// <summary>The value.</summary>
    public static readonly InputDescriptor OutputValue = Inputs.Of(DataType.Object, "outputValue", "Value", "The value to give the output.");

    /// <inheritdoc />
    public override ActivityDescriptor Descriptor { get; } = new(
        "Elsa.SetOutput", "Primitives", "Set Output", "Set a workflow output to a value.", ActivityKind.Action, [OutputName, OutputValue], [], ActivityDescriptor.Done);

    /// <inheritdoc />
    public override ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        var name = context.GetString(OutputName)!;
        var value = context.Evaluate(OutputValue);
        var declared = context.Definition.Outputs.FirstOrDefault(o => o.Name == name);
        context.Instance.Output[name] = declared is null ? value : ValueConverter.Convert(value, declared.Type);
        context.Complete();
        return default;
    }
}
