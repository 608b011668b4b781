using System.Globalization;
using ChangeFlow.Domain.Common;

namespace ChangeFlow.Domain.Changes;

/// <summary>
/// The identifier people quote for a change, <c>RFC-YYYY-NNN</c> (e.g. <c>RFC-2026-014</c>): the year the RFC was
/// raised and its sequence within that year, at least three digits. Numbers are never reused, even for rejected or
/// canceled changes, because audit trails, tickets and e-mails refer to them.
/// </summary>
/// <remarks>
/// Allocation is a persistence concern (a unique index plus "last sequence of the year" read in the same
/// transaction); this type only computes the candidate with <see cref="Next"/>. Ordering is by year, then sequence.
/// <c>default(ChangeNumber)</c> is not a valid number (<see cref="IsDefault"/>); validators report it as missing.
/// </remarks>
public readonly record struct ChangeNumber : IComparable<ChangeNumber>
{
    /// <summary>The prefix every number starts with.</summary>
    public const string Prefix = "RFC";

    /// <summary>The highest sequence in a year. Four digits keep the format readable and leave 10× headroom over the seed's pace.</summary>
    public const int MaxSequence = 9999;

    private ChangeNumber(int year, int sequence)
    {
        Year = year;
        Sequence = sequence;
    }

    /// <summary>The four-digit year the RFC was raised.</summary>
    public int Year { get; }

    /// <summary>The 1-based sequence within <see cref="Year"/>.</summary>
    public int Sequence { get; }

    /// <summary>Whether this is <c>default(ChangeNumber)</c>, i.e. no number.</summary>
    public bool IsDefault => Year == 0;

    /// <summary>Creates a number from its parts.</summary>
    public static Result<ChangeNumber> Create(int year, int sequence)
    {
        var errors = new ErrorList();
        if (year is < 1000 or > 9999)
        {
            errors.Add("year", ErrorCodes.OutOfRange, $"The year must have four digits; got {year}.");
        }

        if (sequence is < 1 or > MaxSequence)
        {
            errors.Add("sequence", ErrorCodes.OutOfRange, $"The sequence must be between 1 and {MaxSequence}; got {sequence}.");
        }

        return errors.Count == 0 ? Result.Success(new ChangeNumber(year, sequence)) : Result.Failure<ChangeNumber>(errors.ToList());
    }

    /// <summary>
    /// The number that follows <paramref name="lastSequenceOfYear"/> in <paramref name="year"/>; pass 0 when the year
    /// has no change yet. Pure: the caller reads the last sequence and stores the result under a unique constraint.
    /// </summary>
    public static Result<ChangeNumber> Next(int year, int lastSequenceOfYear)
    {
        if (lastSequenceOfYear < 0)
        {
            return Result.Failure<ChangeNumber>("lastSequenceOfYear", ErrorCodes.OutOfRange, "The last sequence cannot be negative.");
        }

        if (lastSequenceOfYear >= MaxSequence)
        {
            return Result.Failure<ChangeNumber>("lastSequenceOfYear", ErrorCodes.Exhausted, $"All {MaxSequence} change numbers of {year} are used.");
        }

        return Create(year, lastSequenceOfYear + 1);
    }

    /// <summary>
    /// Reads <c>RFC-YYYY-NNN</c>. Only the canonical spelling is accepted (upper-case prefix, three or more digits
    /// without extra leading zeros) so that parsing and <see cref="ToString"/> round-trip and one change has one spelling.
    /// </summary>
    public static Result<ChangeNumber> Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Result.Failure<ChangeNumber>(string.Empty, ErrorCodes.Required, "A change number (RFC-YYYY-NNN) is required.");
        }

        var parts = text.Split('-');
        if (parts.Length != 3
            || parts[0] != Prefix
            || parts[1].Length != 4
            || parts[2].Length < 3
            || !parts[1].All(char.IsAsciiDigit)
            || !parts[2].All(char.IsAsciiDigit))
        {
            return Result.Failure<ChangeNumber>(string.Empty, ErrorCodes.Invalid, $"'{text}' is not a change number of the form RFC-YYYY-NNN.");
        }

        var year = int.Parse(parts[1], CultureInfo.InvariantCulture);
        var sequence = parts[2].Length > 5 ? int.MaxValue : int.Parse(parts[2], CultureInfo.InvariantCulture);
        var created = Create(year, sequence);
        if (!created.IsSuccess)
        {
            return Result.Failure<ChangeNumber>(string.Empty, ErrorCodes.Invalid, $"'{text}': {created.Errors[0].Message}");
        }

        return created.Value.ToString() == text
            ? created
            : Result.Failure<ChangeNumber>(string.Empty, ErrorCodes.Invalid, $"'{text}' is not canonical; write {created.Value}.");
    }

    /// <summary>Reads <c>RFC-YYYY-NNN</c> without reporting why it failed.</summary>
    public static bool TryParse(string? text, out ChangeNumber number)
    {
        var parsed = Parse(text);
        number = parsed.IsSuccess ? parsed.Value : default;
        return parsed.IsSuccess;
    }

    /// <inheritdoc />
    public int CompareTo(ChangeNumber other)
    {
        var byYear = Year.CompareTo(other.Year);
        return byYear != 0 ? byYear : Sequence.CompareTo(other.Sequence);
    }

    /// <summary>Renders <c>RFC-YYYY-NNN</c>; the default value renders as an empty string.</summary>
    public override string ToString() =>
        IsDefault ? string.Empty : string.Create(CultureInfo.InvariantCulture, $"{Prefix}-{Year:D4}-{Sequence:D3}");

    /// <summary>Whether <paramref name="left"/> comes before <paramref name="right"/>.</summary>
    public static bool operator <(ChangeNumber left, ChangeNumber right) => left.CompareTo(right) < 0;

    /// <summary>Whether <paramref name="left"/> comes after <paramref name="right"/>.</summary>
    public static bool operator >(ChangeNumber left, ChangeNumber right) => left.CompareTo(right) > 0;

    /// <summary>Whether <paramref name="left"/> does not come after <paramref name="right"/>.</summary>
    public static bool operator <=(ChangeNumber left, ChangeNumber right) => left.CompareTo(right) <= 0;

    /// <summary>Whether <paramref name="left"/> does not come before <paramref name="right"/>.</summary>
    public static bool operator >=(ChangeNumber left, ChangeNumber right) => left.CompareTo(right) >= 0;
}
