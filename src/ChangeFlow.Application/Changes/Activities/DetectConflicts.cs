using System.Globalization;
using System.Text.Json.Nodes;
using ChangeFlow.Domain.Scheduling;
using ChangeFlow.Engine.Descriptors;
using ChangeFlow.Engine.Execution;
using ChangeFlow.Engine.Model;

namespace ChangeFlow.Application.Changes.Activities;

/// <summary>
/// Finds what the change's window collides with: other live changes working on the same configuration items at the
/// same time, and blackout windows protecting its services. Clear or Conflicts, with the list as output.
/// </summary>
public sealed class DetectConflicts : ChangeActivity
{
    /// <summary>Nothing collides.</summary>
    public const string Clear = "Clear";

    /// <summary>Something collides.</summary>
    public const string Conflicts = "Conflicts";

    /// <summary>The conflicts found.</summary>
    public static readonly OutputDescriptor ConflictList = new("conflicts", DataType.Object, "The conflicts: kind (change or blackout), what, overlap start and end, summary.");

    /// <inheritdoc />
    public override ActivityDescriptor Descriptor { get; } = new(
        "ChangeFlow.DetectConflicts", Category, "Detect conflicts",
        "Find overlapping changes on the same configuration items and blackout windows that the change's window runs into.",
        ActivityKind.Action, [], [ConflictList], [Clear, Conflicts]);

    /// <inheritdoc />
    public override async ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        var record = await LoadChangeAsync(context);
        var found = await FindAsync(record, context.GetRequiredService<IChangeStore>(), Catalog(context), context.CancellationToken);
        var list = ToJson(found);
        context.SetOutput(ConflictList.Name, list);
        if (found.Count == 0)
        {
            AddTimeline(context, record.Number, "conflicts.clear", "No schedule conflict and no blackout.");
            context.Complete(Clear);
            return;
        }

        AddTimeline(context, record.Number, "conflicts.found", $"{found.Count} conflict(s): {string.Join("; ", found)}", new JsonObject { ["conflicts"] = list.DeepClone() });
        context.Complete(Conflicts);
    }

    /// <summary>The conflicts of <paramref name="record"/>: other changes first, then blackouts.</summary>
    public static async Task<IReadOnlyList<ScheduleConflict>> FindAsync(ChangeRecord record, IChangeStore changes, Catalog.ChangeCatalog catalog, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(changes);
        ArgumentNullException.ThrowIfNull(catalog);
        if (record.Change.Window is not { IsValid: true } window)
        {
            return [];
        }

        var others = await changes.ListOverlappingAsync(window.Start, window.End, cancellationToken);
        var blackouts = await catalog.ListBlackoutsAsync(cancellationToken);
        return ScheduleConflictDetector.FindConflicts(record.Change, others.Select(o => o.Change), blackouts);
    }

    /// <summary>The JSON shape of a conflict list, as shown to the CAB.</summary>
    public static JsonArray ToJson(IEnumerable<ScheduleConflict> conflicts) =>
        new([.. conflicts.Select(c => (JsonNode?)(c switch
        {
            ScheduleConflict.WithChange other => new JsonObject
            {
                ["kind"] = "change",
                ["change"] = other.Other.ToString(),
                ["configurationItems"] = new JsonArray([.. other.SharedConfigurationItemIds.Select(id => (JsonNode?)JsonValue.Create(id))]),
                ["start"] = other.Overlap.Start.ToString("O", CultureInfo.InvariantCulture),
                ["end"] = other.Overlap.End.ToString("O", CultureInfo.InvariantCulture),
                ["summary"] = other.ToString(),
            },
            ScheduleConflict.WithBlackout blackout => new JsonObject
            {
                ["kind"] = "blackout",
                ["blackout"] = blackout.Blackout.Name,
                ["start"] = blackout.Overlap.Start.ToString("O", CultureInfo.InvariantCulture),
                ["end"] = blackout.Overlap.End.ToString("O", CultureInfo.InvariantCulture),
                ["summary"] = blackout.ToString(),
            },
            _ => new JsonObject { ["summary"] = c.ToString() },
        }))]);
}
