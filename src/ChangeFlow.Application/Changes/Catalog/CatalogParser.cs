using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using ChangeFlow.Application.Common;
using ChangeFlow.Domain.Cab;
using ChangeFlow.Domain.Changes;
using ChangeFlow.Domain.Common;
using ChangeFlow.Domain.Registry;
using ChangeFlow.Domain.Risk;
using ChangeFlow.Domain.Scheduling;
using ChangeFlow.Domain.Time;

namespace ChangeFlow.Application.Changes.Catalog;

/// <summary>
/// Reads and checks the catalogue's JSON documents. Every problem is reported at once with its path
/// (<c>members[1].userId</c>, <c>meeting.timeZoneId</c>, <c>rules[0].types[1]</c>); bad input never throws.
/// </summary>
public static class CatalogParser
{
    /// <summary>The longest id of a catalogue entry (the <c>reference_documents</c> key column holds 200 characters).</summary>
    public const int MaxIdLength = 200;

    /// <summary>
    /// The JSON options the catalogue reads and writes with (camelCase, nulls left out). Reading is strict: a member
    /// the document type does not have (a misspelt <c>quorom</c>) or a member given twice is an error with its path,
    /// not silently stored and ignored.
    /// </summary>
    public static JsonSerializerOptions JsonOptions { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = false,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        AllowDuplicateProperties = false,
    };

    /// <summary>Checks a document of <paramref name="kind"/> whose id is <paramref name="id"/>; empty when it is valid.</summary>
    public static IReadOnlyList<DomainError> Validate(string kind, string id, string json) => kind switch
    {
        ReferenceKinds.CabBoard => Errors(ParseBoard(id, json)),
        ReferenceKinds.StandardTemplate => Errors(ParseTemplate(id, json)),
        ReferenceKinds.ConfigurationItem => Errors(ParseConfigurationItem(id, json)),
        ReferenceKinds.Service => Errors(ParseService(id, json)),
        ReferenceKinds.Blackout => Errors(ParseBlackout(id, json)),
        ReferenceKinds.Routing => Errors(ParseRouting(json)),
        ReferenceKinds.DistributionList => Errors(ParseDistributionList(id, json)),
        _ => [new DomainError("kind", ErrorCodes.Unknown, $"'{kind}' is not a kind of reference document.")],
    };

    /// <summary>Reads a CAB board.</summary>
    public static Result<CabBoard> ParseBoard(string id, string json)
    {
        var read = Read<CabBoardDocument>(json);
        if (!read.IsSuccess)
        {
            return Result.Failure<CabBoard>(read.Errors);
        }

        var doc = read.Value;
        var errors = new PathErrors();
        CheckId(errors, id, doc.Id);
        errors.RequireText("name", doc.Name, "A name");
        var members = new List<CabMember>();
        if (doc.Members is not { Count: > 0 })
        {
            errors.Add("members", ErrorCodes.Required, "A board needs at least one member.");
        }
        else
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < doc.Members.Count; i++)
            {
                var path = PathErrors.Index("members", i);
                var member = doc.Members[i];
                if (member is null)
                {
                    errors.Add(path, ErrorCodes.Required, "A member is required.");
                    continue;
                }

                if (errors.RequireText(PathErrors.Member(path, "userId"), member.UserId, "The member's user id") && !seen.Add(member.UserId!))
                {
                    errors.Add(PathErrors.Member(path, "userId"), ErrorCodes.Duplicate, $"'{member.UserId}' is listed twice.");
                }

                var role = ParseEnum<CabRole>(errors, PathErrors.Member(path, "role"), member.Role, "The member's role");
                if (member.UserId is { Length: > 0 } userId && role is { } r)
                {
                    members.Add(new CabMember(new Person(userId, string.IsNullOrWhiteSpace(member.DisplayName) ? userId : member.DisplayName), r));
                }
            }
        }

        CabMeetingSchedule? schedule = null;
        if (doc.Meeting is not { } meeting)
        {
            errors.Add("meeting", ErrorCodes.Required, "The meeting schedule is required.");
        }
        else
        {
            var day = ParseEnum<DayOfWeek>(errors, "meeting.day", meeting.Day, "The weekday");
            var time = ParseTime(errors, "meeting.localTime", meeting.LocalTime);
            var duration = ParseDuration(errors, "meeting.duration", meeting.Duration, required: true);
            var zoneOk = CheckZone(errors, "meeting.timeZoneId", meeting.TimeZoneId);
            var cancelled = new List<DateOnly>();
            for (var i = 0; i < (meeting.CancelledDates?.Count ?? 0); i++)
            {
                if (DateOnly.TryParseExact(meeting.CancelledDates![i], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
                {
                    cancelled.Add(date);
                }
                else
                {
                    errors.Add(PathErrors.Index("meeting.cancelledDates", i), ErrorCodes.Invalid, $"'{meeting.CancelledDates[i]}' is not a date (yyyy-MM-dd).");
                }
            }

            if (day is { } d && time is { } t && duration is { } span && zoneOk)
            {
                schedule = new CabMeetingSchedule(d, t, meeting.TimeZoneId!, span, cancelled);
                errors.AddRange("meeting", schedule.Validate());
            }
        }

        var quorum = ParseQuorum(errors, "quorum", doc.Quorum, members.Count);
        var lead = ParseDuration(errors, "agendaLeadTime", doc.AgendaLeadTime, required: false);
        if (lead is { } l && l < TimeSpan.Zero)
        {
            errors.Add("agendaLeadTime", ErrorCodes.OutOfRange, "The lead time cannot be negative.");
        }

        if (errors.Count > 0)
        {
            return Result.Failure<CabBoard>(errors.ToList());
        }

        return Result.Success(new CabBoard
        {
            Id = id,
            Name = doc.Name!,
            Members = members,
            Schedule = schedule!,
            Quorum = quorum!,
            AgendaLeadTime = lead ?? TimeSpan.FromDays(5),
        });
    }

    /// <summary>Reads a standard-change template.</summary>
    public static Result<StandardTemplate> ParseTemplate(string id, string json)
    {
        var read = Read<StandardTemplateDocument>(json);
        if (!read.IsSuccess)
        {
            return Result.Failure<StandardTemplate>(read.Errors);
        }

        var doc = read.Value;
        var errors = new PathErrors();
        CheckId(errors, id, doc.Id);
        errors.RequireText("name", doc.Name, "A name");
        var max = ParseEnum<RiskLevel>(errors, "maxRiskLevel", doc.MaxRiskLevel ?? nameof(RiskLevel.Low), "The highest risk level");
        var services = CheckIds(errors, "serviceIds", doc.ServiceIds);
        return errors.Count > 0
            ? Result.Failure<StandardTemplate>(errors.ToList())
            : Result.Success(new StandardTemplate(id, doc.Name!, doc.Description ?? string.Empty, max!.Value, services, string.IsNullOrWhiteSpace(doc.Workflow) ? null : doc.Workflow));
    }

    /// <summary>Reads a configuration item.</summary>
    public static Result<ConfigurationItem> ParseConfigurationItem(string id, string json)
    {
        var read = Read<ConfigurationItemDocument>(json);
        if (!read.IsSuccess)
        {
            return Result.Failure<ConfigurationItem>(read.Errors);
        }

        var doc = read.Value;
        var errors = new PathErrors();
        CheckId(errors, id, doc.Id);
        errors.RequireText("name", doc.Name, "A name");
        var kind = ParseEnum<ConfigurationItemKind>(errors, "kind", doc.Kind ?? nameof(ConfigurationItemKind.Other), "The kind");
        var services = CheckIds(errors, "serviceIds", doc.ServiceIds);
        return errors.Count > 0
            ? Result.Failure<ConfigurationItem>(errors.ToList())
            : Result.Success(new ConfigurationItem(id, doc.Name!, kind!.Value, services));
    }

    /// <summary>Reads a service.</summary>
    public static Result<Service> ParseService(string id, string json)
    {
        var read = Read<ServiceDocument>(json);
        if (!read.IsSuccess)
        {
            return Result.Failure<Service>(read.Errors);
        }

        var errors = new PathErrors();
        CheckId(errors, id, read.Value.Id);
        errors.RequireText("name", read.Value.Name, "A name");
        ParseMembers(errors, "users", read.Value.Users);
        CheckIds(errors, "distributionLists", read.Value.DistributionLists);
        return errors.Count > 0 ? Result.Failure<Service>(errors.ToList()) : Result.Success(new Service(id, read.Value.Name!));
    }

    /// <summary>Reads who uses a service: its own user list and its distribution lists.</summary>
    public static Result<ServiceAudience> ParseServiceAudience(string id, string json)
    {
        var service = ParseService(id, json);
        if (!service.IsSuccess)
        {
            return Result.Failure<ServiceAudience>(service.Errors);
        }

        var doc = Read<ServiceDocument>(json).Value;
        var errors = new PathErrors();
        var users = ParseMembers(errors, "users", doc.Users);
        var lists = CheckIds(errors, "distributionLists", doc.DistributionLists);
        return Result.Success(new ServiceAudience(id, service.Value.Name, users, lists));
    }

    /// <summary>Reads a distribution list.</summary>
    public static Result<DistributionList> ParseDistributionList(string id, string json)
    {
        var read = Read<DistributionListDocument>(json);
        if (!read.IsSuccess)
        {
            return Result.Failure<DistributionList>(read.Errors);
        }

        var doc = read.Value;
        var errors = new PathErrors();
        CheckId(errors, id, doc.Id);
        errors.RequireText("name", doc.Name, "A name");
        if (doc.TimeZoneId is not null)
        {
            CheckZone(errors, "timeZoneId", doc.TimeZoneId);
        }

        CheckCulture(errors, "culture", doc.Culture);
        var members = ParseMembers(errors, "members", doc.Members);
        return errors.Count > 0
            ? Result.Failure<DistributionList>(errors.ToList())
            : Result.Success(new DistributionList(id, doc.Name!.Trim(), Blank(doc.TimeZoneId), Blank(doc.Culture), members));
    }

    /// <summary>Reads a blackout window.</summary>
    public static Result<BlackoutWindow> ParseBlackout(string id, string json)
    {
        var read = Read<BlackoutDocument>(json);
        if (!read.IsSuccess)
        {
            return Result.Failure<BlackoutWindow>(read.Errors);
        }

        var doc = read.Value;
        var errors = new PathErrors();
        CheckId(errors, id, doc.Id);
        errors.RequireText("name", doc.Name, "A name");
        var services = CheckIds(errors, "serviceIds", doc.ServiceIds);
        BlackoutWindow? blackout = null;
        if (doc.Weekly is { } weekly)
        {
            if (doc.Start is not null || doc.End is not null)
            {
                errors.Add("weekly", ErrorCodes.Invalid, "A blackout is either weekly or one-off (start/end), not both.");
            }

            var day = ParseEnum<DayOfWeek>(errors, "weekly.day", weekly.Day, "The weekday");
            var time = ParseTime(errors, "weekly.localTime", weekly.LocalTime);
            var duration = ParseDuration(errors, "weekly.duration", weekly.Duration, required: true);
            var zoneOk = CheckZone(errors, "weekly.timeZoneId", weekly.TimeZoneId);
            if (day is { } d && time is { } t && duration is { } span && zoneOk && doc.Name is { Length: > 0 })
            {
                blackout = BlackoutWindow.Weekly(doc.Name, d, t, span, weekly.TimeZoneId!, services);
                errors.AddRange("weekly", blackout.Validate().Where(e => e.Path is not ("name" or "serviceIds")));
            }
        }
        else if (doc.Start is { } start && doc.End is { } end)
        {
            if (end <= start)
            {
                errors.Add("end", ErrorCodes.OutOfRange, "The blackout must end after it starts.");
            }
            else if (doc.Name is { Length: > 0 })
            {
                blackout = BlackoutWindow.OneOff(doc.Name, new TimeInterval(start.ToUniversalTime(), end.ToUniversalTime()), services);
            }
        }
        else
        {
            errors.Add(doc.Start is null ? "start" : "end", ErrorCodes.Required, "Give either a weekly slot or both start and end.");
        }

        return errors.Count > 0 || blackout is null ? Result.Failure<BlackoutWindow>(errors.Count > 0 ? errors.ToList() : [new DomainError(string.Empty, ErrorCodes.Invalid, "The blackout is incomplete.")]) : Result.Success(blackout);
    }

    /// <summary>Reads the routing table.</summary>
    public static Result<RoutingTable> ParseRouting(string json)
    {
        var read = Read<RoutingTableDocument>(json);
        if (!read.IsSuccess)
        {
            return Result.Failure<RoutingTable>(read.Errors);
        }

        var doc = read.Value;
        var errors = new PathErrors();
        var rules = new List<RoutingRule>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < (doc.Rules?.Count ?? 0); i++)
        {
            var path = PathErrors.Index("rules", i);
            var rule = doc.Rules![i];
            if (rule is null)
            {
                errors.Add(path, ErrorCodes.Required, "A rule is required.");
                continue;
            }

            if (errors.RequireText(PathErrors.Member(path, "id"), rule.Id, "A rule id") && !ids.Add(rule.Id!))
            {
                errors.Add(PathErrors.Member(path, "id"), ErrorCodes.Duplicate, $"The rule id '{rule.Id}' is used twice.");
            }

            var types = ParseEnums<ChangeType>(errors, PathErrors.Member(path, "types"), rule.Types);
            var categories = ParseEnums<ChangeCategory>(errors, PathErrors.Member(path, "categories"), rule.Categories);
            var min = rule.MinRiskLevel is null ? null : ParseEnum<RiskLevel>(errors, PathErrors.Member(path, "minRiskLevel"), rule.MinRiskLevel, "The risk level");
            var services = CheckIds(errors, PathErrors.Member(path, "serviceIds"), rule.ServiceIds);
            var items = CheckIds(errors, PathErrors.Member(path, "configurationItemIds"), rule.ConfigurationItemIds);
            errors.RequireText(PathErrors.Member(path, "workflow"), rule.Workflow, "The workflow to start");
            rules.Add(new RoutingRule(rule.Id ?? string.Empty, types, categories, min, services, items, rule.Workflow ?? string.Empty, Blank(rule.CabBoard)));
        }

        var defaults = new Dictionary<ChangeType, RouteDecision>();
        foreach (var (name, target) in doc.Defaults ?? new Dictionary<string, RoutingTargetDocument>())
        {
            var path = PathErrors.Member("defaults", name);
            if (!Enum.TryParse<ChangeType>(name, ignoreCase: true, out var type) || !Enum.IsDefined(type) || int.TryParse(name, out _))
            {
                errors.Add(path, ErrorCodes.Invalid, $"'{name}' is not a change type ({string.Join(", ", Enum.GetNames<ChangeType>())}).");
                continue;
            }

            if (target is null || !errors.RequireText(PathErrors.Member(path, "workflow"), target.Workflow, "The default workflow"))
            {
                continue;
            }

            defaults[type] = new RouteDecision(target.Workflow!, Blank(target.CabBoard), null);
        }

        foreach (var type in Enum.GetValues<ChangeType>())
        {
            if (!defaults.ContainsKey(type) && !errors.ToList().Any(e => e.Path.StartsWith("defaults", StringComparison.Ordinal)))
            {
                errors.Add(PathErrors.Member("defaults", type.ToString()), ErrorCodes.Required, $"A default workflow for {type} changes is required.");
            }
        }

        return errors.Count > 0 ? Result.Failure<RoutingTable>(errors.ToList()) : Result.Success(new RoutingTable(rules, defaults));
    }

    /// <summary>Reads a duration: ISO 8601 (<c>PT30M</c>), or the old <c>d.hh:mm:ss</c> form (see <see cref="Durations"/>).</summary>
    public static bool TryParseDuration(string? text, out TimeSpan duration) => Durations.TryParse(text, out duration);

    internal static Result<T> Read<T>(string json)
        where T : class
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return Result.Failure<T>(string.Empty, ErrorCodes.Required, "The document is empty.");
        }

        try
        {
            return JsonSerializer.Deserialize<T>(json, JsonOptions) is { } value
                ? Result.Success(value)
                : Result.Failure<T>(string.Empty, ErrorCodes.Invalid, "The document must be a JSON object.");
        }
        catch (JsonException ex)
        {
            var path = ex.Path is { Length: > 0 } p ? p.TrimStart('$').TrimStart('.') : string.Empty;
            var unmapped = ex.Message.StartsWith("The JSON property '", StringComparison.Ordinal) ? ex.Message.Split('\'', 3)[1] : null;
            if (unmapped is not null && ex.Message.Contains("could not be mapped", StringComparison.Ordinal))
            {
                var member = path.Length == 0 ? unmapped : path.EndsWith("." + unmapped, StringComparison.Ordinal) || path == unmapped ? path : $"{path}.{unmapped}";
                return Result.Failure<T>(member, ErrorCodes.Unknown, $"'{unmapped}' is not a member of this document.");
            }

            if (ex.Message.Contains("Duplicate", StringComparison.OrdinalIgnoreCase))
            {
                return Result.Failure<T>(path, ErrorCodes.Duplicate, "A member appears twice.");
            }

            return Result.Failure<T>(path, ErrorCodes.Invalid, $"The document is not valid here: {FirstLine(ex.Message)}");
        }
    }

    private static string FirstLine(string message)
    {
        var end = message.IndexOf(" Path:", StringComparison.Ordinal);
        return end > 0 ? message[..end] : message;
    }

    private static IReadOnlyList<DomainError> Errors<T>(Result<T> result) => result.Errors;

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    internal static void CheckId(PathErrors errors, string id, string? documentId)
    {
        if (id.Length > MaxIdLength)
        {
            errors.Add("id", ErrorCodes.OutOfRange, $"An id has at most {MaxIdLength} characters.");
        }
        else if (!ConfigurationRegistry.IsWellFormedId(id))
        {
            errors.Add("id", ErrorCodes.Invalid, $"'{id}' is not a well-formed id (lower-case letters and digits separated by single dashes).");
        }
        else if (documentId is not null && documentId != id)
        {
            errors.Add("id", ErrorCodes.Invalid, $"The document says id '{documentId}' but is stored as '{id}'.");
        }
    }

    internal static List<string> CheckIds(PathErrors errors, string path, IReadOnlyList<string>? ids)
    {
        var result = new List<string>();
        for (var i = 0; i < (ids?.Count ?? 0); i++)
        {
            if (!ConfigurationRegistry.IsWellFormedId(ids![i]))
            {
                errors.Add(PathErrors.Index(path, i), ErrorCodes.Invalid, $"'{ids[i]}' is not a well-formed id.");
            }
            else if (!result.Contains(ids[i]))
            {
                result.Add(ids[i]);
            }
        }

        return result;
    }

    internal static TEnum? ParseEnum<TEnum>(PathErrors errors, string path, string? text, string what)
        where TEnum : struct, Enum
    {
        if (!errors.RequireText(path, text, what))
        {
            return null;
        }

        if (!int.TryParse(text, out _) && Enum.TryParse<TEnum>(text, ignoreCase: true, out var value) && Enum.IsDefined(value))
        {
            return value;
        }

        errors.Add(path, ErrorCodes.Invalid, $"'{text}' is not one of {string.Join(", ", Enum.GetNames<TEnum>())}.");
        return null;
    }

    private static List<TEnum> ParseEnums<TEnum>(PathErrors errors, string path, IReadOnlyList<string>? texts)
        where TEnum : struct, Enum
    {
        var result = new List<TEnum>();
        for (var i = 0; i < (texts?.Count ?? 0); i++)
        {
            if (ParseEnum<TEnum>(errors, PathErrors.Index(path, i), texts![i], "A value") is { } value)
            {
                result.Add(value);
            }
        }

        return result;
    }

    /// <summary>The most members a list (or a service's own user list) holds.</summary>
    public const int MaxMembers = 5000;

    private static List<DistributionMember> ParseMembers(PathErrors errors, string path, IReadOnlyList<DistributionMemberDocument>? members)
    {
        var result = new List<DistributionMember>();
        if (members is null)
        {
            return result;
        }

        if (members.Count > MaxMembers)
        {
            errors.Add(path, ErrorCodes.OutOfRange, $"A list holds at most {MaxMembers} members; split it, or list lists on the service.");
            return result;
        }

        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < members.Count; i++)
        {
            var memberPath = PathErrors.Index(path, i);
            var member = members[i];
            if (member is null)
            {
                errors.Add(memberPath, ErrorCodes.Required, "A member is required.");
                continue;
            }

            var (user, email) = (Blank(member.UserId), Blank(member.Email));
            if ((user is null) == (email is null))
            {
                errors.Add(memberPath, ErrorCodes.Invalid, "A member is either a ChangeFlow user (userId) or an outside address (email), not both or neither.");
                continue;
            }

            if (email is not null && (!System.Net.Mail.MailAddress.TryCreate(email, out var parsed) || parsed.Address != email || email.Length > 254))
            {
                errors.Add(PathErrors.Member(memberPath, "email"), ErrorCodes.Invalid, $"'{email}' is not an e-mail address.");
                continue;
            }

            if (user is not null && (member.TimeZoneId is not null || member.Culture is not null))
            {
                errors.Add(memberPath, ErrorCodes.Invalid, "A ChangeFlow user's time zone and culture are set on the user, not on the list.");
            }

            if (member.TimeZoneId is not null)
            {
                CheckZone(errors, PathErrors.Member(memberPath, "timeZoneId"), member.TimeZoneId);
            }

            CheckCulture(errors, PathErrors.Member(memberPath, "culture"), member.Culture);
            if (!seen.Add(user ?? email!))
            {
                errors.Add(memberPath, ErrorCodes.Duplicate, $"'{user ?? email}' is listed twice.");
                continue;
            }

            result.Add(new DistributionMember(user, email, Blank(member.Name), Blank(member.TimeZoneId), Blank(member.Culture)));
        }

        return result;
    }

    private static void CheckCulture(PathErrors errors, string path, string? culture)
    {
        if (culture is not null && !Notifications.NoticeCultures.IsSupported(culture))
        {
            errors.Add(path, ErrorCodes.Invalid, Notifications.NoticeCultures.Describe(culture));
        }
    }

    internal static TimeOnly? ParseTime(PathErrors errors, string path, string? text)
    {
        if (!errors.RequireText(path, text, "A local time (HH:mm)"))
        {
            return null;
        }

        if (TimeOnly.TryParseExact(text, ["HH:mm", "HH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var time))
        {
            return time;
        }

        errors.Add(path, ErrorCodes.Invalid, $"'{text}' is not a local time (HH:mm).");
        return null;
    }

    internal static TimeSpan? ParseDuration(PathErrors errors, string path, string? text, bool required)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            if (required)
            {
                errors.Add(path, ErrorCodes.Required, "A duration in ISO 8601 (e.g. PT1H) is required.");
            }

            return null;
        }

        if (TryParseDuration(text, out var duration))
        {
            return duration;
        }

        errors.Add(path, ErrorCodes.Invalid, $"'{text}' is not an ISO 8601 duration (e.g. PT1H).");
        return null;
    }

    internal static bool CheckZone(PathErrors errors, string path, string? zone)
    {
        var found = ZoneCalendar.Find(zone, path);
        errors.AddRange(found.Errors);
        return found.IsSuccess;
    }

    private static QuorumPolicy? ParseQuorum(PathErrors errors, string path, QuorumDocument? doc, int members)
    {
        if (doc is null)
        {
            errors.Add(path, ErrorCodes.Required, "The quorum policy is required.");
            return null;
        }

        var policy = ParseQuorumPolicy(doc.Policy, doc.Required, out var error);
        if (policy is null)
        {
            errors.Add(PathErrors.Member(path, error!.Value.Field), ErrorCodes.Invalid, error.Value.Message);
            return null;
        }

        if (members > 0)
        {
            foreach (var e in policy.Validate(members, path))
            {
                errors.Add(e.Path == path && doc.Policy is "NOfM" ? PathErrors.Member(path, "required") : e.Path, e.Code, e.Message);
            }
        }

        return policy;
    }

    /// <summary>Reads a quorum policy name (All, Majority, FirstResponse, NOfM) with its N.</summary>
    public static QuorumPolicy? ParseQuorumPolicy(string? name, int? required, out (string Field, string Message)? error)
    {
        error = null;
        switch (name?.Trim().ToUpperInvariant())
        {
            case "ALL":
                return QuorumPolicy.All;
            case "MAJORITY":
                return QuorumPolicy.Majority;
            case "FIRSTRESPONSE":
                return QuorumPolicy.FirstResponse;
            case "NOFM":
                if (required is { } n)
                {
                    return QuorumPolicy.NOfM(n);
                }

                error = ("required", "NOfM needs the number of approvals required.");
                return null;
            default:
                error = ("policy", $"'{name}' is not a quorum policy (All, Majority, FirstResponse, NOfM).");
                return null;
        }
    }
}
