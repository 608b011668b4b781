using ChangeFlow.Domain.Common;

namespace ChangeFlow.Domain.Incidents;

/// <summary>
/// Impact × urgency → priority: a complete table of the 12 combinations. The seed's table is <see cref="Default"/>;
/// an organisation may store its own (it is configuration, not code), but every cell must be filled.
/// </summary>
public sealed class PriorityMatrix
{
    private readonly Dictionary<(Impact, Urgency), Priority> _cells;

    private PriorityMatrix(Dictionary<(Impact, Urgency), Priority> cells) => _cells = cells;

    /// <summary>
    /// The seed's matrix:
    /// <code>
    ///                 High  Medium  Low   (urgency)
    /// High impact      P1     P2    P3
    /// Medium impact    P2     P3    P3
    /// Low impact       P3     P3    P4
    /// Trivial impact   P4     P4    P4
    /// </code>
    /// </summary>
    public static PriorityMatrix Default { get; } = Create(new Dictionary<(Impact, Urgency), Priority>
    {
        [(Impact.High, Urgency.High)] = Priority.P1,
        [(Impact.High, Urgency.Medium)] = Priority.P2,
        [(Impact.High, Urgency.Low)] = Priority.P3,
        [(Impact.Medium, Urgency.High)] = Priority.P2,
        [(Impact.Medium, Urgency.Medium)] = Priority.P3,
        [(Impact.Medium, Urgency.Low)] = Priority.P3,
        [(Impact.Low, Urgency.High)] = Priority.P3,
        [(Impact.Low, Urgency.Medium)] = Priority.P3,
        [(Impact.Low, Urgency.Low)] = Priority.P4,
        [(Impact.Trivial, Urgency.High)] = Priority.P4,
        [(Impact.Trivial, Urgency.Medium)] = Priority.P4,
        [(Impact.Trivial, Urgency.Low)] = Priority.P4,
    }).Value;

    /// <summary>Every combination with its priority, impact by impact.</summary>
    public IEnumerable<(Impact Impact, Urgency Urgency, Priority Priority)> Cells =>
        from impact in Enum.GetValues<Impact>()
        from urgency in Enum.GetValues<Urgency>()
        select (impact, urgency, _cells[(impact, urgency)]);

    /// <summary>
    /// Checks that every one of the 12 cells is given with a defined priority; errors are at <c>rows.High.Low</c>
    /// (impact, then urgency), the shape the stored document has.
    /// </summary>
    public static Result<PriorityMatrix> Create(IReadOnlyDictionary<(Impact Impact, Urgency Urgency), Priority> cells)
    {
        ArgumentNullException.ThrowIfNull(cells);
        var errors = new ErrorList();
        var copy = new Dictionary<(Impact, Urgency), Priority>();
        foreach (var impact in Enum.GetValues<Impact>())
        {
            foreach (var urgency in Enum.GetValues<Urgency>())
            {
                var path = PathOf(impact, urgency);
                if (!cells.TryGetValue((impact, urgency), out var priority))
                {
                    errors.Add(path, ErrorCodes.Required, $"The priority of {impact} impact and {urgency} urgency is required.");
                }
                else if (errors.RequireDefined(path, priority, "The priority"))
                {
                    copy[(impact, urgency)] = priority;
                }
            }
        }

        foreach (var (impact, urgency) in cells.Keys)
        {
            if (!Enum.IsDefined(impact) || !Enum.IsDefined(urgency))
            {
                errors.Add("rows", ErrorCodes.Invalid, $"({impact}, {urgency}) is not a cell of the matrix.");
            }
        }

        return errors.Count > 0 ? Result.Failure<PriorityMatrix>(errors.ToList()) : Result.Success(new PriorityMatrix(copy));
    }

    /// <summary>The document path of a cell, e.g. <c>rows.High.Low</c>.</summary>
    public static string PathOf(Impact impact, Urgency urgency) => $"rows.{impact}.{urgency}";

    /// <summary>The priority of an incident with this impact and urgency.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An undefined impact or urgency: a bug, since input is parsed first.</exception>
    public Priority PriorityOf(Impact impact, Urgency urgency) =>
        _cells.TryGetValue((impact, urgency), out var priority)
            ? priority
            : throw new ArgumentOutOfRangeException(nameof(impact), $"({impact}, {urgency}) is not a cell of the matrix.");
}
