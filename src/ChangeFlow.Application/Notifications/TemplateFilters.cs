using System.Globalization;
using System.Xml;
using ChangeFlow.Domain.Time;
using Fluid;
using Fluid.Values;

namespace ChangeFlow.Application.Notifications;

/// <summary>
/// The filters notice templates get on top of Liquid's own, all reading instants in a named zone and a culture so a
/// recipient reads the window in their own time:
/// <list type="bullet">
/// <item><c>{{ change.window.start | local }}</c> → <c>Saturday 23 May 2026 22:00</c> in the recipient's zone and
/// culture; <c>local: "HH:mm"</c> takes a .NET date format, <c>zone: "Europe/Paris"</c> and <c>culture: "fr-FR"</c>
/// override the recipient's.</item>
/// <item><c>{{ change.window.start | zone_label }}</c> → <c>Africa/Lagos, UTC+01:00</c> (the offset at that instant).</item>
/// <item><c>{{ change.window | window }}</c> → <c>Saturday 23 May 2026 22:00 → Sunday 24 May 2026 06:00
/// (Africa/Lagos, UTC+01:00)</c>; also takes <c>zone:</c> and <c>culture:</c>.</item>
/// <item><c>{{ change.impact.duration | duration }}</c> → <c>8 hours</c>; durations are ISO 8601 (<c>PT8H</c>) or minutes.</item>
/// </list>
/// A missing value renders empty, as Liquid does; an unknown zone or culture is a render error naming it.
/// </summary>
public static class TemplateFilters
{
    /// <summary>The ambient value holding the recipient's IANA zone id.</summary>
    public const string ZoneKey = "changeflow.zone";

    /// <summary>The ambient value holding the recipient's culture tag.</summary>
    public const string CultureKey = "changeflow.culture";

    /// <summary>The format of <c>local</c> when none is given.</summary>
    public const string DefaultFormat = "dddd d MMMM yyyy HH:mm";

    /// <summary>Adds the filters to <paramref name="options"/>.</summary>
    public static TemplateOptionsBuilder Register(TemplateOptionsBuilder options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.AddFilter("local", Local);
        options.AddFilter("zone_label", ZoneLabel);
        options.AddFilter("window", Window);
        options.AddFilter("duration", Duration);
        return options;
    }

    /// <summary>Sets the zone and culture the filters use when a template names none.</summary>
    public static void SetRecipient(TemplateContext context, string timeZoneId, string culture)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.AmbientValues[ZoneKey] = timeZoneId;
        context.AmbientValues[CultureKey] = culture;
    }

    /// <summary>
    /// <paramref name="instant"/> in <paramref name="zone"/>'s wall-clock time, formatted with a .NET custom date format
    /// and <paramref name="culture"/>'s day and month names.
    /// </summary>
    public static string FormatLocal(DateTimeOffset instant, ZoneCalendar zone, string? culture, string? format = null)
    {
        ArgumentNullException.ThrowIfNull(zone);
        return zone.ToLocal(instant).ToString(string.IsNullOrWhiteSpace(format) ? DefaultFormat : format, NoticeCultures.FormatFor(culture));
    }

    /// <summary>The zone and its offset at <paramref name="instant"/>, e.g. <c>Africa/Lagos, UTC+01:00</c>.</summary>
    public static string FormatZone(DateTimeOffset instant, ZoneCalendar zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        return $"{zone.Id}, {zone.FormatOffset(instant)}";
    }

    /// <summary>
    /// A window in one zone: <c>Saturday 23 May 2026 22:00 → Sunday 24 May 2026 06:00 (Africa/Lagos, UTC+01:00)</c>;
    /// the end shows only its time when it falls on the same local day, and both offsets when daylight saving changes
    /// inside the window.
    /// </summary>
    public static string FormatWindow(DateTimeOffset start, DateTimeOffset end, ZoneCalendar zone, string? culture)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var sameDay = zone.DateOf(start) == zone.DateOf(end);
        var from = FormatLocal(start, zone, culture);
        var to = FormatLocal(end, zone, culture, sameDay ? "HH:mm" : null);
        var (startOffset, endOffset) = (zone.FormatOffset(start), zone.FormatOffset(end));
        return startOffset == endOffset
            ? $"{from} → {to} ({zone.Id}, {startOffset})"
            : $"{from} ({startOffset}) → {to} ({endOffset}) ({zone.Id})";
    }

    private static ValueTask<FluidValue> Local(FluidValue input, FilterArguments arguments, TemplateContext context)
    {
        if (Instant(input, context) is not { } instant)
        {
            return new ValueTask<FluidValue>(NilValue.Instance);
        }

        // Positional arguments come before named ones, so a first argument that is not named is the format.
        var format = arguments.HasNamed("format") ? arguments["format"].ToStringValue(context)
            : arguments.Count > arguments.Names.Count() ? arguments.At(0).ToStringValue(context)
            : null;
        return new ValueTask<FluidValue>(StringValue.Create(FormatLocal(instant, Zone(arguments, context), Culture(arguments, context), format)));
    }

    private static ValueTask<FluidValue> ZoneLabel(FluidValue input, FilterArguments arguments, TemplateContext context) =>
        new(Instant(input, context) is { } instant ? StringValue.Create(FormatZone(instant, Zone(arguments, context))) : NilValue.Instance);

    private static async ValueTask<FluidValue> Window(FluidValue input, FilterArguments arguments, TemplateContext context)
    {
        if (input is NilValue
            || Instant(await input.GetValueAsync("start", context), context) is not { } start
            || Instant(await input.GetValueAsync("end", context), context) is not { } end)
        {
            return NilValue.Instance;
        }

        return StringValue.Create(FormatWindow(start, end, Zone(arguments, context), Culture(arguments, context)));
    }

    private static ValueTask<FluidValue> Duration(FluidValue input, FilterArguments arguments, TemplateContext context)
    {
        TimeSpan? duration = input switch
        {
            NumberValue number => TimeSpan.FromMinutes((double)number.ToNumberValue(context)),
            StringValue text when TryParseDuration(text.ToStringValue(context), out var parsed) => parsed,
            _ => input.ToObjectValue(context) is TimeSpan span ? span : null,
        };
        return new ValueTask<FluidValue>(duration is { } d ? StringValue.Create(NoticeCultures.FormatDuration(d, Culture(arguments, context))) : NilValue.Instance);
    }

    private static bool TryParseDuration(string text, out TimeSpan duration)
    {
        duration = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        try
        {
            duration = XmlConvert.ToTimeSpan(text.Trim());
            return true;
        }
        catch (FormatException)
        {
            return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out duration);
        }
    }

    private static DateTimeOffset? Instant(FluidValue input, TemplateContext context) => input is NilValue ? null : InstantOf(input.ToObjectValue(context));

    private static DateTimeOffset? InstantOf(object? value) => value switch
    {
        DateTimeOffset instant => instant,
        DateTime time => new DateTimeOffset(DateTime.SpecifyKind(time, time.Kind == DateTimeKind.Unspecified ? DateTimeKind.Utc : time.Kind)),
        string text when DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed) => parsed,
        _ => null,
    };

    private static ZoneCalendar Zone(FilterArguments arguments, TemplateContext context)
    {
        var id = arguments.HasNamed("zone") ? arguments["zone"].ToStringValue(context)
            : context.AmbientValues.TryGetValue(ZoneKey, out var ambient) ? ambient as string
            : null;
        if (string.IsNullOrWhiteSpace(id))
        {
            return ZoneCalendar.ForId("Etc/UTC");
        }

        var zone = ZoneCalendar.Find(id);
        return zone.IsSuccess ? zone.Value : throw new ArgumentException($"'{id}' is not an IANA time zone (e.g. Africa/Lagos, Europe/Paris).");
    }

    private static string? Culture(FilterArguments arguments, TemplateContext context)
    {
        if (arguments.HasNamed("culture"))
        {
            var tag = arguments["culture"].ToStringValue(context);
            return NoticeCultures.IsSupported(tag) ? tag : throw new ArgumentException(NoticeCultures.Describe(tag));
        }

        return context.AmbientValues.TryGetValue(CultureKey, out var ambient) ? ambient as string : null;
    }

    private static bool HasNamed(this FilterArguments arguments, string name) => arguments.Names.Contains(name, StringComparer.Ordinal);
}
