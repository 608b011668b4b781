using System.Globalization;
using System.Text.RegularExpressions;

namespace ChangeFlow.Application.Notifications;

/// <summary>
/// The cultures notices are written for: day and month names, and which language variant of a template to prefer.
/// </summary>
/// <remarks>
/// ChangeFlow runs with invariant globalization (no ICU data in the image), so <see cref="CultureInfo"/> cannot give
/// French or Portuguese names. The few languages people of the seed's institutes read (English, French, Portuguese,
/// Spanish, German) carry their own names here; a culture tag names one of them, with or without a region
/// (<c>fr</c>, <c>fr-SN</c>, <c>en-GB</c>).
/// </remarks>
public static partial class NoticeCultures
{
    /// <summary>The culture used when a recipient has none.</summary>
    public const string Default = "en-GB";

    private static readonly Dictionary<string, DateTimeFormatInfo> Formats = new(StringComparer.Ordinal)
    {
        ["en"] = Build(
            ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"],
            ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]),
        ["fr"] = Build(
            ["dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"],
            ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"]),
        ["pt"] = Build(
            ["domingo", "segunda-feira", "terça-feira", "quarta-feira", "quinta-feira", "sexta-feira", "sábado"],
            ["janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto", "setembro", "outubro", "novembro", "dezembro"]),
        ["es"] = Build(
            ["domingo", "lunes", "martes", "miércoles", "jueves", "viernes", "sábado"],
            ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"]),
        ["de"] = Build(
            ["Sonntag", "Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag"],
            ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"]),
    };

    // Singular and plural of day, hour, minute per language, for durations ("8 hours", "45 minutes").
    private static readonly Dictionary<string, string[]> Units = new(StringComparer.Ordinal)
    {
        ["en"] = ["day", "days", "hour", "hours", "minute", "minutes"],
        ["fr"] = ["jour", "jours", "heure", "heures", "minute", "minutes"],
        ["pt"] = ["dia", "dias", "hora", "horas", "minuto", "minutos"],
        ["es"] = ["día", "días", "hora", "horas", "minuto", "minutos"],
        ["de"] = ["Tag", "Tage", "Stunde", "Stunden", "Minute", "Minuten"],
    };

    /// <summary>The languages supported, e.g. <c>en</c>, <c>fr</c>.</summary>
    public static IReadOnlyCollection<string> Languages => Formats.Keys;

    /// <summary>Whether <paramref name="tag"/> is a culture tag of a supported language (<c>fr</c>, <c>fr-SN</c>).</summary>
    public static bool IsSupported(string? tag) => LanguageOf(tag) is not null;

    /// <summary>The language of a supported culture tag (<c>fr-SN</c> → <c>fr</c>), or null.</summary>
    public static string? LanguageOf(string? tag)
    {
        if (string.IsNullOrWhiteSpace(tag) || !TagPattern().IsMatch(tag))
        {
            return null;
        }

        var language = tag[..2].ToLowerInvariant();
        return Formats.ContainsKey(language) ? language : null;
    }

    /// <summary>Day and month names of <paramref name="tag"/>'s language (English when it is not supported).</summary>
    public static DateTimeFormatInfo FormatFor(string? tag) => Formats[LanguageOf(tag) ?? "en"];

    /// <summary>
    /// A duration in words of <paramref name="tag"/>'s language, to the minute: <c>8 hours</c>, <c>1 hour 30 minutes</c>,
    /// <c>2 days 3 hours</c>; seconds are dropped, anything under a minute is <c>0 minutes</c>.
    /// </summary>
    public static string FormatDuration(TimeSpan duration, string? tag)
    {
        var units = Units[LanguageOf(tag) ?? "en"];
        var negative = duration < TimeSpan.Zero;
        var total = (long)Math.Floor(duration.Duration().TotalMinutes);
        var (days, hours, minutes) = (total / 1440, total / 60 % 24, total % 60);
        var parts = new List<string>(3);
        if (days > 0)
        {
            parts.Add(Count(days, units[0], units[1]));
        }

        if (hours > 0)
        {
            parts.Add(Count(hours, units[2], units[3]));
        }

        if (minutes > 0 || parts.Count == 0)
        {
            parts.Add(Count(minutes, units[4], units[5]));
        }

        return (negative ? "-" : string.Empty) + string.Join(' ', parts);

        static string Count(long n, string one, string many) => $"{n.ToString(CultureInfo.InvariantCulture)} {(n == 1 ? one : many)}";
    }

    /// <summary>What a problem with a culture tag says.</summary>
    public static string Describe(string? tag) =>
        $"'{tag}' is not a supported culture; use a language tag such as en-GB, fr-FR, fr-SN, pt-PT, es-ES or de-DE (languages: {string.Join(", ", Formats.Keys)}).";

    private static DateTimeFormatInfo Build(string[] days, string[] months)
    {
        var format = (DateTimeFormatInfo)CultureInfo.InvariantCulture.DateTimeFormat.Clone();
        format.DayNames = days;
        format.AbbreviatedDayNames = [.. days.Select(d => d[..3])];
        format.ShortestDayNames = [.. days.Select(d => d[..2])];
        string[] thirteen = [.. months, string.Empty];
        format.MonthNames = thirteen;
        format.MonthGenitiveNames = thirteen;
        string[] abbreviated = [.. months.Select(m => m.Length <= 4 ? m : m[..3]), string.Empty];
        format.AbbreviatedMonthNames = abbreviated;
        format.AbbreviatedMonthGenitiveNames = abbreviated;
        return DateTimeFormatInfo.ReadOnly(format);
    }

    [GeneratedRegex("^[A-Za-z]{2}(-[A-Za-z]{2})?$", RegexOptions.CultureInvariant)]
    private static partial Regex TagPattern();
}
