using System.Globalization;
using ChangeFlow.Application.Changes.Catalog;
using ChangeFlow.Application.Common;
using ChangeFlow.Domain.Common;
using ChangeFlow.Domain.Incidents;
using ChangeFlow.Domain.Registry;
using ChangeFlow.Domain.Time;

namespace ChangeFlow.Application.Incidents.Config;

/// <summary>
/// Reads and checks incident management's configuration documents (the priority matrix, business calendars, service
/// levels, escalation policies, the settings). Every problem is reported at once with its path
/// (<c>rows.High.Low</c>, <c>week.monday[0].end</c>, <c>incidentTargets.P2.resolution.within</c>); bad input never
/// throws. The JSON rules are the change catalogue's (<see cref="CatalogParser.JsonOptions"/>): strict members,
/// camelCase.
/// </summary>
public static class IncidentConfigParser
{
    /// <summary>The id of the one priority matrix and of the one settings document.</summary>
    public const string SingletonId = "default";

    /// <summary>Checks a document of <paramref name="kind"/> stored as <paramref name="id"/>; empty when valid.</summary>
    public static IReadOnlyList<DomainError> Validate(string kind, string id, string json) => kind switch
    {
        ReferenceKinds.PriorityMatrix => id == SingletonId ? ParseMatrix(json).Errors : [new DomainError("id", ErrorCodes.Invalid, $"The priority matrix is stored as '{SingletonId}'.")],
        ReferenceKinds.BusinessCalendar => ParseCalendar(id, json).Errors,
        ReferenceKinds.ServiceLevel => ParseServiceLevel(id, json).Errors,
        ReferenceKinds.EscalationPolicy => ParsePolicy(id, json).Errors,
        ReferenceKinds.IncidentSettings => id == SingletonId ? ParseSettings(json).Errors : [new DomainError("id", ErrorCodes.Invalid, $"The settings are stored as '{SingletonId}'.")],
        _ => [new DomainError("kind", ErrorCodes.Unknown, $"'{kind}' is not a kind of incident configuration.")],
    };

    /// <summary>Reads the priority matrix.</summary>
    public static Result<PriorityMatrix> ParseMatrix(string json)
    {
        var read = CatalogParser.Read<PriorityMatrixDocument>(json);
        if (!read.IsSuccess)
        {
            return Result.Failure<PriorityMatrix>(read.Errors);
        }

        var errors = new PathErrors();
        var cells = new Dictionary<(Impact, Urgency), Priority>();
        if (read.Value.Rows is not { } rows)
        {
            return Result.Failure<PriorityMatrix>("rows", ErrorCodes.Required, "The matrix rows (impact → urgency → priority) are required.");
        }

        foreach (var (impactName, row) in rows)
        {
            var rowPath = PathErrors.Member("rows", impactName);
            var impact = CatalogParser.ParseEnum<Impact>(errors, rowPath, impactName, "The impact");
            foreach (var (urgencyName, priorityName) in row ?? new Dictionary<string, string>())
            {
                var cellPath = PathErrors.Member(rowPath, urgencyName);
                var urgency = CatalogParser.ParseEnum<Urgency>(errors, cellPath, urgencyName, "The urgency");
                var priority = CatalogParser.ParseEnum<Priority>(errors, cellPath, priorityName, "The priority");
                if (impact is { } i && urgency is { } u && priority is { } p)
                {
                    cells[(i, u)] = p;
                }
            }
        }

        // Missing cells are reported with the malformed ones, so one answer names every cell to fix.
        var matrix = PriorityMatrix.Create(cells);
        var reported = errors.ToList().Select(e => e.Path).ToHashSet(StringComparer.Ordinal);
        errors.AddRange(matrix.Errors.Where(e => !reported.Contains(e.Path)));
        return errors.Count > 0 ? Result.Failure<PriorityMatrix>(errors.ToList()) : matrix;
    }

    /// <summary>Reads a business calendar.</summary>
    public static Result<BusinessCalendar> ParseCalendar(string id, string json)
    {
        var read = CatalogParser.Read<BusinessCalendarDocument>(json);
        if (!read.IsSuccess)
        {
            return Result.Failure<BusinessCalendar>(read.Errors);
        }

        var doc = read.Value;
        var errors = new PathErrors();
        CatalogParser.CheckId(errors, id, doc.Id);
        errors.RequireText("name", doc.Name, "A name");
        CatalogParser.CheckZone(errors, "timeZoneId", doc.TimeZoneId);
        var week = new Dictionary<DayOfWeek, IReadOnlyList<WorkingHours>>();
        foreach (var (dayName, hours) in doc.Week ?? new Dictionary<string, IReadOnlyList<WorkingHoursDocument>>())
        {
            var path = PathErrors.Member("week", dayName);
            if (!Enum.GetValues<DayOfWeek>().Any(d => BusinessCalendar.DayName(d) == dayName))
            {
                errors.Add(path, ErrorCodes.Invalid, $"'{dayName}' is not a weekday (monday … sunday, lower case).");
                continue;
            }

            var list = new List<WorkingHours>();
            for (var i = 0; i < (hours?.Count ?? 0); i++)
            {
                var itemPath = PathErrors.Index(path, i);
                var item = hours![i];
                if (item is null)
                {
                    errors.Add(itemPath, ErrorCodes.Required, "Working hours are required.");
                    continue;
                }

                var start = CatalogParser.ParseTime(errors, PathErrors.Member(itemPath, "start"), item.Start);
                TimeOnly? end = null;
                var endOfDay = item.End is "24:00";
                if (!endOfDay)
                {
                    end = CatalogParser.ParseTime(errors, PathErrors.Member(itemPath, "end"), item.End);
                }

                if (start is { } s && (endOfDay || end is not null))
                {
                    list.Add(new WorkingHours(s, end));
                }
            }

            week[Enum.GetValues<DayOfWeek>().First(d => BusinessCalendar.DayName(d) == dayName)] = list;
        }

        var holidays = new List<Holiday>();
        for (var i = 0; i < (doc.Holidays?.Count ?? 0); i++)
        {
            var path = PathErrors.Index("holidays", i);
            var holiday = doc.Holidays![i];
            if (holiday is null)
            {
                errors.Add(path, ErrorCodes.Required, "A holiday is required.");
                continue;
            }

            if (!DateOnly.TryParseExact(holiday.Date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                errors.Add(PathErrors.Member(path, "date"), holiday.Date is null ? ErrorCodes.Required : ErrorCodes.Invalid, $"'{holiday.Date}' is not a date (yyyy-MM-dd).");
                continue;
            }

            holidays.Add(new Holiday(date, holiday.Name ?? string.Empty, holiday.EveryYear ?? false));
        }

        var dayLength = CatalogParser.ParseDuration(errors, "businessDayLength", doc.BusinessDayLength, required: false);
        if (errors.Count > 0)
        {
            return Result.Failure<BusinessCalendar>(errors.ToList());
        }

        return BusinessCalendar.Create(id, doc.Name!, doc.TimeZoneId!, week, holidays, dayLength);
    }

    /// <summary>Reads a service level; every priority P1–P4 must have targets (listed, or the <c>default</c>).</summary>
    public static Result<ServiceLevel> ParseServiceLevel(string id, string json)
    {
        var read = CatalogParser.Read<ServiceLevelDocument>(json);
        if (!read.IsSuccess)
        {
            return Result.Failure<ServiceLevel>(read.Errors);
        }

        var doc = read.Value;
        var errors = new PathErrors();
        CatalogParser.CheckId(errors, id, doc.Id);
        errors.RequireText("name", doc.Name, "A name");
        var team = doc.ResponsibleTeam;
        if (team is null)
        {
            errors.Add("responsibleTeam", ErrorCodes.Required, "The responsible team is required.");
        }
        else
        {
            errors.RequireText("responsibleTeam.name", team.Name, "The team's name");
            if (team.Group is not null && !ConfigurationRegistry.IsWellFormedId(team.Group))
            {
                errors.Add("responsibleTeam.group", ErrorCodes.Invalid, $"'{team.Group}' is not a group slug.");
            }

            CheckRecipient(errors, "responsibleTeam.manager", team.Manager, required: false);
        }

        var groups = CatalogParser.CheckIds(errors, "supportGroups", doc.SupportGroups);
        CheckOptionalId(errors, "calendarId", doc.CalendarId);
        CheckOptionalId(errors, "escalationPolicyId", doc.EscalationPolicyId);

        var given = new Dictionary<string, SlaTargets>(StringComparer.Ordinal);
        foreach (var (key, pair) in doc.IncidentTargets ?? new Dictionary<string, TargetPairDocument>())
        {
            var path = PathErrors.Member("incidentTargets", key);
            if (key != "default" && !Enum.GetNames<Priority>().Contains(key))
            {
                errors.Add(path, ErrorCodes.Invalid, $"'{key}' is not a priority (P1, P2, P3, P4) or 'default'.");
                continue;
            }

            if (ParsePair(errors, path, pair) is { } targets)
            {
                given[key] = targets;
            }
        }

        var incidentTargets = new Dictionary<Priority, SlaTargets>();
        var badTargets = errors.ToList().Any(e => e.Path.StartsWith("incidentTargets", StringComparison.Ordinal));
        foreach (var priority in Enum.GetValues<Priority>())
        {
            if (given.TryGetValue(priority.ToString(), out var targets) || given.TryGetValue("default", out targets))
            {
                incidentTargets[priority] = targets;
            }
            else if (!badTargets)
            {
                errors.Add(PathErrors.Member("incidentTargets", priority.ToString()), ErrorCodes.Required, $"Targets for {priority} are required (or a 'default').");
            }
        }

        var requestTargets = new Dictionary<string, SlaTargets>(StringComparer.Ordinal);
        foreach (var (key, pair) in doc.RequestTargets ?? new Dictionary<string, TargetPairDocument>())
        {
            var path = PathErrors.Member("requestTargets", key);
            if (!ConfigurationRegistry.IsWellFormedId(key))
            {
                errors.Add(path, ErrorCodes.Invalid, $"'{key}' is not a request type slug (e.g. new-setup).");
            }
            else if (ParsePair(errors, path, pair) is { } targets)
            {
                requestTargets[key] = targets;
            }
        }

        return errors.Count > 0
            ? Result.Failure<ServiceLevel>(errors.ToList())
            : Result.Success(new ServiceLevel(
                id,
                doc.Name!.Trim(),
                Blank(doc.Description),
                Blank(doc.Channel),
                new SupportTeam(team!.Name!.Trim(), Blank(team.Group), Blank(team.Manager)),
                groups,
                Blank(doc.CalendarId),
                Blank(doc.EscalationPolicyId),
                incidentTargets,
                requestTargets));
    }

    /// <summary>Reads an escalation policy.</summary>
    public static Result<EscalationPolicy> ParsePolicy(string id, string json)
    {
        var read = CatalogParser.Read<EscalationPolicyDocument>(json);
        if (!read.IsSuccess)
        {
            return Result.Failure<EscalationPolicy>(read.Errors);
        }

        var doc = read.Value;
        var errors = new PathErrors();
        CatalogParser.CheckId(errors, id, doc.Id);
        var levels = new List<EscalationLevel>();
        for (var i = 0; i < (doc.Levels?.Count ?? 0); i++)
        {
            var path = PathErrors.Index("levels", i);
            var level = doc.Levels![i];
            if (level is null)
            {
                errors.Add(path, ErrorCodes.Required, "A level is required.");
                continue;
            }

            var kind = CatalogParser.ParseEnum<EscalationKind>(errors, PathErrors.Member(path, "kind"), level.Kind, "The kind");
            var clock = level.Clock is null ? null : CatalogParser.ParseEnum<SlaClockKind>(errors, PathErrors.Member(path, "clock"), level.Clock, "The clock");
            var delay = CatalogParser.ParseDuration(errors, PathErrors.Member(path, "delay"), level.Delay, required: false);
            if (kind is { } k)
            {
                levels.Add(new EscalationLevel(level.Id ?? string.Empty, level.Name ?? string.Empty, k, clock, level.At, delay ?? TimeSpan.Zero, [.. level.Notify ?? []]));
            }
        }

        if (errors.Count > 0)
        {
            return Result.Failure<EscalationPolicy>(errors.ToList());
        }

        return EscalationPolicy.Create(id, doc.Name ?? string.Empty, levels);
    }

    /// <summary>Reads the settings; what a document leaves out takes the default.</summary>
    public static Result<IncidentSettings> ParseSettings(string json)
    {
        var read = CatalogParser.Read<IncidentSettingsDocument>(json);
        if (!read.IsSuccess)
        {
            return Result.Failure<IncidentSettings>(read.Errors);
        }

        var doc = read.Value;
        var defaults = IncidentConfigDefaults.Settings;
        var errors = new PathErrors();
        var priority = doc.DefaultPriority is null ? defaults.DefaultPriority : CatalogParser.ParseEnum<Priority>(errors, "defaultPriority", doc.DefaultPriority, "The default priority");
        CheckOptionalId(errors, "defaultCalendarId", doc.DefaultCalendarId);
        CheckOptionalId(errors, "defaultEscalationPolicyId", doc.DefaultEscalationPolicyId);
        CheckOptionalId(errors, "defaultAssignmentGroup", doc.DefaultAssignmentGroup);

        var fractions = doc.WarningFractions ?? defaults.WarningFractions;
        for (var i = 0; i < fractions.Count; i++)
        {
            if (double.IsNaN(fractions[i]) || fractions[i] <= 0 || fractions[i] >= 1)
            {
                errors.Add(PathErrors.Index("warningFractions", i), ErrorCodes.OutOfRange, "A warning fraction lies between 0 and 1 (the breach at 1 is always raised).");
            }
            else if (i > 0 && fractions[i] <= fractions[i - 1])
            {
                errors.Add(PathErrors.Index("warningFractions", i), ErrorCodes.OutOfOrder, "Warning fractions go up, each once.");
            }
        }

        var pausing = new List<IncidentState>();
        var states = doc.ClockPausingStates ?? [.. defaults.ClockPausingStates.Select(s => s.ToString())];
        for (var i = 0; i < states.Count; i++)
        {
            var path = PathErrors.Index("clockPausingStates", i);
            if (CatalogParser.ParseEnum<IncidentState>(errors, path, states[i], "A state") is { } state)
            {
                if (!IncidentLifecycle.IsHold(state))
                {
                    errors.Add(path, ErrorCodes.NotAllowed, $"Only hold states (AwaitingUser, PendingVendor) pause the clocks, not {state}.");
                }
                else if (!pausing.Contains(state))
                {
                    pausing.Add(state);
                }
            }
        }

        var autoClose = doc.AutoCloseAfterBusinessDays ?? defaults.AutoCloseAfterBusinessDays;
        if (autoClose is < 1 or > 90)
        {
            errors.Add("autoCloseAfterBusinessDays", ErrorCodes.OutOfRange, "Auto-close waits between 1 and 90 business days.");
        }

        var headOfIt = doc.HeadOfIt ?? defaults.HeadOfIt;
        var crisis = doc.CrisisNotificationList ?? defaults.CrisisNotificationList;
        for (var i = 0; i < headOfIt.Count; i++)
        {
            CheckRecipient(errors, PathErrors.Index("headOfIt", i), headOfIt[i], required: true);
        }

        for (var i = 0; i < crisis.Count; i++)
        {
            CheckRecipient(errors, PathErrors.Index("crisisNotificationList", i), crisis[i], required: true);
        }

        var categories = doc.Categories is null ? [.. defaults.Categories] : CatalogParser.CheckIds(errors, "categories", doc.Categories);
        if (categories.Count == 0)
        {
            errors.Add("categories", ErrorCodes.Required, "At least one category is required.");
        }

        var alerts = ParseAlertmanager(errors, doc.Alertmanager, defaults.Alertmanager);
        return errors.Count > 0
            ? Result.Failure<IncidentSettings>(errors.ToList())
            : Result.Success(new IncidentSettings(
                priority!.Value,
                Blank(doc.DefaultCalendarId) ?? defaults.DefaultCalendarId,
                Blank(doc.DefaultEscalationPolicyId) ?? defaults.DefaultEscalationPolicyId,
                Blank(doc.DefaultAssignmentGroup) ?? defaults.DefaultAssignmentGroup,
                [.. fractions],
                pausing,
                autoClose,
                [.. headOfIt],
                [.. crisis],
                categories,
                alerts!));
    }

    private static AlertmanagerSettings? ParseAlertmanager(PathErrors errors, AlertmanagerDocument? doc, AlertmanagerSettings defaults)
    {
        if (doc is null)
        {
            return defaults;
        }

        const string path = "alertmanager";
        var dedupe = doc.DeduplicateBy is null ? defaults.DeduplicateBy : CatalogParser.ParseEnum<AlertDeduplication>(errors, $"{path}.deduplicateBy", doc.DeduplicateBy, "The deduplication");
        var services = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (value, serviceId) in doc.Services ?? defaults.Services)
        {
            if (!ConfigurationRegistry.IsWellFormedId(serviceId))
            {
                errors.Add(PathErrors.Member($"{path}.services", value), ErrorCodes.Invalid, $"'{serviceId}' is not a service id.");
            }
            else
            {
                services[value] = serviceId;
            }
        }

        CheckOptionalId(errors, $"{path}.defaultServiceId", doc.DefaultServiceId);
        var severities = new Dictionary<string, (Impact, Urgency)>(StringComparer.OrdinalIgnoreCase);
        if (doc.Severities is null)
        {
            foreach (var (name, value) in defaults.Severities)
            {
                severities[name] = value;
            }
        }

        foreach (var (name, value) in doc.Severities ?? new Dictionary<string, ImpactUrgencyDocument>())
        {
            if (ParseImpactUrgency(errors, PathErrors.Member($"{path}.severities", name), value) is { } pair)
            {
                severities[name] = pair;
            }
        }

        var fallback = doc.Default is null ? (defaults.DefaultImpact, defaults.DefaultUrgency) : ParseImpactUrgency(errors, $"{path}.default", doc.Default);
        CheckOptionalId(errors, $"{path}.category", doc.Category);
        string Label(string member, string? value, string fallbackLabel)
        {
            if (value is not null && (value.Length == 0 || value.Length > 100))
            {
                errors.Add(PathErrors.Member(path, member), ErrorCodes.Invalid, "A label name has 1 to 100 characters.");
            }

            return string.IsNullOrWhiteSpace(value) ? fallbackLabel : value;
        }

        var result = new AlertmanagerSettings(
            dedupe ?? defaults.DeduplicateBy,
            Label("serviceLabel", doc.ServiceLabel, defaults.ServiceLabel),
            services,
            Blank(doc.DefaultServiceId) ?? defaults.DefaultServiceId,
            Label("impactLabel", doc.ImpactLabel, defaults.ImpactLabel),
            Label("urgencyLabel", doc.UrgencyLabel, defaults.UrgencyLabel),
            Label("severityLabel", doc.SeverityLabel, defaults.SeverityLabel),
            severities,
            fallback?.Item1 ?? defaults.DefaultImpact,
            fallback?.Item2 ?? defaults.DefaultUrgency,
            Blank(doc.Category) ?? defaults.Category,
            doc.ResolveWhenAlertsResolve ?? defaults.ResolveWhenAlertsResolve);
        return result;
    }

    private static (Impact, Urgency)? ParseImpactUrgency(PathErrors errors, string path, ImpactUrgencyDocument? doc)
    {
        if (doc is null)
        {
            errors.Add(path, ErrorCodes.Required, "An impact and an urgency are required.");
            return null;
        }

        var impact = CatalogParser.ParseEnum<Impact>(errors, PathErrors.Member(path, "impact"), doc.Impact, "The impact");
        var urgency = CatalogParser.ParseEnum<Urgency>(errors, PathErrors.Member(path, "urgency"), doc.Urgency, "The urgency");
        return impact is { } i && urgency is { } u ? (i, u) : null;
    }

    private static SlaTargets? ParsePair(PathErrors errors, string path, TargetPairDocument? pair)
    {
        if (pair is null)
        {
            errors.Add(path, ErrorCodes.Required, "A response and a resolution target are required.");
            return null;
        }

        var response = ParseTarget(errors, PathErrors.Member(path, "response"), pair.Response);
        var resolution = ParseTarget(errors, PathErrors.Member(path, "resolution"), pair.Resolution);
        return response is not null && resolution is not null ? new SlaTargets(response, resolution) : null;
    }

    private static SlaTarget? ParseTarget(PathErrors errors, string path, TargetDocument? doc)
    {
        if (doc is null)
        {
            errors.Add(path, ErrorCodes.Required, "A target (within, businessDays or nextBusinessDay) is required.");
            return null;
        }

        var given = (doc.Within is not null ? 1 : 0) + (doc.BusinessDays is not null ? 1 : 0) + (doc.NextBusinessDay is true ? 1 : 0);
        if (given != 1)
        {
            errors.Add(path, given == 0 ? ErrorCodes.Required : ErrorCodes.Invalid, "Give exactly one of within, businessDays or nextBusinessDay: true.");
            return null;
        }

        var hours = SlaHours.Business;
        if (doc.Hours is "24x7")
        {
            hours = SlaHours.Always;
        }
        else if (doc.Hours is not null && CatalogParser.ParseEnum<SlaHours>(errors, PathErrors.Member(path, "hours"), doc.Hours, "The hours") is { } h)
        {
            hours = h;
        }

        var label = Blank(doc.Label);
        SlaTarget? target = null;
        if (doc.Within is not null)
        {
            if (CatalogParser.ParseDuration(errors, PathErrors.Member(path, "within"), doc.Within, required: true) is { } within)
            {
                target = SlaTarget.Within(within, hours, label);
            }
        }
        else
        {
            target = doc.BusinessDays is { } days ? SlaTarget.BusinessDays(days, label) with { Hours = hours } : SlaTarget.NextBusinessDay(label) with { Hours = hours };
        }

        if (target is not null)
        {
            var problems = target.Validate();
            errors.AddRange(path, problems);
            return problems.Count == 0 ? target : null;
        }

        return null;
    }

    private static void CheckOptionalId(PathErrors errors, string path, string? id)
    {
        if (id is not null && !ConfigurationRegistry.IsWellFormedId(id))
        {
            errors.Add(path, ErrorCodes.Invalid, $"'{id}' is not a well-formed id (lower-case letters and digits separated by single dashes).");
        }
    }

    private static void CheckRecipient(PathErrors errors, string path, string? spec, bool required)
    {
        if (spec is null)
        {
            if (required)
            {
                errors.Add(path, ErrorCodes.Required, "A recipient is required.");
            }

            return;
        }

        if (!EscalationPolicy.IsRecipientSpec(spec) || EscalationPolicy.NamedRecipients.Contains(spec))
        {
            errors.Add(path, ErrorCodes.Invalid, $"'{spec}' is not a recipient: use an e-mail address, user:id, group:slug or role:Name.");
        }
    }

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
