using ChangeFlow.Application.Security;
using ChangeFlow.Domain.Common;

namespace ChangeFlow.Application.Notifications;

/// <summary>What an audience spec names.</summary>
public enum AudienceKind
{
    /// <summary><c>user:&lt;id|email&gt;</c>: one ChangeFlow user.</summary>
    User,
    /// <summary><c>email:&lt;address&gt;</c>: one outside address.</summary>
    Email,
    /// <summary><c>role:&lt;Role&gt;</c>: active users holding a ChangeFlow role.</summary>
    Role,
    /// <summary><c>group:&lt;group&gt;</c>: active members of an assignment group.</summary>
    Group,
    /// <summary><c>board</c> or <c>board:&lt;id&gt;</c>: the members of the change's CAB board (or of the board named).</summary>
    Board,
    /// <summary><c>requestor</c>: who asked for the change.</summary>
    Requestor,
    /// <summary><c>application-owner</c>: who owns the affected application.</summary>
    ApplicationOwner,
    /// <summary><c>change-manager</c>: the change manager of the change's board, or the users holding the ChangeManager role.</summary>
    ChangeManager,
    /// <summary><c>implementers</c> or <c>implementers:&lt;group&gt;</c>: users holding the Implementer role (in that group).</summary>
    Implementers,
    /// <summary><c>list:&lt;id&gt;</c>: a distribution list of the catalogue.</summary>
    List,
    /// <summary><c>service:&lt;id&gt;</c>: the users of a service of the catalogue.</summary>
    Service,
    /// <summary><c>affected-users</c>: the users of every service the change takes down or degrades.</summary>
    AffectedUsers,
    /// <summary><c>stakeholders</c>: everyone the plan's other rows reach, the requestor, the owner, the change manager and the board.</summary>
    Stakeholders,
    /// <summary><c>pir-attendees</c>: the post-implementation review's attendees that name people (specs, user ids, e-mails).</summary>
    PirAttendees,
}

/// <summary>
/// One audience spec of a communication plan row or a notify activity, e.g. <c>service:lims</c>,
/// <c>list:lab-managers</c>, <c>stakeholders</c>. Kinds are case-insensitive; values keep their case.
/// </summary>
/// <param name="Kind">What it names.</param>
/// <param name="Value">The id, role, group or address after the colon, when the kind takes one.</param>
public sealed record AudienceSpec(AudienceKind Kind, string? Value)
{
    private static readonly Dictionary<string, (AudienceKind Kind, bool? TakesValue)> Kinds = new(StringComparer.OrdinalIgnoreCase)
    {
        ["user"] = (AudienceKind.User, true),
        ["email"] = (AudienceKind.Email, true),
        ["role"] = (AudienceKind.Role, true),
        ["group"] = (AudienceKind.Group, true),
        ["board"] = (AudienceKind.Board, null),
        ["requestor"] = (AudienceKind.Requestor, false),
        ["application-owner"] = (AudienceKind.ApplicationOwner, false),
        ["change-manager"] = (AudienceKind.ChangeManager, false),
        ["implementers"] = (AudienceKind.Implementers, null),
        ["list"] = (AudienceKind.List, true),
        ["service"] = (AudienceKind.Service, true),
        ["affected-users"] = (AudienceKind.AffectedUsers, false),
        ["stakeholders"] = (AudienceKind.Stakeholders, false),
        ["pir-attendees"] = (AudienceKind.PirAttendees, false),
    };

    /// <summary>The syntax, for error messages.</summary>
    public const string Syntax =
        "service:<id>, list:<id>, role:<Role>, group:<group>, board[:<id>], requestor, application-owner, change-manager, implementers[:<group>], affected-users, stakeholders, pir-attendees, user:<id|email> or email:<address>";

    /// <summary>Reads a spec; errors at <paramref name="path"/>.</summary>
    public static Result<AudienceSpec> Parse(string? text, string path)
    {
        var spec = text?.Trim() ?? string.Empty;
        var colon = spec.IndexOf(':', StringComparison.Ordinal);
        var name = colon < 0 ? spec : spec[..colon].Trim();
        var value = colon < 0 ? null : spec[(colon + 1)..].Trim();
        if (!Kinds.TryGetValue(name, out var kind))
        {
            return Result.Failure<AudienceSpec>(path, ErrorCodes.Invalid, $"'{text}' is not an audience; use {Syntax}.");
        }

        if (kind.TakesValue == true && string.IsNullOrEmpty(value))
        {
            return Result.Failure<AudienceSpec>(path, ErrorCodes.Invalid, $"'{text}' needs a value after the colon, e.g. {name.ToLowerInvariant()}:...");
        }

        if (kind.TakesValue == false && value is not null)
        {
            return Result.Failure<AudienceSpec>(path, ErrorCodes.Invalid, $"'{name}' takes no value; write just '{name.ToLowerInvariant()}'.");
        }

        if (kind.Kind == AudienceKind.Email && (!System.Net.Mail.MailAddress.TryCreate(value, out var address) || address.Address != value))
        {
            return Result.Failure<AudienceSpec>(path, ErrorCodes.Invalid, $"'{value}' is not an e-mail address.");
        }

        if (kind.Kind == AudienceKind.Role && !Roles.All.Contains(value!, StringComparer.OrdinalIgnoreCase))
        {
            return Result.Failure<AudienceSpec>(path, ErrorCodes.Unknown, $"'{value}' is not a role; roles: {string.Join(", ", Roles.All)}.");
        }

        var normalized = kind.Kind == AudienceKind.Role ? Roles.All.First(r => string.Equals(r, value, StringComparison.OrdinalIgnoreCase)) : value;
        return Result.Success(new AudienceSpec(kind.Kind, string.IsNullOrEmpty(normalized) ? null : normalized));
    }

    /// <inheritdoc />
    public override string ToString()
    {
        var name = Kinds.First(k => k.Value.Kind == Kind).Key;
        return Value is null ? name : $"{name}:{Value}";
    }
}

/// <summary>The people an audience reached, and what could not be resolved (a list deleted since, an inactive user).</summary>
/// <param name="Recipients">Each address once, in spec order.</param>
/// <param name="Problems">Specs that named nobody, for the change's timeline.</param>
public sealed record AudienceResolution(IReadOnlyList<NoticeRecipient> Recipients, IReadOnlyList<string> Problems);
