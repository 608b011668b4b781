using ChangeFlow.Domain.Common;

namespace ChangeFlow.Application.Common;

/// <summary>How a command ended; the API maps each to one HTTP status.</summary>
public enum CommandStatus
{
    /// <summary>Done (200/201).</summary>
    Ok,

    /// <summary>The record does not exist (404).</summary>
    NotFound,

    /// <summary>The input is wrong; <see cref="CommandResult{T}.Errors"/> says where (400).</summary>
    Invalid,

    /// <summary>The record is not in the state the caller expected, or changed meanwhile (409).</summary>
    Conflict,

    /// <summary>The caller may not do this (403).</summary>
    Forbidden,
}

/// <summary>
/// The result of a command: expected failures are values, never exceptions, so the API turns each into a
/// ProblemDetails with the field paths of <see cref="Errors"/>.
/// </summary>
/// <typeparam name="T">What an accepted command returns.</typeparam>
public sealed record CommandResult<T>(CommandStatus Status, T? Value, IReadOnlyList<DomainError> Errors)
{
    /// <summary>Whether the command was accepted.</summary>
    public bool IsOk => Status == CommandStatus.Ok;

    /// <summary>One line for people: the errors joined, or the status.</summary>
    public string Message => Errors.Count == 0 ? Status.ToString() : string.Join("; ", Errors);
}

/// <summary>Creates <see cref="CommandResult{T}"/> values.</summary>
public static class CommandResult
{
    /// <summary>Accepted, with its value.</summary>
    public static CommandResult<T> Ok<T>(T value) => new(CommandStatus.Ok, value, []);

    /// <summary>No such record.</summary>
    public static CommandResult<T> NotFound<T>(string path, string message) =>
        new(CommandStatus.NotFound, default, [new DomainError(path, ErrorCodes.Unknown, message)]);

    /// <summary>Bad input, with every error.</summary>
    public static CommandResult<T> Invalid<T>(IEnumerable<DomainError> errors) => new(CommandStatus.Invalid, default, [.. errors]);

    /// <summary>Bad input, one error.</summary>
    public static CommandResult<T> Invalid<T>(string path, string code, string message) =>
        new(CommandStatus.Invalid, default, [new DomainError(path, code, message)]);

    /// <summary>Stale or conflicting state.</summary>
    public static CommandResult<T> Conflict<T>(string path, string message) =>
        new(CommandStatus.Conflict, default, [new DomainError(path, ErrorCodes.Conflict, message)]);

    /// <summary>Not allowed for this caller.</summary>
    public static CommandResult<T> Forbidden<T>(string message) =>
        new(CommandStatus.Forbidden, default, [new DomainError(string.Empty, ErrorCodes.NotAllowed, message)]);
}

/// <summary>Collects path errors while checking input (the Application-side twin of the domain's error list).</summary>
internal sealed class PathErrors
{
    private readonly List<DomainError> _errors = [];

    public int Count => _errors.Count;

    public IReadOnlyList<DomainError> ToList() => [.. _errors];

    public void Add(string path, string code, string message) => _errors.Add(new DomainError(path, code, message));

    public void AddRange(IEnumerable<DomainError> errors) => _errors.AddRange(errors);

    /// <summary>Adds errors found relative to <paramref name="prefix"/>.</summary>
    public void AddRange(string prefix, IEnumerable<DomainError> errors)
    {
        foreach (var error in errors)
        {
            _errors.Add(error with { Path = Join(prefix, error.Path) });
        }
    }

    public bool RequireText(string path, string? value, string what)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            Add(path, ErrorCodes.Required, $"{what} is required.");
            return false;
        }

        return true;
    }

    public static string Member(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";

    public static string Index(string path, int index) => $"{path}[{index}]";

    public static string Join(string prefix, string path) =>
        prefix.Length == 0 ? path : path.Length == 0 ? prefix : path.StartsWith('[') ? prefix + path : $"{prefix}.{path}";
}
