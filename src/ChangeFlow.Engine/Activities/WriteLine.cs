using ChangeFlow.Engine.Descriptors;
using ChangeFlow.Engine.Execution;
using ChangeFlow.Engine.Expressions;

namespace ChangeFlow.Engine.Activities;

/// <summary>Writes a line of text to the console port.</summary>
public sealed class WriteLine : Activity
{
    /// <summary>The text to write.</summary>
    public static readonly InputDescriptor Text = Inputs.String("text", "Text", "The text to write.", required: true);

    /// <inheritdoc />
    public override ActivityDescriptor Descriptor { get; } = new(
        "Elsa.WriteLine", "Primitives", "Write Line", "Write a line of text to the console.", ActivityKind.Action, [Text], [], ActivityDescriptor.Done);

    /// <inheritdoc />
    public override ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        context.WriteLine(ValueConverter.AsText(context.Evaluate(Text)));
        context.Complete();
        return default;
    }
}
