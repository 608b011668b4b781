using System.Text;
using ChangeFlow.Application.Calendar;

namespace ChangeFlow.Application.Tests.Calendar;

public sealed class ICalendarWriterTests
{
    private static readonly DateTimeOffset Stamp = new(2026, 5, 3, 8, 0, 0, TimeSpan.Zero);

    // Sat 2026-05-09 22:00 WAT (UTC+1) to Sun 06:00 WAT: the seed's maintenance window.
    private static readonly CalendarEvent Window = new()
    {
        Uid = "RFC-2026-014@changeflow",
        Start = new DateTimeOffset(2026, 5, 9, 22, 0, 0, TimeSpan.FromHours(1)),
        End = new DateTimeOffset(2026, 5, 10, 6, 0, 0, TimeSpan.FromHours(1)),
        Summary = "RFC-2026-014: LIMS upgrade v3.8 → v4.0",
        Description = "Rollback decision point: 04:00 WAT.\nAffected: lims-prod-01, lims-db-01; lab; reports",
        Location = "lims-prod-01",
        Categories = ["Normal", "Major"],
        Sequence = 2,
        Organizer = new CalendarPerson("change.manager@lab.example", "Change Manager"),
        Attendees = [new CalendarPerson("lab.lead@lab.example", "Lab \"lead\""), new CalendarPerson("it.ops@lab.example")],
    };

    [Fact]
    public void Write_GivesACalendarThatAStandardParserReadsBack_WithTheSameInstantsAndTexts()
    {
        var text = ICalendarWriter.Write([Window], CalendarMethod.Request, Stamp, "Forward schedule of changes");

        var calendar = Ical.Net.Calendar.Load(text)!;
        Assert.Equal("REQUEST", calendar.Method);
        var parsed = Assert.Single(calendar.Events);
        Assert.Equal("RFC-2026-014@changeflow", parsed.Uid);
        Assert.Equal(new DateTime(2026, 5, 9, 21, 0, 0, DateTimeKind.Utc), parsed.DtStart!.AsUtc);
        Assert.Equal(new DateTime(2026, 5, 10, 5, 0, 0, DateTimeKind.Utc), parsed.DtEnd!.AsUtc);
        Assert.Equal(Window.Summary, parsed.Summary);
        Assert.Equal(Window.Description, parsed.Description);
        Assert.Equal(2, parsed.Sequence);
        Assert.Equal(["Normal", "Major"], parsed.Categories);
        Assert.Equal("mailto:change.manager@lab.example", parsed.Organizer!.Value!.ToString());
        Assert.Equal(2, parsed.Attendees.Count);
        Assert.Equal("Lab 'lead'", parsed.Attendees[0].CommonName);
        Assert.Equal("CONFIRMED", parsed.Status);
    }

    [Fact]
    public void Write_FoldsEveryLineAt75Octets_WithoutSplittingAMultiByteCharacter()
    {
        var long_ = Window with { Summary = string.Concat(Enumerable.Repeat("Mise à jour LIMS → v4.0 🚀 ", 20)) };

        var text = ICalendarWriter.Write([long_], CalendarMethod.Publish, Stamp);

        Assert.EndsWith("END:VCALENDAR\r\n", text, StringComparison.Ordinal);
        var lines = text.Split("\r\n");
        Assert.All(lines, line => Assert.True(Encoding.UTF8.GetByteCount(line) <= 75, $"{Encoding.UTF8.GetByteCount(line)} octets: {line}"));
        Assert.DoesNotContain('\uFFFD', Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(text)));
        var unfolded = text.Replace("\r\n ", string.Empty, StringComparison.Ordinal);
        Assert.Contains("SUMMARY:" + long_.Summary.Replace(",", @"\,", StringComparison.Ordinal), unfolded, StringComparison.Ordinal);
        Assert.Equal(long_.Summary, Assert.Single(Ical.Net.Calendar.Load(text)!.Events).Summary);
    }

    [Fact]
    public void EscapeText_EscapesTheCharactersRfc5545Reserves_AndDropsControlCharacters()
    {
        Assert.Equal(@"a\\b\;c\,d\ne\nf", ICalendarWriter.EscapeText("a\\b;c,d\r\ne\nf\u0007"));
    }

    [Fact]
    public void Write_WithCancel_MarksEveryEventCancelled_SoClientsRemoveTheInvitation()
    {
        var text = ICalendarWriter.Write([Window with { Sequence = 3 }], CalendarMethod.Cancel, Stamp);

        var calendar = Ical.Net.Calendar.Load(text)!;
        Assert.Equal("CANCEL", calendar.Method);
        Assert.Equal("CANCELLED", Assert.Single(calendar.Events).Status);
        Assert.Equal(3, calendar.Events.Single().Sequence);
    }

    [Fact]
    public void Write_RefusesAnEventThatEndsBeforeItStarts()
    {
        var backwards = Window with { End = Window.Start.AddMinutes(-1) };

        Assert.Throws<ArgumentException>(() => ICalendarWriter.Write([backwards], CalendarMethod.Publish, Stamp));
    }

    [Fact]
    public void Write_WithNoEvents_IsStillAValidCalendar()
    {
        var text = ICalendarWriter.Write([], CalendarMethod.Publish, Stamp, "Empty");

        Assert.Empty(Ical.Net.Calendar.Load(text)!.Events);
        Assert.Contains("X-WR-CALNAME:Empty\r\n", text, StringComparison.Ordinal);
    }
}
