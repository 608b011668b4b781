using System.Globalization;
using ChangeFlow.Application.Common;

namespace ChangeFlow.Application.Improvement;

/// <summary>The numbers of the Continual Improvement Register, <c>CIR-YYYY-NNN</c>, allocated per year like change numbers.</summary>
public static class ImprovementNumbers
{
    /// <summary>The prefix of every number, and the name of its sequence.</summary>
    public const string Prefix = "CIR";

    /// <summary>Renders <c>CIR-YYYY-NNN</c>.</summary>
    public static string Format(int year, int sequence) =>
        string.Create(CultureInfo.InvariantCulture, $"{Prefix}-{year:D4}-{sequence:D3}");

    /// <summary>Reads the year and sequence of a canonical number.</summary>
    public static bool TryParse(string? number, out int year, out int sequence)
    {
        year = 0;
        sequence = 0;
        var parts = number?.Split('-');
        return parts is [Prefix, { Length: 4 } y, { Length: >= 3 and <= 5 } s]
            && int.TryParse(y, NumberStyles.None, CultureInfo.InvariantCulture, out year)
            && int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out sequence)
            && sequence > 0
            && Format(year, sequence) == number;
    }

    /// <summary>Allocates the next number of <paramref name="year"/>; a number is never handed out twice.</summary>
    public static async Task<string> AllocateAsync(ISequenceStore sequences, int year, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        return Format(year, await sequences.NextAsync(Prefix, year, cancellationToken));
    }
}
