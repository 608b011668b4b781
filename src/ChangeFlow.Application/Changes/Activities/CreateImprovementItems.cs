using System.Text.Json.Nodes;
using ChangeFlow.Application.Common;
using ChangeFlow.Application.Improvement;
using ChangeFlow.Application.Workflows;
using ChangeFlow.Domain.Improvement;
using ChangeFlow.Engine.Activities;
using ChangeFlow.Engine.Descriptors;
using ChangeFlow.Engine.Execution;
using ChangeFlow.Engine.Expressions;
using ChangeFlow.Engine.Model;

namespace ChangeFlow.Application.Changes.Activities;

/// <summary>
/// Turns the review's findings into Continual Improvement Register items (numbered <c>CIR-YYYY-NNN</c>) linked to
/// the change, and records the findings and confirmed outcome in the dossier's review.
/// </summary>
public sealed class CreateImprovementItems : ChangeActivity
{
    /// <summary>The sequence name of register numbers.</summary>
    public const string SequenceName = "CIR";

    /// <summary>The findings.</summary>
    public static readonly InputDescriptor Findings = Inputs.Of(
        DataType.Object,
        "findings",
        "Findings",
        "The findings: a list of texts or of {title, description, priority}, or an object with such a 'findings' list (e.g. a PIR task's data).");

    /// <summary>The default priority.</summary>
    public static readonly InputDescriptor Priority = new("priority", "Priority", DataType.Enum, "The priority of findings that do not say.", DefaultValue: JsonValue.Create("Medium"), Options: Enum.GetNames<ImprovementPriority>());

    /// <summary>The register numbers created.</summary>
    public static readonly OutputDescriptor Items = new("items", DataType.Object, "The numbers of the items created.");

    /// <inheritdoc />
    public override ActivityDescriptor Descriptor { get; } = new(
        "ChangeFlow.CreateImprovementItems", Category, "Create improvement items",
        "Log the post-implementation review's findings as Continual Improvement Register items linked to the change.",
        ActivityKind.Action, [Findings, Priority], [Items], ActivityDescriptor.Done);

    /// <inheritdoc />
    public override async ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        var record = await LoadChangeAsync(context);
        var fallback = Enum.Parse<ImprovementPriority>(context.GetString(Priority) ?? nameof(ImprovementPriority.Medium), ignoreCase: true);
        var findings = Read(context.Evaluate(Findings), fallback);
        var sequences = context.GetRequiredService<ISequenceStore>();
        var session = context.GetRequiredService<RunSession>();
        var numbers = new JsonArray();
        var year = context.Now.UtcDateTime.Year;
        foreach (var (title, description, priority) in findings)
        {
            var item = ImprovementItem.FromReviewFinding(record.Change.Number, title, description, priority);
            var errors = item.Validate();
            if (errors.Count > 0)
            {
                throw new WorkflowFaultException("InvalidFinding", $"The finding '{title}' is not a valid improvement item: {string.Join("; ", errors)}");
            }

            var sequence = await sequences.NextAsync(SequenceName, year, context.CancellationToken);
            var number = $"{SequenceName}-{year:D4}-{sequence:D3}";
            session.Add(new ImprovementWrite(new ImprovementRecord(number, item, null, Actor(context), context.Now, context.Now, 1)));
            numbers.Add(number);
        }

        var review = record.Change.PostImplementationReview ?? new Domain.Changes.PostImplementationReview();
        SaveChange(context, record with
        {
            Change = record.Change with
            {
                PostImplementationReview = review with { Findings = [.. review.Findings, .. findings.Select(f => f.Title)], ConfirmedOutcome = record.Change.Outcome },
            },
        });
        context.SetOutput(Items.Name, numbers);
        AddTimeline(context, record.Number, "improvement.created", findings.Count == 0
            ? "The review found nothing to improve."
            : $"{findings.Count} improvement item(s): {string.Join(", ", numbers.Select(n => n!.GetValue<string>()))}.", new JsonObject { ["items"] = numbers.DeepClone() });
        context.Complete();
    }

    private static List<(string Title, string Description, ImprovementPriority Priority)> Read(JsonNode? value, ImprovementPriority fallback)
    {
        var list = new List<(string, string, ImprovementPriority)>();
        if (value is JsonObject obj && obj["findings"] is { } inner)
        {
            value = inner;
        }

        IEnumerable<JsonNode?> items = value switch
        {
            JsonArray array => array,
            JsonValue text when ValueConverter.AsText(text) is { Length: > 0 } t => t.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(line => (JsonNode?)JsonValue.Create(line)),
            _ => [],
        };
        foreach (var item in items)
        {
            switch (item)
            {
                case JsonObject finding:
                    var title = ValueConverter.AsText(finding["title"]);
                    var description = finding["description"] is { } d ? ValueConverter.AsText(d) : title;
                    var priority = finding["priority"] is { } p && Enum.TryParse<ImprovementPriority>(ValueConverter.AsText(p), true, out var parsed) && Enum.IsDefined(parsed) ? parsed : fallback;
                    list.Add((title, description, priority));
                    break;
                case JsonValue text when ValueConverter.AsText(text) is { Length: > 0 } t:
                    list.Add((t.Length > 120 ? t[..117] + "..." : t, t, fallback));
                    break;
            }
        }

        return list;
    }
}
