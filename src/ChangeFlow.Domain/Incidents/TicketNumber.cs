using System.Globalization;
using ChangeFlow.Domain.Common;

namespace ChangeFlow.Domain.Incidents;

/// <summary>
/// The number people quote for an incident or a problem: <c>INC-YYYY-NNNN</c> / <c>PRB-YYYY-NNNN</c>, the year it
/// was logged and its sequence within that year, at least four digits. Never reused.
/// </summary>
public readonly record struct TicketNumber
{
    /// <summary>The prefix of incident numbers.</summary>
    public const string IncidentPrefix = "INC";

    /// <summary>The prefix of problem numbers.</summary>
    public const string ProblemPrefix = "PRB";

    /// <summary>The highest sequence in a year.</summary>
    public const int MaxSequence = 999_999;

    private TicketNumber(string prefix, int year, int sequence)
    {
        Prefix = prefix;
        Year = year;
        Sequence = sequence;
    }

    /// <summary><see cref="IncidentPrefix"/> or <see cref="ProblemPrefix"/>.</summary>
    public string Prefix { get; }

    /// <summary>The four-digit year.</summary>
    public int Year { get; }

    /// <summary>The 1-based sequence within the year.</summary>
    public int Sequence { get; }

    /// <summary>Creates a number from its parts.</summary>
    public static Result<TicketNumber> Create(string prefix, int year, int sequence)
    {
        var errors = new ErrorList();
        if (prefix is not (IncidentPrefix or ProblemPrefix))
        {
            errors.Add("prefix", ErrorCodes.Invalid, $"'{prefix}' is not a ticket prefix ({IncidentPrefix}, {ProblemPrefix}).");
        }

        if (year is < 1000 or > 9999)
        {
            errors.Add("year", ErrorCodes.OutOfRange, $"The year must have four digits; got {year}.");
        }

        if (sequence is < 1 or > MaxSequence)
        {
            errors.Add("sequence", ErrorCodes.Exhausted, $"The sequence must be between 1 and {MaxSequence}; got {sequence}.");
        }

        return errors.Count == 0 ? Result.Success(new TicketNumber(prefix, year, sequence)) : Result.Failure<TicketNumber>(errors.ToList());
    }

    /// <summary>
    /// Reads <c>PREFIX-YYYY-NNNN</c> in its canonical spelling only (so one ticket has one spelling), with the
    /// prefix <paramref name="prefix"/>.
    /// </summary>
    public static Result<TicketNumber> Parse(string prefix, string? text)
    {
        var parts = text?.Split('-');
        if (parts is not [var p, var y, var s] || p != prefix || y.Length != 4 || s.Length is < 4 or > 6 || !y.All(char.IsAsciiDigit) || !s.All(char.IsAsciiDigit))
        {
            return Result.Failure<TicketNumber>(string.Empty, ErrorCodes.Invalid, $"'{text}' is not a number of the form {prefix}-YYYY-NNNN.");
        }

        var created = Create(prefix, int.Parse(y, CultureInfo.InvariantCulture), int.Parse(s, CultureInfo.InvariantCulture));
        return created.IsSuccess && created.Value.ToString() == text
            ? created
            : Result.Failure<TicketNumber>(string.Empty, ErrorCodes.Invalid, $"'{text}' is not a canonical {prefix} number.");
    }

    /// <summary>Renders <c>INC-2026-0001</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Prefix}-{Year:D4}-{Sequence:D4}");
}
