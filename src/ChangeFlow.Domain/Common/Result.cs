namespace ChangeFlow.Domain.Common;

/// <summary>
/// Creates <see cref="Result{T}"/> values. Kept apart from the generic type so call sites read
/// <c>Result.Success(x)</c> and the generic type has no static members (CA1000).
/// </summary>
public static class Result
{
    /// <summary>A success carrying <paramref name="value"/>.</summary>
    public static Result<T> Success<T>(T value) => new(value);

    /// <summary>A failure with at least one error.</summary>
    public static Result<T> Failure<T>(IEnumerable<DomainError> errors) => new([.. errors]);

    /// <summary>A failure with one error.</summary>
    public static Result<T> Failure<T>(string path, string code, string message) =>
        new([new DomainError(path, code, message)]);
}
