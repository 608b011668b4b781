using ChangeFlow.Domain.Changes;
using ChangeFlow.Domain.Common;
using ChangeFlow.Domain.Communication;
using ChangeFlow.Domain.Risk;
using ChangeFlow.Domain.Time;

namespace ChangeFlow.Application.Changes.Dossier;

/// <summary>
/// Maps the dossier contract to the domain and back. <see cref="ToChangeRequest"/> reports every problem at once,
/// each with the path of the JSON field at fault (<c>implementationPlan.steps[2].plannedAt</c>): size limits and
/// missing structure found while mapping, then the domain validator's findings; it never throws on bad input.
/// </summary>
public static class DossierMapper
{
    /// <summary>Builds a change in state New from a request's dossier, or returns every error with its path.</summary>
    public static Result<ChangeRequest> ToChangeRequest(ChangeDossierDto? dossier, DossierReadOptions? options = null)
    {
        options ??= new DossierReadOptions();
        if (dossier is null)
        {
            return Result.Failure<ChangeRequest>(options.PathPrefix, ErrorCodes.Required, "A dossier object is required.");
        }

        var reader = new Reader(new DossierErrors(), options.Trusted);
        var change = reader.Read(dossier, options);
        var errors = reader.Errors;
        if (options.RequireComplete && !options.Trusted)
        {
            var validator = new ChangeRequestValidator(options.Scale, options.Registry);
            var numberPending = options.Number is null;
            errors.AddDomain(validator.Validate(change), e => numberPending && e.Path == "number");
        }

        return errors.Count == 0 ? Result.Success(change) : Result.Failure<ChangeRequest>(errors.ToList(options.PathPrefix));
    }

    /// <summary>The contract form of <paramref name="change"/>, with its state, outcome, history and computed risk.</summary>
    public static ChangeDossierDto ToDto(ChangeRequest change, RiskScale? scale = null)
    {
        ArgumentNullException.ThrowIfNull(change);
        scale ??= RiskScale.Default;
        var rows = change.RiskRegister ?? RiskRegister.Empty;
        var rated = rows.All(r => Enum.IsDefined(r.Probability) && Enum.IsDefined(r.Impact));
        var steps = change.ImplementationPlan?.Steps ?? [];

        // Instants are stored in UTC; a reader sees them as the people in the change's zone do, with that zone's
        // offset at each instant (22:00+01:00, not 21:00Z labelled "Africa/Lagos"). The instant itself is unchanged.
        var zone = change.Window is { } inZone ? ZoneCalendar.Find(inZone.TimeZoneId) : null;
        DateTimeOffset Local(DateTimeOffset at) => zone is { IsSuccess: true } found ? found.Value.ToLocal(at) : at;
        DateTimeOffset? LocalOrNull(DateTimeOffset? at) => at is { } value ? Local(value) : null;
        return new ChangeDossierDto
        {
            Number = change.Number.IsDefault ? null : change.Number.ToString(),
            Title = change.Title,
            Type = Defined(change.Type),
            Category = Defined(change.Category),
            Requestor = ToDto(change.Requestor),
            ApplicationOwner = ToDto(change.ApplicationOwner),
            SubmittedAt = change.SubmittedAt == default ? null : change.SubmittedAt,
            Window = change.Window is { } w ? new ChangeWindowDto { Start = Local(w.Start), End = Local(w.End), TimeZoneId = w.TimeZoneId } : null,
            CabReviewAt = LocalOrNull(change.CabReviewAt),
            Justification = change.Justification,
            Impact = change.Impact is { } impact ? ToDto(impact) : null,
            RiskRegister = [.. rows.Select(row => ToDto(row, rated ? scale.Rate(row) : null))],
            ImplementationPlan = new ImplementationPlanDto
            {
                Steps = [.. steps.Select((step, i) => new ImplementationStepDto
                {
                    Id = change.ImplementationPlan!.IdOf(i),
                    Title = step.Description,
                    PlannedAt = step.PlannedAt == default ? null : Local(step.PlannedAt),
                    Responsible = step.Responsible,
                    RequiredToProceed = step.RequiredToProceed,
                })],
            },
            RollbackDecisionPoint = LocalOrNull(change.RollbackDecisionPoint),
            RollbackProcedure = change.RollbackProcedure is { } rollback
                ? new RollbackProcedureDto { TriggerConditions = [.. rollback.TriggerConditions ?? []], Steps = [.. rollback.Steps ?? []], EstimatedDuration = rollback.EstimatedDuration }
                : null,
            CommunicationPlan = [.. (change.CommunicationPlan ?? []).Select((item, i) => ToDto(item, i))],
            PostImplementationReview = change.PostImplementationReview is { } review ? ToDto(review) : null,
            State = change.State,
            Outcome = change.Outcome,
            OverallRisk = rated ? rows.OverallLevel(scale) : null,
            History = [.. change.History.Select(h => new StateTransitionDto { From = h.From, To = h.To, At = h.At, By = h.By, Outcome = h.Outcome, Note = h.Note })],
        };
    }

    private static T? Defined<T>(T value)
        where T : struct, Enum => Enum.IsDefined(value) ? value : null;

    private static PersonDto? ToDto(Person? person) => person is null ? null : new PersonDto { Id = person.Id, DisplayName = person.DisplayName };

    private static ImpactAssessmentDto ToDto(ImpactAssessment impact) => new()
    {
        ConfigurationItemIds = [.. impact.ConfigurationItemIds ?? []],
        ServiceIds = [.. impact.ServiceIds ?? []],
        UsersAffected = impact.UsersAffected,
        UserGroups = [.. impact.UserGroups ?? []],
        BusinessProcesses = [.. impact.BusinessProcesses ?? []],
        DownstreamServices = [.. (impact.DownstreamServices ?? []).Select(d => new DownstreamImpactDto { ServiceId = d.ServiceId, Effect = d.Effect })],
        Duration = impact.Duration,
        DurationNote = impact.DurationNote,
        DataAtRisk = impact.DataAtRisk,
    };

    private static RiskRowDto ToDto(RiskEntry row, RiskRating? rating) => new()
    {
        Risk = row.Risk,
        Probability = Defined(row.Probability),
        Impact = Defined(row.Impact),
        Mitigation = row.Mitigation,
        Score = rating?.Score,
        Level = rating?.Level,
    };

    private static CommunicationRowDto ToDto(CommunicationItem item, int index) => new()
    {
        Id = item.Id ?? CommunicationItem.DefaultId(index),
        Audience = item.Audience,
        Message = item.Message,
        When = item.When switch
        {
            NotificationTiming.AtInstant at => new NotificationTimingDto { Kind = NotificationTimingKind.At, At = at.Instant },
            NotificationTiming.RelativeToWindow relative => new NotificationTimingDto { Kind = NotificationTimingKind.RelativeToWindow, Edge = Defined(relative.Edge), Offset = relative.Offset },
            NotificationTiming.OnLocalDate date => new NotificationTimingDto { Kind = NotificationTimingKind.OnLocalDate, Date = date.Date },
            NotificationTiming.OnOutcome outcome => new NotificationTimingDto { Kind = NotificationTimingKind.OnOutcome, DeadlineAfterWindowEnd = outcome.DeadlineAfterWindowEnd },
            _ => null,
        },
        Channels = [.. (item.Channels ?? []).Select(c => Defined(c))],
        Recipients = [.. item.Recipients ?? []],
        Template = item.Template,
        Attachments = [.. item.Attachments ?? []],
    };

    private static PostImplementationReviewDto ToDto(PostImplementationReview review) => new()
    {
        ScheduledAt = review.ScheduledAt == default ? null : review.ScheduledAt,
        Duration = review.Duration,
        Attendees = [.. review.Attendees ?? []],
        AgendaItems = [.. review.AgendaItems ?? []],
        Findings = [.. review.Findings ?? []],
        ConfirmedOutcome = review.ConfirmedOutcome,
    };

    /// <summary>One mapping pass: builds the domain object and records limit and structure errors on the way.</summary>
    private sealed class Reader(DossierErrors errors, bool trusted)
    {
        public DossierErrors Errors => errors;

        public ChangeRequest Read(ChangeDossierDto dto, DossierReadOptions options) => new()
        {
            Number = options.Number ?? default,
            Title = Text("title", dto.Title, DossierLimits.MaxTitleLength),
            Type = dto.Type ?? default,
            Category = dto.Category ?? default,
            Requestor = Person("requestor", dto.Requestor),
            ApplicationOwner = Person("applicationOwner", dto.ApplicationOwner),
            SubmittedAt = options.SubmittedAt ?? dto.SubmittedAt ?? default,
            Window = Window(dto.Window),
            CabReviewAt = dto.CabReviewAt,
            Justification = Text("justification", dto.Justification, DossierLimits.MaxTextLength),
            Impact = Impact(dto.Impact),
            RiskRegister = new RiskRegister(Rows("riskRegister", dto.RiskRegister, Risk)),
            ImplementationPlan = new ImplementationPlan(Rows("implementationPlan.steps", dto.ImplementationPlan?.Steps, Step)),
            RollbackDecisionPoint = dto.RollbackDecisionPoint,
            RollbackProcedure = Rollback(dto.RollbackProcedure),
            CommunicationPlan = Rows("communicationPlan", dto.CommunicationPlan, Communication),
            PostImplementationReview = Review(dto.PostImplementationReview),
        };

        private string Text(string path, string? value, int max)
        {
            if (!trusted && value is not null && value.Length > max)
            {
                errors.Add(path, ErrorCodes.OutOfRange, $"At most {max} characters are allowed; got {value.Length}.");
            }

            return value ?? string.Empty;
        }

        private string? OptionalText(string path, string? value, int max) => value is null ? null : Text(path, value, max);

        private bool TooMany(string path, int count)
        {
            if (trusted || count <= DossierLimits.MaxItems)
            {
                return false;
            }

            errors.Add(path, ErrorCodes.OutOfRange, $"At most {DossierLimits.MaxItems} items are allowed; got {count}.");
            return true;
        }

        /// <summary>A list of strings; a null item becomes blank, which the validator reports where blanks are not allowed.</summary>
        private IReadOnlyList<string> Texts(string path, IReadOnlyList<string?>? items, int max) =>
            items is null || TooMany(path, items.Count) ? [] : [.. items.Select((item, i) => Text(DossierErrors.Index(path, i), item, max))];

        /// <summary>A list of objects; a null row is reported here and skipped by the validator's checks.</summary>
        private List<T> Rows<TDto, T>(string path, IReadOnlyList<TDto?>? rows, Func<string, TDto, T> map)
            where TDto : class
        {
            if (rows is null || TooMany(path, rows.Count))
            {
                return [];
            }

            var result = new List<T>(rows.Count);
            for (var i = 0; i < rows.Count; i++)
            {
                var itemPath = DossierErrors.Index(path, i);
                if (rows[i] is { } row)
                {
                    result.Add(map(itemPath, row));
                }
                else
                {
                    errors.Add(itemPath, ErrorCodes.Required, "A row cannot be null.");
                    result.Add(map(itemPath, Activator.CreateInstance<TDto>()));
                }
            }

            return result;
        }

        private TimeSpan Required(string path, TimeSpan? value, string what)
        {
            if (value is null)
            {
                errors.Add(path, ErrorCodes.Required, $"{what} is required.");
            }

            return value ?? TimeSpan.Zero;
        }

        private Person? Person(string path, PersonDto? dto) => dto is null
            ? null
            : new Person(
                Text(DossierErrors.Member(path, "id"), dto.Id, DossierLimits.MaxNameLength),
                Text(DossierErrors.Member(path, "displayName"), dto.DisplayName, DossierLimits.MaxNameLength));

        private ChangeWindow? Window(ChangeWindowDto? dto)
        {
            if (dto is null)
            {
                return null;
            }

            if (dto.Start is null)
            {
                errors.Add("window.start", ErrorCodes.Required, "The window's start is required.");
            }

            if (dto.End is null)
            {
                errors.Add("window.end", ErrorCodes.Required, "The window's end is required.");
            }

            return new ChangeWindow(dto.Start ?? default, dto.End ?? default, Text("window.timeZoneId", dto.TimeZoneId, DossierLimits.MaxNameLength));
        }

        private ImpactAssessment? Impact(ImpactAssessmentDto? dto) => dto is null
            ? null
            : new ImpactAssessment
            {
                ConfigurationItemIds = Texts("impact.configurationItemIds", dto.ConfigurationItemIds, DossierLimits.MaxNameLength),
                ServiceIds = Texts("impact.serviceIds", dto.ServiceIds, DossierLimits.MaxNameLength),
                UsersAffected = dto.UsersAffected ?? 0,
                UserGroups = Texts("impact.userGroups", dto.UserGroups, DossierLimits.MaxNameLength),
                BusinessProcesses = Texts("impact.businessProcesses", dto.BusinessProcesses, DossierLimits.MaxTextLength),
                DownstreamServices = Rows("impact.downstreamServices", dto.DownstreamServices, (path, d) => new DownstreamImpact(
                    Text(DossierErrors.Member(path, "serviceId"), d.ServiceId, DossierLimits.MaxNameLength),
                    Text(DossierErrors.Member(path, "effect"), d.Effect, DossierLimits.MaxTextLength))),
                Duration = dto.Duration ?? TimeSpan.Zero,
                DurationNote = OptionalText("impact.durationNote", dto.DurationNote, DossierLimits.MaxTextLength),
                DataAtRisk = OptionalText("impact.dataAtRisk", dto.DataAtRisk, DossierLimits.MaxTextLength),
            };

        private RiskEntry Risk(string path, RiskRowDto dto) => new(
            Text(DossierErrors.Member(path, "risk"), dto.Risk, DossierLimits.MaxTextLength),
            dto.Probability ?? default,
            dto.Impact ?? default,
            OptionalText(DossierErrors.Member(path, "mitigation"), dto.Mitigation, DossierLimits.MaxTextLength));

        private ImplementationStep Step(string path, ImplementationStepDto dto) => new(
            dto.PlannedAt ?? default,
            Text(DossierErrors.Member(path, "title"), dto.Title, DossierLimits.MaxTextLength),
            Text(DossierErrors.Member(path, "responsible"), dto.Responsible, DossierLimits.MaxNameLength),
            dto.RequiredToProceed ?? false)
        {
            // A step without an id gets its positional one now, so it keeps it when steps are later inserted before it.
            Id = dto.Id is null ? ImplementationPlan.DefaultId(StepIndex(path)) : Text(DossierErrors.Member(path, "id"), dto.Id, DossierLimits.MaxNameLength),
        };

        private static int StepIndex(string path) =>
            int.Parse(path.AsSpan(path.LastIndexOf('[') + 1, path.Length - path.LastIndexOf('[') - 2), System.Globalization.CultureInfo.InvariantCulture);

        private RollbackProcedure? Rollback(RollbackProcedureDto? dto) => dto is null
            ? null
            : new RollbackProcedure(
                Texts("rollbackProcedure.triggerConditions", dto.TriggerConditions, DossierLimits.MaxTextLength),
                Texts("rollbackProcedure.steps", dto.Steps, DossierLimits.MaxTextLength),
                Required("rollbackProcedure.estimatedDuration", dto.EstimatedDuration, "The estimated rollback duration"));

        private CommunicationItem Communication(string path, CommunicationRowDto dto)
        {
            var channelsPath = DossierErrors.Member(path, "channels");
            var channels = dto.Channels is null || TooMany(channelsPath, dto.Channels.Count) ? [] : dto.Channels;
            for (var i = 0; i < channels.Count; i++)
            {
                if (channels[i] is null)
                {
                    errors.Add(DossierErrors.Index(channelsPath, i), ErrorCodes.Required, "A channel cannot be null.");
                }
            }

            return new CommunicationItem(
                Text(DossierErrors.Member(path, "audience"), dto.Audience, DossierLimits.MaxNameLength),
                Text(DossierErrors.Member(path, "message"), dto.Message, DossierLimits.MaxTextLength),
                Timing(DossierErrors.Member(path, "when"), dto.When)!,
                [.. channels.Select(c => c ?? default)])
            {
                // The row id is what sent notices are matched by, so a row read without one gets its positional id
                // now and keeps it when rows above it are added or removed later.
                Id = dto.Id is null ? CommunicationItem.DefaultId(StepIndex(path)) : Text(DossierErrors.Member(path, "id"), dto.Id, DossierLimits.MaxNameLength),
                Recipients = Texts(DossierErrors.Member(path, "recipients"), dto.Recipients, DossierLimits.MaxNameLength),
                Template = string.IsNullOrWhiteSpace(dto.Template) ? null : dto.Template.Trim(),
                Attachments = Texts(DossierErrors.Member(path, "attachments"), dto.Attachments, DossierLimits.MaxNameLength),
            };
        }

        private NotificationTiming? Timing(string path, NotificationTimingDto? dto)
        {
            if (dto is null)
            {
                return null;
            }

            var kind = dto.Kind;
            RefuseOther(path, kind, NotificationTimingKind.At, "at", dto.At is not null);
            RefuseOther(path, kind, NotificationTimingKind.RelativeToWindow, "edge", dto.Edge is not null);
            RefuseOther(path, kind, NotificationTimingKind.RelativeToWindow, "offset", dto.Offset is not null);
            RefuseOther(path, kind, NotificationTimingKind.OnLocalDate, "date", dto.Date is not null);
            RefuseOther(path, kind, NotificationTimingKind.OnOutcome, "deadlineAfterWindowEnd", dto.DeadlineAfterWindowEnd is not null);
            switch (kind)
            {
                case NotificationTimingKind.At:
                    if (dto.At is null)
                    {
                        errors.Add(DossierErrors.Member(path, "at"), ErrorCodes.Required, "The send instant is required.");
                        errors.Claim(path);
                    }

                    return NotificationTiming.At(dto.At ?? default);
                case NotificationTimingKind.RelativeToWindow:
                    return NotificationTiming.Relative(dto.Edge ?? default, Required(DossierErrors.Member(path, "offset"), dto.Offset, "The offset from the window edge"));
                case NotificationTimingKind.OnLocalDate:
                    return NotificationTiming.During(dto.Date ?? default);
                case NotificationTimingKind.OnOutcome:
                    return NotificationTiming.WhenOutcomeKnown(dto.DeadlineAfterWindowEnd ?? TimeSpan.Zero);
                default:
                    errors.Add(DossierErrors.Member(path, "kind"), ErrorCodes.Required, $"The kind of timing is required: one of {string.Join(", ", Enum.GetNames<NotificationTimingKind>())}.");
                    errors.Claim(path);
                    return null;
            }
        }

        private void RefuseOther(string path, NotificationTimingKind? kind, NotificationTimingKind owner, string property, bool present)
        {
            if (present && kind is not null && kind != owner)
            {
                errors.Add(DossierErrors.Member(path, property), ErrorCodes.Invalid, $"'{property}' belongs to a timing of kind {owner}, not {kind}.");
            }
        }

        private PostImplementationReview? Review(PostImplementationReviewDto? dto) => dto is null
            ? null
            : new PostImplementationReview
            {
                ScheduledAt = dto.ScheduledAt ?? default,
                Duration = Required("postImplementationReview.duration", dto.Duration, "The review's duration"),
                Attendees = Texts("postImplementationReview.attendees", dto.Attendees, DossierLimits.MaxNameLength),
                AgendaItems = Texts("postImplementationReview.agendaItems", dto.AgendaItems, DossierLimits.MaxTextLength),
                Findings = Texts("postImplementationReview.findings", dto.Findings, DossierLimits.MaxTextLength),
                ConfirmedOutcome = dto.ConfirmedOutcome,
            };
    }
}
