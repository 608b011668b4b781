using Fluid;

namespace ChangeFlow.Engine.Expressions;

/// <summary>
/// The one place Liquid renders are bounded, for workflow expressions and notice templates alike: steps, output size
/// (captures and filter results included), materialised collections (a range is refused before it is built), nesting
/// and wall-clock time.
/// </summary>
public static class LiquidLimits
{
    /// <summary>Applies the step, output, collection and recursion limits of <paramref name="limits"/>.</summary>
    public static TemplateOptionsBuilder WithLimits(this TemplateOptionsBuilder builder, ScriptOptions limits)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(limits);
        return builder
            .WithMaxSteps(limits.LiquidMaxSteps)
            .WithMaxOutputSize(limits.LiquidMaxOutputChars)
            .WithMaxCollectionSize(limits.LiquidMaxCollectionSize)
            .WithMaxRecursion(limits.LiquidMaxRecursion);
    }

    /// <summary>
    /// A token that ends a render after <see cref="ScriptOptions.LiquidTimeLimit"/> (Fluid looks at it at every step);
    /// dispose it after the render.
    /// </summary>
    public static CancellationTokenSource TimeLimit(ScriptOptions limits, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(limits);
        var source = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        source.CancelAfter(limits.LiquidTimeLimit);
        return source;
    }

    /// <summary>
    /// What went wrong when <paramref name="exception"/> ended a render under <paramref name="timeLimit"/>, or null when the
    /// render did not fail by itself (the caller cancelled, or the process is out of memory).
    /// </summary>
    public static string? Describe(Exception exception, CancellationTokenSource timeLimit, CancellationToken callerToken = default)
    {
        ArgumentNullException.ThrowIfNull(exception);
        ArgumentNullException.ThrowIfNull(timeLimit);
        return exception switch
        {
            OperationCanceledException when callerToken.IsCancellationRequested => null,
            OperationCanceledException when timeLimit.IsCancellationRequested => "the rendering ran longer than its time limit and was stopped",
            OperationCanceledException or OutOfMemoryException => null,
            _ => exception.Message,
        };
    }
}
