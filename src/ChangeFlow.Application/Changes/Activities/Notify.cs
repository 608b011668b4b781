using System.Globalization;
using System.Text.Json.Nodes;
using ChangeFlow.Application.Notifications;
using ChangeFlow.Engine.Activities;
using ChangeFlow.Engine.Descriptors;
using ChangeFlow.Engine.Execution;
using ChangeFlow.Engine.Expressions;
using ChangeFlow.Engine.Model;

namespace ChangeFlow.Application.Changes.Activities;

/// <summary>
/// Sends a notice about the change from a template to an audience (people, roles, lists, a service's users), now or
/// at a time relative to the window, optionally with a calendar invite; the messages are queued in the outbox in the
/// run's own transaction, one per recipient in their own zone and culture.
/// </summary>
public sealed class Notify : ChangeActivity
{
    /// <summary>The template.</summary>
    public static readonly InputDescriptor Template = Inputs.String(
        "template", "Template", "The notice template, e.g. rollback-notice, pir-invitation, maintenance-notice.", required: true);

    /// <summary>Who gets it.</summary>
    public static readonly InputDescriptor Audience = Inputs.Of(
        DataType.StringList,
        "audience",
        "Audience",
        "Audience specs: " + AudienceSpec.Syntax + ".",
        required: true);

    /// <summary>When it goes out.</summary>
    public static readonly InputDescriptor When = Inputs.String(
        "when",
        "When",
        "Now when empty; else an instant (ISO 8601), a duration from now (PT2H), or an anchor with an optional offset: windowStart-PT32H, windowEnd, cabMeeting-P1D, pir-PT1H.");

    /// <summary>Which calendar entry to attach.</summary>
    public static readonly InputDescriptor Invite = new(
        "invite",
        "Calendar invite",
        DataType.Enum,
        "Attach the change window's entry (Window), the review's (Pir), or none.",
        DefaultValue: JsonValue.Create("None"),
        Options: Enum.GetNames<NoticeInvite>());

    /// <summary>What the notice says beyond the template.</summary>
    public static readonly InputDescriptor Message = Inputs.String("message", "Message", "Text the template shows as notice.message, e.g. why the change is rolled back.");

    /// <summary>How many messages were queued.</summary>
    public static readonly OutputDescriptor Queued = new("queued", DataType.Int32, "How many messages were queued (one per recipient).");

    /// <inheritdoc />
    public override ActivityDescriptor Descriptor { get; } = new(
        "ChangeFlow.Notify",
        Category,
        "Notify",
        "Send a notice about the change from a template to an audience, now or at a time relative to the window, with an optional calendar invite.",
        ActivityKind.Action,
        [Template, Audience, When, Invite, Message],
        [Queued],
        ActivityDescriptor.Done);

    /// <inheritdoc />
    public override async ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        var record = await LoadChangeAsync(context);
        var template = context.GetString(Template)?.Trim();
        var audience = context.GetStringList(Audience);
        if (string.IsNullOrEmpty(template))
        {
            throw new WorkflowFaultException("InvalidTemplate", "The notify activity needs a template.");
        }

        if (audience.Count == 0)
        {
            throw new WorkflowFaultException("InvalidAudience", "The notify activity needs an audience.");
        }

        foreach (var spec in audience)
        {
            if (AudienceSpec.Parse(spec, "audience") is { IsSuccess: false } bad)
            {
                throw new WorkflowFaultException("InvalidAudience", bad.Errors[0].Message);
            }
        }

        var invite = Enum.TryParse<NoticeInvite>(context.GetString(Invite) ?? nameof(NoticeInvite.None), ignoreCase: true, out var parsed)
            ? parsed
            : throw new WorkflowFaultException("InvalidInvite", $"'{context.GetString(Invite)}' is not an invite: {string.Join(", ", Enum.GetNames<NoticeInvite>())}.");
        var notBefore = ParseWhen(context, record);
        var notices = Notices(context);
        if (notices is null)
        {
            AddTimeline(context, record.Number, "notices.off", $"No {template} notice: this host sends no notices.");
            context.SetOutput(Queued.Name, 0);
            context.Complete();
            return;
        }

        if (!notices.Templates.Names.Contains(template))
        {
            throw new WorkflowFaultException("InvalidTemplate", $"No template '{template}'; known: {string.Join(", ", notices.Templates.Names)}.");
        }

        // Each execution of this node sends once: a loop that comes back here sends again, a retried run does not.
        var executions = (context.State["executions"]?.GetValue<int>() ?? 0) + 1;
        context.State["executions"] = executions;
        var request = new NotifyRequest
        {
            Template = template,
            Audience = audience,
            NotBefore = notBefore,
            Invite = invite,
            Message = context.GetString(Message),
            Key = $"{context.Instance.Id}:{context.Node.Id}:{executions.ToString(CultureInfo.InvariantCulture)}",
            InstanceId = context.Instance.Id,
            ActivityId = context.Node.Id,
        };
        var queued = 0;
        await StageNoticesAsync(context, record, async n =>
        {
            var batch = await n.NotifyAsync(record, request, context.Now, context.CancellationToken);
            queued = batch.Messages.Count();
            return batch;
        });
        context.SetOutput(Queued.Name, queued);
        context.Complete();
    }

    private static DateTimeOffset? ParseWhen(ActivityExecutionContext context, ChangeRecord record)
    {
        var value = context.Evaluate(When);
        var text = value is null ? null : ValueConverter.AsText(value)?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        var sign = text.IndexOfAny(['+', '-']);
        var anchorText = char.IsLetter(text[0]) ? (sign > 0 ? text[..sign] : text) : null;
        if (anchorText is not null && !anchorText.StartsWith('P'))
        {
            DateTimeOffset? anchor = anchorText.ToUpperInvariant() switch
            {
                "WINDOWSTART" => record.Change.Window?.Start,
                "WINDOWEND" => record.Change.Window?.End,
                "CABMEETING" => record.CabMeetingAt,
                "PIR" => record.Change.PostImplementationReview?.ScheduledAt is { } pir && pir != default ? pir : null,
                _ => throw new WorkflowFaultException("InvalidWhen", $"'{anchorText}' is not an anchor (windowStart, windowEnd, cabMeeting, pir)."),
            };
            if (anchor is null)
            {
                throw new WorkflowFaultException("InvalidWhen", $"{record.Number} has no {anchorText} to count from.");
            }

            if (sign < 0)
            {
                return anchor.Value.ToUniversalTime();
            }

            if (!ValueConverter.TryParseTimeSpan(JsonValue.Create(text[(sign + 1)..]), out var offset))
            {
                throw new WorkflowFaultException("InvalidWhen", $"'{text[(sign + 1)..]}' is not a duration.");
            }

            return (text[sign] == '+' ? anchor.Value + offset : anchor.Value - offset).ToUniversalTime();
        }

        if (ValueConverter.TryParseTimeSpan(value, out var span))
        {
            return context.Now + span;
        }

        return ValueConverter.TryParseInstant(value, out var instant)
            ? instant.ToUniversalTime()
            : throw new WorkflowFaultException("InvalidWhen", $"'{text}' is neither an instant, a duration nor an anchor.");
    }
}
