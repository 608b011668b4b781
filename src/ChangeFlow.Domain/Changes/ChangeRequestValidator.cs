using ChangeFlow.Domain.Common;
using ChangeFlow.Domain.Communication;
using ChangeFlow.Domain.Registry;
using ChangeFlow.Domain.Risk;

namespace ChangeFlow.Domain.Changes;

/// <summary>
/// Checks a change dossier and returns every problem at once, each with the path of the field at fault
/// (<c>window.end</c>, <c>riskRegister[2].probability</c>, <c>implementationPlan.steps[3].plannedAt</c>,
/// <c>rollbackDecisionPoint</c>), so the requestor fixes the RFC in one round instead of one error per submission.
/// Bad input never throws.
/// </summary>
/// <remarks>
/// What is required grows with the change: every change needs a number, title, justification, requestor, owner,
/// window and a plan; Normal and Emergency changes also need impact, at least one risk, a rollback procedure and a
/// post-implementation review (the CAB dossier of the ITIL notes); Major changes need a hard rollback decision point.
/// </remarks>
public sealed class ChangeRequestValidator
{
    /// <summary>The longest title, so it fits a list view and an e-mail subject.</summary>
    public const int MaxTitleLength = 200;

    /// <summary>Creates a validator.</summary>
    /// <param name="scale">Rates risks to decide which need a mitigation; <see cref="RiskScale.Default"/> when null.</param>
    /// <param name="registry">When given, configuration item and service ids must name known entries.</param>
    public ChangeRequestValidator(RiskScale? scale = null, ConfigurationRegistry? registry = null)
    {
        Scale = scale ?? RiskScale.Default;
        Registry = registry;
    }

    /// <summary>A validator with the default scale and no registry check; what <see cref="ChangeRequest.Transition"/> uses.</summary>
    public static ChangeRequestValidator Default { get; } = new();

    /// <summary>The risk scale in use.</summary>
    public RiskScale Scale { get; }

    /// <summary>The registry ids are checked against, if any.</summary>
    public ConfigurationRegistry? Registry { get; }

    /// <summary>Every problem with <paramref name="change"/>; empty when it is complete and consistent.</summary>
    public IReadOnlyList<DomainError> Validate(ChangeRequest change)
    {
        ArgumentNullException.ThrowIfNull(change);
        var errors = new ErrorList();
        ValidateIdentification(errors, change);
        var fullDossier = change.Type is ChangeType.Normal or ChangeType.Emergency;
        var window = ValidateWindow(errors, change);
        ValidateImpact(errors, change.Impact, window, fullDossier);
        ValidateRisks(errors, change.RiskRegister, fullDossier);
        var decisionPoint = ValidateDecisionPoint(errors, change, window);
        ValidatePlan(errors, change.ImplementationPlan, window, decisionPoint);
        ValidateRollback(errors, change.RollbackProcedure, fullDossier);
        ValidateCommunication(errors, change.CommunicationPlan);
        ValidateReview(errors, change.PostImplementationReview, window, fullDossier);
        return errors.ToList();
    }

    private static void ValidateIdentification(ErrorList errors, ChangeRequest change)
    {
        if (change.Number.IsDefault)
        {
            errors.Add("number", ErrorCodes.Required, "The RFC number is required.");
        }

        if (errors.RequireText("title", change.Title, "A title") && change.Title.Length > MaxTitleLength)
        {
            errors.Add("title", ErrorCodes.OutOfRange, $"The title is longer than {MaxTitleLength} characters.");
        }

        errors.RequireDefined("type", change.Type, "The change type");
        errors.RequireDefined("category", change.Category, "The category");
        ValidatePerson(errors, "requestor", change.Requestor, "The requestor");
        ValidatePerson(errors, "applicationOwner", change.ApplicationOwner, "The application owner");
        if (change.SubmittedAt == default)
        {
            errors.Add("submittedAt", ErrorCodes.Required, "The submission instant is required.");
        }

        errors.RequireText("justification", change.Justification, "A justification");
        if (change.CabReviewAt is { } cab && change.SubmittedAt != default && cab < change.SubmittedAt)
        {
            errors.Add("cabReviewAt", ErrorCodes.OutOfRange, "The CAB cannot review the RFC before it is submitted.");
        }

        if (change.CabReviewAt is { } review && change.Window is { } window && review >= window.Start)
        {
            errors.Add("cabReviewAt", ErrorCodes.OutOfRange, "The CAB must review the RFC before its window starts.");
        }
    }

    private static void ValidatePerson(ErrorList errors, string path, Person? person, string what)
    {
        if (person is null)
        {
            errors.Add(path, ErrorCodes.Required, $"{what} is required.");
            return;
        }

        errors.RequireText(ErrorList.Member(path, "id"), person.Id, $"{what}'s id");
        errors.RequireText(ErrorList.Member(path, "displayName"), person.DisplayName, $"{what}'s name");
    }

    /// <summary>Checks the window; returns it when its instants are usable for the cross-checks that follow.</summary>
    private static ChangeWindow? ValidateWindow(ErrorList errors, ChangeRequest change)
    {
        if (change.Window is not { } window)
        {
            errors.Add("window", ErrorCodes.Required, "A requested window is required.");
            return null;
        }

        errors.AddRange(window.Validate("window"));
        if (change.SubmittedAt != default && window.Start < change.SubmittedAt)
        {
            errors.Add("window.start", ErrorCodes.OutOfRange, "The window starts before the RFC was submitted.");
        }

        return window.End > window.Start ? window : null;
    }

    private void ValidateImpact(ErrorList errors, ImpactAssessment? impact, ChangeWindow? window, bool required)
    {
        if (impact is null)
        {
            if (required)
            {
                errors.Add("impact", ErrorCodes.Required, "Normal and emergency changes need an impact assessment.");
            }

            return;
        }

        var items = impact.ConfigurationItemIds ?? [];
        var services = impact.ServiceIds ?? [];
        if (required && items.Count == 0 && services.Count == 0)
        {
            errors.Add("impact.configurationItemIds", ErrorCodes.Required, "Name at least one configuration item or service the change touches.");
        }

        errors.RequireTextItems("impact.configurationItemIds", items, "A configuration item id", unique: true);
        errors.RequireTextItems("impact.serviceIds", services, "A service id", unique: true);
        CheckKnown(errors, "impact.configurationItemIds", items, id => Registry!.HasConfigurationItem(id), "configuration item");
        CheckKnown(errors, "impact.serviceIds", services, id => Registry!.HasService(id), "service");
        if (impact.UsersAffected < 0)
        {
            errors.Add("impact.usersAffected", ErrorCodes.OutOfRange, "The number of users affected cannot be negative.");
        }

        errors.RequireTextItems("impact.userGroups", impact.UserGroups, "A user group", unique: true);
        errors.RequireTextItems("impact.businessProcesses", impact.BusinessProcesses, "A business process", unique: false);
        if (impact.Duration < TimeSpan.Zero)
        {
            errors.Add("impact.duration", ErrorCodes.OutOfRange, "The duration of impact cannot be negative.");
        }
        else if (window is not null && impact.Duration > window.Duration)
        {
            errors.Add("impact.duration", ErrorCodes.OutOfRange, $"The impact ({impact.Duration.TotalHours:0.##} h) lasts longer than the window ({window.Duration.TotalHours:0.##} h).");
        }

        var downstream = impact.DownstreamServices ?? [];
        for (var i = 0; i < downstream.Count; i++)
        {
            var path = ErrorList.Index("impact.downstreamServices", i);
            if (errors.RequireText(ErrorList.Member(path, "serviceId"), downstream[i].ServiceId, "A service id")
                && Registry is not null
                && !Registry.HasService(downstream[i].ServiceId))
            {
                errors.Add(ErrorList.Member(path, "serviceId"), ErrorCodes.Unknown, $"No service has the id '{downstream[i].ServiceId}'.");
            }

            errors.RequireText(ErrorList.Member(path, "effect"), downstream[i].Effect, "The effect on the service");
        }
    }

    private void CheckKnown(ErrorList errors, string path, IReadOnlyList<string> ids, Func<string, bool> isKnown, string what)
    {
        if (Registry is null)
        {
            return;
        }

        for (var i = 0; i < ids.Count; i++)
        {
            if (!string.IsNullOrWhiteSpace(ids[i]) && !isKnown(ids[i]))
            {
                errors.Add(ErrorList.Index(path, i), ErrorCodes.Unknown, $"No {what} has the id '{ids[i]}'.");
            }
        }
    }

    private void ValidateRisks(ErrorList errors, RiskRegister? register, bool required)
    {
        register ??= RiskRegister.Empty;
        if (required && register.Count == 0)
        {
            errors.Add("riskRegister", ErrorCodes.Required, "Normal and emergency changes need at least one assessed risk.");
        }

        for (var i = 0; i < register.Count; i++)
        {
            var path = ErrorList.Index("riskRegister", i);
            var row = register[i];
            errors.RequireText(ErrorList.Member(path, "risk"), row.Risk, "The risk");
            var rated = errors.RequireDefined(ErrorList.Member(path, "probability"), row.Probability, "The probability")
                & errors.RequireDefined(ErrorList.Member(path, "impact"), row.Impact, "The impact");
            if (rated && string.IsNullOrWhiteSpace(row.Mitigation))
            {
                var level = Scale.Rate(row).Level;
                if (level >= RiskLevel.Medium)
                {
                    errors.Add(ErrorList.Member(path, "mitigation"), ErrorCodes.Required, $"A {level} risk needs a mitigation; only Low risks may be accepted as they are.");
                }
            }
        }
    }

    /// <summary>Checks the decision point; returns it when it lies inside a usable window.</summary>
    private static DateTimeOffset? ValidateDecisionPoint(ErrorList errors, ChangeRequest change, ChangeWindow? window)
    {
        if (change.RollbackDecisionPoint is not { } point)
        {
            if (change.Category == ChangeCategory.Major)
            {
                errors.Add("rollbackDecisionPoint", ErrorCodes.Required, "A major change needs a hard rollback decision point inside its window.");
            }

            return null;
        }

        if (window is null)
        {
            return null;
        }

        if (!window.Contains(point))
        {
            errors.Add("rollbackDecisionPoint", ErrorCodes.OutOfRange, $"The hard rollback decision point {point:yyyy-MM-dd'T'HH:mm'Z'} lies outside the window {window}.");
            return null;
        }

        if (change.RollbackProcedure is { EstimatedDuration: var rollback } && rollback > TimeSpan.Zero && point + rollback > window.End)
        {
            errors.Add(
                "rollbackDecisionPoint",
                ErrorCodes.OutOfRange,
                $"A rollback started at the decision point takes {rollback.TotalMinutes:0} min and would end after the window ({point + rollback:yyyy-MM-dd'T'HH:mm'Z'} > {window.End:yyyy-MM-dd'T'HH:mm'Z'}).");
        }

        return point;
    }

    private static void ValidatePlan(ErrorList errors, ImplementationPlan? plan, ChangeWindow? window, DateTimeOffset? decisionPoint)
    {
        var steps = plan?.Steps ?? [];
        if (steps.Count == 0)
        {
            errors.Add("implementationPlan.steps", ErrorCodes.Required, "The implementation plan needs at least one step.");
            return;
        }

        // Messages name steps by id (their own, or step-N counted from 1), as people and the step commands know them;
        // only the field paths index from 0.
        (DateTimeOffset At, string Id)? previous = null;
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < steps.Count; i++)
        {
            var path = ErrorList.Index("implementationPlan.steps", i);
            var step = steps[i];
            var id = step.Id ?? ImplementationPlan.DefaultId(i);
            ValidateStepId(errors, ErrorList.Member(path, "id"), id, ids);
            errors.RequireText(ErrorList.Member(path, "description"), step.Description, "What the step does");
            errors.RequireText(ErrorList.Member(path, "responsible"), step.Responsible, "Who is responsible");
            var plannedAt = ErrorList.Member(path, "plannedAt");
            if (step.PlannedAt == default)
            {
                errors.Add(plannedAt, ErrorCodes.Required, "The planned time is required.");
                continue;
            }

            if (previous is { } before && step.PlannedAt < before.At)
            {
                errors.Add(plannedAt, ErrorCodes.OutOfOrder, $"Step '{id}' is planned before step '{before.Id}', which comes before it; list steps in the order they are done.");
            }
            else if (window is not null && step.PlannedAt >= window.End)
            {
                errors.Add(plannedAt, ErrorCodes.OutOfRange, "The step is planned at or after the end of the window.");
            }
            else if (decisionPoint is { } point && step.PlannedAt >= point)
            {
                errors.Add(plannedAt, ErrorCodes.OutOfRange, "The step is planned at or after the hard rollback decision point, by which the change must be complete.");
            }

            previous = (step.PlannedAt, id);
        }
    }

    private static void ValidateStepId(ErrorList errors, string path, string id, HashSet<string> seen)
    {
        if (!errors.RequireText(path, id, "The step id"))
        {
            return;
        }

        if (id.Length > ImplementationStep.MaxIdLength || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            errors.Add(path, ErrorCodes.Invalid, $"A step id has at most {ImplementationStep.MaxIdLength} letters, digits, '-', '_' or '.'.");
        }
        else if (!seen.Add(id))
        {
            errors.Add(path, ErrorCodes.Duplicate, $"The step id '{id}' is used twice; implementers report progress by id.");
        }
    }

    private static void ValidateRollback(ErrorList errors, RollbackProcedure? procedure, bool required)
    {
        if (procedure is null)
        {
            if (required)
            {
                errors.Add("rollbackProcedure", ErrorCodes.Required, "Normal and emergency changes need a rollback procedure.");
            }

            return;
        }

        if ((procedure.TriggerConditions ?? []).Count == 0)
        {
            errors.Add("rollbackProcedure.triggerConditions", ErrorCodes.Required, "Say when the rollback is triggered.");
        }

        errors.RequireTextItems("rollbackProcedure.triggerConditions", procedure.TriggerConditions, "A trigger condition", unique: false);
        if ((procedure.Steps ?? []).Count == 0)
        {
            errors.Add("rollbackProcedure.steps", ErrorCodes.Required, "The rollback procedure needs at least one step.");
        }

        errors.RequireTextItems("rollbackProcedure.steps", procedure.Steps, "A rollback step", unique: false);
        if (procedure.EstimatedDuration <= TimeSpan.Zero)
        {
            errors.Add("rollbackProcedure.estimatedDuration", ErrorCodes.OutOfRange, "The estimated rollback duration must be positive.");
        }
    }

    private static void ValidateCommunication(ErrorList errors, IReadOnlyList<CommunicationItem>? plan)
    {
        plan ??= [];
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < plan.Count; i++)
        {
            var path = ErrorList.Index("communicationPlan", i);
            var item = plan[i];
            var id = item.Id ?? CommunicationItem.DefaultId(i);
            if (item.Id is not null && !IsWellFormedRowId(item.Id))
            {
                errors.Add(ErrorList.Member(path, "id"), ErrorCodes.Invalid, $"'{item.Id}' is not a row id: 1 to {CommunicationItem.MaxIdLength} letters, digits, '-', '_' or '.'.");
            }
            else if (!ids.Add(id))
            {
                errors.Add(ErrorList.Member(path, "id"), ErrorCodes.Duplicate, $"Another row has the id '{id}'.");
            }

            var recipients = item.Recipients ?? [];
            if (recipients.Count > CommunicationItem.MaxRecipients)
            {
                errors.Add(ErrorList.Member(path, "recipients"), ErrorCodes.OutOfRange, $"A row names at most {CommunicationItem.MaxRecipients} recipient specs; use a distribution list.");
            }

            errors.RequireTextItems(ErrorList.Member(path, "recipients"), recipients, "A recipient spec", unique: true);
            if (item.Template is { } template && !IsWellFormedTemplateName(template))
            {
                errors.Add(ErrorList.Member(path, "template"), ErrorCodes.Invalid, $"'{template}' is not a template name (lower-case letters and digits in words joined by '-', e.g. maintenance-notice).");
            }

            var attachments = item.Attachments ?? [];
            if (attachments.Count > CommunicationItem.MaxAttachments)
            {
                errors.Add(ErrorList.Member(path, "attachments"), ErrorCodes.OutOfRange, $"A row attaches at most {CommunicationItem.MaxAttachments} files.");
            }

            for (var a = 0; a < attachments.Count; a++)
            {
                if (!IsSafeFileName(attachments[a]))
                {
                    errors.Add(ErrorList.Index(ErrorList.Member(path, "attachments"), a), ErrorCodes.Invalid, $"'{attachments[a]}' is not a file name (no folders; letters, digits, spaces, '-', '_' and '.').");
                }
            }

            errors.RequireText(ErrorList.Member(path, "audience"), item.Audience, "The audience");
            errors.RequireText(ErrorList.Member(path, "message"), item.Message, "The message");
            if (item.When is null)
            {
                errors.Add(ErrorList.Member(path, "when"), ErrorCodes.Required, "When the message goes out is required.");
            }
            else
            {
                item.When.Validate(errors, ErrorList.Member(path, "when"));
            }

            var channels = item.Channels ?? [];
            for (var c = 0; c < channels.Count; c++)
            {
                errors.RequireDefined(ErrorList.Index(ErrorList.Member(path, "channels"), c), channels[c], "The channel");
            }
        }
    }

    private static bool IsWellFormedRowId(string id) =>
        id.Length is > 0 and <= CommunicationItem.MaxIdLength && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    private static bool IsWellFormedTemplateName(string name) =>
        name.Length is > 0 and <= 64 && name[0] != '-' && name[^1] != '-' && !name.Contains("--", StringComparison.Ordinal)
        && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-');

    private static bool IsSafeFileName(string? name) =>
        !string.IsNullOrWhiteSpace(name) && name.Length <= 200 && name.Trim() == name && name[0] != '.'
        && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ' ');

    private static void ValidateReview(ErrorList errors, PostImplementationReview? review, ChangeWindow? window, bool required)
    {
        if (review is null)
        {
            if (required)
            {
                errors.Add("postImplementationReview", ErrorCodes.Required, "Normal and emergency changes need a scheduled post-implementation review.");
            }

            return;
        }

        if (review.ScheduledAt == default)
        {
            errors.Add("postImplementationReview.scheduledAt", ErrorCodes.Required, "When the review is held is required.");
        }
        else if (window is not null && review.ScheduledAt < window.End)
        {
            errors.Add("postImplementationReview.scheduledAt", ErrorCodes.OutOfRange, "The review must be held after the window ends.");
        }

        if (review.Duration <= TimeSpan.Zero)
        {
            errors.Add("postImplementationReview.duration", ErrorCodes.OutOfRange, "The review's duration must be positive.");
        }

        if ((review.Attendees ?? []).Count == 0)
        {
            errors.Add("postImplementationReview.attendees", ErrorCodes.Required, "Name who attends the review.");
        }

        errors.RequireTextItems("postImplementationReview.attendees", review.Attendees, "An attendee", unique: true);
        errors.RequireTextItems("postImplementationReview.agendaItems", review.AgendaItems, "An agenda item", unique: false);
        if (review.ConfirmedOutcome is { } outcome)
        {
            errors.RequireDefined("postImplementationReview.confirmedOutcome", outcome, "The confirmed outcome");
        }
    }
}
