using ChangeFlow.Domain.Common;

namespace ChangeFlow.Domain.Incidents;

/// <summary>
/// How incidents of a service escalate: ordered levels, functional and hierarchical. The seed: "functional: pass to
/// someone with more technical expertise; hierarchical: involve management when impact warrants it or when SLA
/// breach is imminent". Levels apply once each per incident, automatically or by hand, in their order within a kind.
/// </summary>
public sealed class EscalationPolicy
{
    /// <summary>The recipient words that are not addresses or prefixed specs.</summary>
    public static readonly IReadOnlyList<string> NamedRecipients = ["team-manager", "head-of-it", "assignee", "assignment-group", "reporter"];

    private EscalationPolicy(string id, string name, IReadOnlyList<EscalationLevel> levels)
    {
        Id = id;
        Name = name;
        Levels = levels;
    }

    /// <summary>The policy id, e.g. <c>default</c>.</summary>
    public string Id { get; }

    /// <summary>What people call it.</summary>
    public string Name { get; }

    /// <summary>The levels in order.</summary>
    public IReadOnlyList<EscalationLevel> Levels { get; }

    /// <summary>Checks and creates a policy; errors at <c>levels[1].at</c> and so on.</summary>
    public static Result<EscalationPolicy> Create(string id, string name, IReadOnlyList<EscalationLevel> levels)
    {
        ArgumentNullException.ThrowIfNull(levels);
        var errors = new ErrorList();
        errors.RequireText("id", id, "An id");
        errors.RequireText("name", name, "A name");
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < levels.Count; i++)
        {
            var path = ErrorList.Index("levels", i);
            var level = levels[i];
            if (errors.RequireText(ErrorList.Member(path, "id"), level.Id, "A level id") && !ids.Add(level.Id))
            {
                errors.Add(ErrorList.Member(path, "id"), ErrorCodes.Duplicate, $"The level id '{level.Id}' is used twice.");
            }

            errors.RequireText(ErrorList.Member(path, "name"), level.Name, "A level name");
            errors.RequireDefined(ErrorList.Member(path, "kind"), level.Kind, "The kind");
            if ((level.Clock is null) != (level.At is null))
            {
                errors.Add(ErrorList.Member(path, level.Clock is null ? "clock" : "at"), ErrorCodes.Required, "An automatic level names both the clock and the fraction of its budget (at); a manual level names neither.");
            }

            if (level.At is { } at && (double.IsNaN(at) || at <= 0 || at > 10))
            {
                errors.Add(ErrorList.Member(path, "at"), ErrorCodes.OutOfRange, "The fraction of the budget must be above 0 and at most 10 (1 = the breach).");
            }

            if (level.Delay < TimeSpan.Zero)
            {
                errors.Add(ErrorList.Member(path, "delay"), ErrorCodes.OutOfRange, "The delay cannot be negative.");
            }

            if (level.Kind == EscalationKind.Hierarchical && level.Notify.Count == 0)
            {
                errors.Add(ErrorList.Member(path, "notify"), ErrorCodes.Required, "A hierarchical level notifies someone (e.g. team-manager, head-of-it).");
            }

            for (var r = 0; r < level.Notify.Count; r++)
            {
                if (!IsRecipientSpec(level.Notify[r]))
                {
                    errors.Add(ErrorList.Index(ErrorList.Member(path, "notify"), r), ErrorCodes.Invalid, $"'{level.Notify[r]}' is not a recipient: use {string.Join(", ", NamedRecipients)}, group:slug, role:Name, user:id or an e-mail address.");
                }
            }
        }

        return errors.Count > 0 ? Result.Failure<EscalationPolicy>(errors.ToList()) : Result.Success(new EscalationPolicy(id, name, [.. levels]));
    }

    /// <summary>Whether <paramref name="spec"/> names recipients in a way the notifier understands.</summary>
    public static bool IsRecipientSpec(string? spec) =>
        !string.IsNullOrWhiteSpace(spec)
        && (NamedRecipients.Contains(spec)
            || (spec.StartsWith("group:", StringComparison.Ordinal) && spec.Length > 6)
            || (spec.StartsWith("role:", StringComparison.Ordinal) && spec.Length > 5)
            || (spec.StartsWith("user:", StringComparison.Ordinal) && spec.Length > 5)
            || IsEmailAddress(spec));

    /// <summary>A plain check for <c>local@domain</c>, enough to tell an address from a typo of a named recipient.</summary>
    public static bool IsEmailAddress(string text) =>
        text.Length <= 254 && text.IndexOf('@', StringComparison.Ordinal) is var at && at > 0 && at < text.Length - 1
        && text.IndexOf('@', at + 1) < 0 && !text.Any(char.IsWhiteSpace) && text[(at + 1)..].Contains('.', StringComparison.Ordinal);

    /// <summary>The first level of <paramref name="kind"/> not yet in <paramref name="applied"/>, or null.</summary>
    public EscalationLevel? NextLevel(EscalationKind kind, IReadOnlyCollection<string> applied) =>
        Levels.FirstOrDefault(l => l.Kind == kind && !applied.Contains(l.Id));
}
