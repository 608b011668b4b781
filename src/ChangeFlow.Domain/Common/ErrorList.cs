namespace ChangeFlow.Domain.Common;

/// <summary>
/// Collects errors while walking an object graph, so a validator reports all of them at once instead of stopping
/// at the first. Paths are built with <see cref="Member"/> and <see cref="Index"/> so every validator spells them
/// the same way.
/// </summary>
internal sealed class ErrorList
{
    private readonly List<DomainError> _errors = [];

    public int Count => _errors.Count;

    public IReadOnlyList<DomainError> ToList() => [.. _errors];

    public void Add(string path, string code, string message) => _errors.Add(new DomainError(path, code, message));

    public void AddRange(IEnumerable<DomainError> errors) => _errors.AddRange(errors);

    /// <summary>Adds a <see cref="ErrorCodes.Required"/> error when <paramref name="value"/> is null or blank.</summary>
    public bool RequireText(string path, string? value, string what)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            return true;
        }

        Add(path, ErrorCodes.Required, $"{what} is required.");
        return false;
    }

    /// <summary>Adds an error when <paramref name="value"/> is not a named member of its enum (e.g. the default 0).</summary>
    public bool RequireDefined<TEnum>(string path, TEnum value, string what)
        where TEnum : struct, Enum
    {
        if (Enum.IsDefined(value))
        {
            return true;
        }

        Add(
            path,
            Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture) == 0 ? ErrorCodes.Required : ErrorCodes.Invalid,
            $"{what} must be one of {string.Join(", ", Enum.GetNames<TEnum>())}.");
        return false;
    }

    /// <summary>Checks every item of a list of strings is present and, optionally, unique (ordinal).</summary>
    public void RequireTextItems(string path, IReadOnlyList<string>? items, string what, bool unique)
    {
        if (items is null)
        {
            return;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < items.Count; i++)
        {
            if (!RequireText(Index(path, i), items[i], what))
            {
                continue;
            }

            if (unique && !seen.Add(items[i]))
            {
                Add(Index(path, i), ErrorCodes.Duplicate, $"{what} '{items[i]}' is listed twice.");
            }
        }
    }

    public static string Member(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";

    public static string Index(string path, int index) => $"{path}[{index}]";
}
