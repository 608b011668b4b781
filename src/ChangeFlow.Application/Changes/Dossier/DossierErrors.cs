using ChangeFlow.Domain.Common;

namespace ChangeFlow.Application.Changes.Dossier;

/// <summary>
/// Collects the errors of one dossier. Errors found while mapping take precedence over the domain validator's on
/// the same field or below it (a null row is "required", not also "its risk is required"), and domain paths are
/// renamed where the contract's names differ from the domain's.
/// </summary>
internal sealed class DossierErrors
{
    private readonly List<DomainError> _errors = [];
    private readonly List<string> _claimed = [];

    public int Count => _errors.Count;

    public void Add(string path, string code, string message)
    {
        _errors.Add(new DomainError(path, code, message));
        _claimed.Add(path);
    }

    /// <summary>Keeps the domain's errors at <paramref name="path"/> and below out, without reporting one here.</summary>
    public void Claim(string path) => _claimed.Add(path);

    /// <summary>Adds the domain validator's errors that mapping has not already reported.</summary>
    public void AddDomain(IEnumerable<DomainError> errors, Func<DomainError, bool>? skip = null)
    {
        foreach (var error in errors)
        {
            var path = Rename(error.Path);
            if (skip?.Invoke(error) == true || _claimed.Exists(claimed => Covers(claimed, path)))
            {
                continue;
            }

            _errors.Add(error with { Path = path });
        }
    }

    /// <summary>The errors, each path prefixed with <paramref name="prefix"/>, duplicates removed.</summary>
    public IReadOnlyList<DomainError> ToList(string prefix) =>
        [.. _errors.Select(e => prefix.Length == 0 ? e : e with { Path = Prefix(prefix, e.Path) }).Distinct()];

    public static string Member(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";

    public static string Index(string path, int index) => $"{path}[{index}]";

    private static string Prefix(string prefix, string path) =>
        path.Length == 0 ? prefix : path.StartsWith('[') ? prefix + path : $"{prefix}.{path}";

    private static bool Covers(string claimed, string path) =>
        path == claimed
        || path.Length > claimed.Length && path.StartsWith(claimed, StringComparison.Ordinal) && path[claimed.Length] is '.' or '[';

    /// <summary>The domain calls a step's text its description; the contract calls it the step's title.</summary>
    private static string Rename(string path) =>
        path.StartsWith("implementationPlan.steps[", StringComparison.Ordinal) && path.EndsWith("].description", StringComparison.Ordinal)
            ? path[..^"description".Length] + "title"
            : path;
}
