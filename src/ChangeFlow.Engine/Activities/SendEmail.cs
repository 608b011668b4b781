using ChangeFlow.Engine.Descriptors;
using ChangeFlow.Engine.Execution;
using ChangeFlow.Engine.Model;
using ChangeFlow.Engine.Ports;

namespace ChangeFlow.Engine.Activities;

/// <summary>Sends an e-mail through the mail port (an outbox in the service).</summary>
public sealed class SendEmail : Activity
{
    /// <summary>Sender.</summary>
    public static readonly InputDescriptor From = Inputs.String("from", "From", "The sender address; the service default when empty.");

    /// <summary>Recipients.</summary>
    public static readonly InputDescriptor To = Inputs.Of(DataType.StringList, "to", "To", "The recipient addresses.", required: true);

    /// <summary>Copy recipients.</summary>
    public static readonly InputDescriptor Cc = Inputs.Of(DataType.StringList, "cc", "Cc", "Addresses that receive a copy.");

    /// <summary>Blind copy recipients.</summary>
    public static readonly InputDescriptor Bcc = Inputs.Of(DataType.StringList, "bcc", "Bcc", "Addresses that receive a blind copy.");

    /// <summary>Subject.</summary>
    public static readonly InputDescriptor Subject = Inputs.String("subject", "Subject", "The subject line.", required: true);

    /// <summary>Body.</summary>
    public static readonly InputDescriptor Body = Inputs.String("body", "Body", "The message body (HTML or text).");

    /// <inheritdoc />
    public override ActivityDescriptor Descriptor { get; } = new(
        "Elsa.SendEmail", "Email", "Send Email", "Send an e-mail message.", ActivityKind.Action, [From, To, Cc, Bcc, Subject, Body], [], ["Done", "Error"]);

    /// <inheritdoc />
    public override async ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        var message = new EmailMessage(
            context.GetString(From),
            context.GetStringList(To),
            context.GetStringList(Cc),
            context.GetStringList(Bcc),
            context.GetString(Subject) ?? "",
            context.GetString(Body) ?? "",
            context.Instance.Id,
            context.Node.Id);
        if (message.To.Count == 0)
        {
            throw new WorkflowFaultException("NoRecipients", "The e-mail has no recipient.");
        }

        try
        {
            await context.Services.Email.SendAsync(message, context.CancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException && context.Node.Outbound.Any(c => string.Equals(c.SourcePort, "Error", StringComparison.OrdinalIgnoreCase)))
        {
            // A definition that wires the Error port handles the failure itself; otherwise the exception becomes an incident.
            // Ports match case-insensitively, as the loader and the runner match them, so an "error" connection counts too.
            context.SetOutput("error", System.Text.Json.Nodes.JsonValue.Create(ex.Message));
            context.Complete("Error");
            return;
        }

        context.Complete();
    }
}
