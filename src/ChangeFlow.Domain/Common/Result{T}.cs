namespace ChangeFlow.Domain.Common;

/// <summary>
/// A value or every reason there is none. Expected failures (bad input, a refused vote) travel in this type;
/// exceptions are kept for bugs, such as reading <see cref="Value"/> of a failure.
/// </summary>
/// <typeparam name="T">The type of the value.</typeparam>
public sealed class Result<T>
{
    private readonly T? _value;

    internal Result(T value)
    {
        _value = value;
        Errors = [];
    }

    internal Result(IReadOnlyList<DomainError> errors)
    {
        if (errors.Count == 0)
        {
            throw new ArgumentException("A failure needs at least one error.", nameof(errors));
        }

        _value = default;
        Errors = errors;
    }

    /// <summary>Whether there is a value.</summary>
    public bool IsSuccess => Errors.Count == 0;

    /// <summary>Every error, empty on success.</summary>
    public IReadOnlyList<DomainError> Errors { get; }

    /// <summary>The value.</summary>
    /// <exception cref="InvalidOperationException">The result is a failure; check <see cref="IsSuccess"/> first.</exception>
    public T Value => IsSuccess
        ? _value!
        : throw new InvalidOperationException($"The result is a failure: {string.Join("; ", Errors)}");

    /// <inheritdoc />
    public override string ToString() => IsSuccess ? $"Success({_value})" : $"Failure({string.Join("; ", Errors)})";
}
