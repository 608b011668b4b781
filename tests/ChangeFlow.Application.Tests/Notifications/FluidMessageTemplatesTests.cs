using ChangeFlow.Application.Notifications;
using ChangeFlow.Testing;
using Microsoft.Extensions.Logging;

namespace ChangeFlow.Application.Tests.Notifications;

/// <summary>The Fluid templates: the built-ins, overrides from the data directory, encoding, filters and errors.</summary>
public sealed class FluidMessageTemplatesTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 5, 22, 13, 0, 0, TimeSpan.Zero);
    private static readonly NoticeOptions Options = new() { PublicBaseUrl = new Uri("https://changes.example.org/") };
    private readonly string _directory = Directory.CreateTempSubdirectory("changeflow-templates-").FullName;
    private readonly ListLogger<FluidMessageTemplates> _log = new();

    private static CancellationToken Ct => CancellationToken.None;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task RenderAsync_RendersEveryBuiltInTemplate_ForTheSeedChange()
    {
        var templates = new FluidMessageTemplates(null);

        Assert.Equal(NoticeTemplates.All.Order(StringComparer.Ordinal), templates.Names.Where(NoticeTemplates.All.Contains));
        foreach (var name in NoticeTemplates.All)
        {
            var rendered = await templates.RenderAsync(name, NoticeSamples.Model(name, Options, Now), Ct);
            Assert.False(string.IsNullOrWhiteSpace(rendered.Subject), name);
            Assert.DoesNotContain('\n', rendered.Subject);
            Assert.False(string.IsNullOrWhiteSpace(rendered.HtmlBody), name);
            Assert.False(string.IsNullOrWhiteSpace(rendered.TextBody), name);
            Assert.StartsWith("<!DOCTYPE html>", rendered.HtmlBody, StringComparison.Ordinal);
        }

        var problems = await templates.ValidateAsync(NoticeSamples.Model(NoticeTemplates.MaintenanceNotice, Options, Now), Ct);
        Assert.Empty(problems);
    }

    [Fact]
    public async Task MaintenanceNotice_ShowsTheWindowInTheRecipientsZoneAndLanguage_AndTheSiteTimeBeside_WhenTheyDiffer()
    {
        var templates = new FluidMessageTemplates(null);
        var paris = new NoticeRecipient("claire@example.org", "Claire Martin", "Europe/Paris", "fr-FR");
        var model = NoticeModel.Build(NoticeSamples.Record(), paris, NoticeSamples.Facts(Options), new NoticeDetails { Template = NoticeTemplates.MaintenanceNotice, Message = "LIMS unavailable" }, Now);

        var rendered = await templates.RenderAsync(NoticeTemplates.MaintenanceNotice, model, Ct);

        Assert.Equal("[RFC-2026-014] Planned maintenance: LIMS major version upgrade: v3.8 → v4.0 — sam 23 mai 23:00", rendered.Subject);
        Assert.Contains("When (your time):  samedi 23 mai 2026 23:00 → dimanche 24 mai 2026 07:00 (Europe/Paris, UTC+02:00)", rendered.TextBody, StringComparison.Ordinal);
        Assert.Contains("When (site time):  samedi 23 mai 2026 22:00 → dimanche 24 mai 2026 06:00 (Africa/Lagos, UTC+01:00)", rendered.TextBody, StringComparison.Ordinal);
        Assert.Contains("Expected outage:   about 8 heures", rendered.TextBody, StringComparison.Ordinal);
        Assert.Contains("the decision is taken by dimanche 05:00 at the latest", rendered.TextBody, StringComparison.Ordinal);
        Assert.Contains("Details: https://changes.example.org/changes/RFC-2026-014", rendered.TextBody, StringComparison.Ordinal);
        Assert.Contains("samedi 23 mai 2026 23:00", rendered.HtmlBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RenderAsync_EncodesDossierTextInTheHtmlPart_AndLeavesTheTextPartAsWritten()
    {
        var templates = new FluidMessageTemplates(null);
        var record = NoticeSamples.Record();
        record = record with { Change = record.Change with { Title = "LIMS <script>alert('x')</script> & \"reports\"" } };
        var model = NoticeModel.Build(record, NoticeSamples.Recipient, NoticeSamples.Facts(Options), new NoticeDetails { Template = NoticeTemplates.MaintenanceNotice, Message = "<b>bold</b> claim" }, Now);

        var rendered = await templates.RenderAsync(NoticeTemplates.MaintenanceNotice, model, Ct);

        Assert.DoesNotContain("<script>", rendered.HtmlBody, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>bold</b>", rendered.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("LIMS &lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &quot;reports&quot;", rendered.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("&lt;b&gt;bold&lt;/b&gt; claim", rendered.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("LIMS <script>alert('x')</script> & \"reports\"", rendered.TextBody, StringComparison.Ordinal);
        Assert.Contains("LIMS <script>alert('x')</script> & \"reports\"", rendered.Subject, StringComparison.Ordinal);
        Assert.Contains("Vérifier → v4.0", (await templates.RenderAsync(NoticeTemplates.MaintenanceNotice, With(model, "Vérifier → v4.0"), Ct)).HtmlBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Override_TakesEffectOnTheNextMessage_AndFollowsEveryEdit_WithoutARestart()
    {
        var templates = new FluidMessageTemplates(_directory, _log);
        var model = NoticeSamples.Model(NoticeTemplates.MaintenanceNotice, Options, Now);
        var path = Path.Combine(_directory, "maintenance-notice.subject.liquid");

        await File.WriteAllTextAsync(path, "Maintenance {{ change.number }}");
        Assert.Equal("Maintenance RFC-2026-014", (await templates.RenderAsync(NoticeTemplates.MaintenanceNotice, model, Ct)).Subject);

        await File.WriteAllTextAsync(path, "LIMS down {{ change.window.start | local: \"dddd HH:mm\" }} for {{ change.impact.duration | duration }}");
        File.SetLastWriteTimeUtc(path, File.GetLastWriteTimeUtc(path).AddSeconds(2));
        Assert.Equal("LIMS down Saturday 22:00 for 8 hours", (await templates.RenderAsync(NoticeTemplates.MaintenanceNotice, model, Ct)).Subject);

        var described = Assert.Single(templates.Describe(), d => d.Name == NoticeTemplates.MaintenanceNotice);
        Assert.True(described.Overridden);
        Assert.Contains(described.Parts, p => p is { Part: "subject", Source: "override", Problem: null });

        File.Delete(path);
        Assert.StartsWith("[RFC-2026-014] Planned maintenance", (await templates.RenderAsync(NoticeTemplates.MaintenanceNotice, model, Ct)).Subject, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BrokenOverride_IsLoggedWithFileAndLine_AndTheBuiltInIsUsed_UntilItIsFixed()
    {
        var path = Path.Combine(_directory, "maintenance-notice.html.liquid");
        await File.WriteAllTextAsync(path, "<p>Hello</p>\n<p>{% if recipient.name %}{{ recipient.name }</p>\n");
        var templates = new FluidMessageTemplates(_directory, _log);
        var model = NoticeSamples.Model(NoticeTemplates.MaintenanceNotice, Options, Now);

        var problems = await templates.ValidateAsync(model, Ct);
        var problem = Assert.Single(problems);
        Assert.Equal((NoticeTemplates.MaintenanceNotice, "html", path, 2), (problem.Template, problem.Part, problem.File, problem.Line));
        var logged = Assert.Single(_log.Entries, e => e.Level == LogLevel.Error);
        Assert.Contains(path, logged.Message, StringComparison.Ordinal);
        Assert.Contains("line 2", logged.Message, StringComparison.Ordinal);
        Assert.Contains("built-in", logged.Message, StringComparison.Ordinal);

        var rendered = await templates.RenderAsync(NoticeTemplates.MaintenanceNotice, model, Ct);
        Assert.Contains("When (your time)", rendered.HtmlBody, StringComparison.Ordinal);
        Assert.Contains(templates.Describe().Single(d => d.Name == NoticeTemplates.MaintenanceNotice).Parts, p => p.Source == "override" && p.Problem is not null);

        await File.WriteAllTextAsync(path, "<p>Fixed for {{ recipient.name }}</p>");
        File.SetLastWriteTimeUtc(path, File.GetLastWriteTimeUtc(path).AddSeconds(2));
        Assert.Equal("<p>Fixed for Lab technician</p>", (await templates.RenderAsync(NoticeTemplates.MaintenanceNotice, model, Ct)).HtmlBody);
    }

    [Fact]
    public async Task OverrideFailingToRender_FallsBackToTheBuiltInForThatMessage()
    {
        await File.WriteAllTextAsync(Path.Combine(_directory, "maintenance-notice.text.liquid"), "At {{ change.window.start | local: zone: \"Mars/Olympus\" }}");
        var templates = new FluidMessageTemplates(_directory, _log);

        var rendered = await templates.RenderAsync(NoticeTemplates.MaintenanceNotice, NoticeSamples.Model(NoticeTemplates.MaintenanceNotice, Options, Now), Ct);

        Assert.Contains("When (your time)", rendered.TextBody, StringComparison.Ordinal);
        Assert.Contains(_log.Entries, e => e.Level == LogLevel.Error && e.Message.Contains("Mars/Olympus", StringComparison.Ordinal));
    }

    [Fact]
    public async Task LanguageVariant_IsPreferredForRecipientsOfThatLanguage()
    {
        await File.WriteAllTextAsync(Path.Combine(_directory, "change-cancelled.fr.subject.liquid"), "[{{ change.number }}] Annulé : {{ change.title }}");
        var templates = new FluidMessageTemplates(_directory, _log);
        var french = NoticeModel.Build(NoticeSamples.Record(), NoticeSamples.Recipient with { Culture = "fr-SN" }, NoticeSamples.Facts(Options), new NoticeDetails { Template = NoticeTemplates.ChangeCancelled }, Now);
        var english = NoticeSamples.Model(NoticeTemplates.ChangeCancelled, Options, Now);

        Assert.Equal("[RFC-2026-014] Annulé : LIMS major version upgrade: v3.8 → v4.0", (await templates.RenderAsync(NoticeTemplates.ChangeCancelled, french, Ct)).Subject);
        Assert.StartsWith("[RFC-2026-014] Cancelled:", (await templates.RenderAsync(NoticeTemplates.ChangeCancelled, english, Ct)).Subject, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RenderAsync_NamesTheTemplatePartAndLine_WhenABuiltInDoesNotParse()
    {
        var templates = new FluidMessageTemplates(null, builtIns: new Dictionary<string, string>
        {
            ["broken.subject.liquid"] = "ok",
            ["broken.text.liquid"] = "line one\nline two {% for x in y %}\nno end",
        });

        var ex = await Assert.ThrowsAsync<TemplateException>(() => templates.RenderAsync("broken", new Dictionary<string, object?>(), Ct).AsTask());

        Assert.Equal(("broken", "text", 3), (ex.Template, ex.Part, ex.Line));
        Assert.Contains("broken.text.liquid", ex.Message, StringComparison.Ordinal);
        var unknown = await Assert.ThrowsAsync<TemplateException>(() => templates.RenderAsync("nope", new Dictionary<string, object?>(), Ct).AsTask());
        Assert.Contains("No template 'nope'", unknown.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{% for i in (1..1000000000) %}x{% endfor %}", "collection size")]
    [InlineData("{{ (1..100000000) | join: ',' }}", "collection size")]
    [InlineData("{% assign s = 'xxxxxxxxxx' %}{% for i in (1..24) %}{% assign s = s | append: s %}{% endfor %}{{ s }}", "output size")]
    [InlineData("{% for i in (1..10000) %}{% for j in (1..10000) %}{% endfor %}{% endfor %}", "steps")]
    public async Task RenderAsync_FailsWithTheLimitReached_WhenABuiltInPartWouldTakeTheProcess(string body, string reason)
    {
        var templates = new FluidMessageTemplates(null, builtIns: new Dictionary<string, string>
        {
            ["bomb.subject.liquid"] = "s",
            ["bomb.text.liquid"] = body,
        });

        var ex = await Assert.ThrowsAsync<TemplateException>(() => templates.RenderAsync("bomb", new Dictionary<string, object?>(), Ct).AsTask());

        Assert.Equal(("bomb", "text"), (ex.Template, ex.Part));
        Assert.Contains(reason, ex.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task OverrideBreakingALimit_FallsBackToTheBuiltIn_AndIsLogged()
    {
        await File.WriteAllTextAsync(Path.Combine(_directory, "maintenance-notice.text.liquid"), "{{ (1..100000000) | join: ',' }}");
        var templates = new FluidMessageTemplates(_directory, _log);

        var rendered = await templates.RenderAsync(NoticeTemplates.MaintenanceNotice, NoticeSamples.Model(NoticeTemplates.MaintenanceNotice, Options, Now), Ct);

        Assert.Contains("When (your time)", rendered.TextBody, StringComparison.Ordinal);
        Assert.Contains(_log.Entries, e => e.Level == LogLevel.Error && e.Message.Contains("collection size", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RenderAsync_FailsWithTheTimeLimit_WhenARenderRunsTooLong()
    {
        var templates = new FluidMessageTemplates(
            null,
            builtIns: new Dictionary<string, string> { ["slow.subject.liquid"] = "s", ["slow.text.liquid"] = "{% for i in (1..10000) %}{% for j in (1..10000) %}{% endfor %}{% endfor %}" },
            limits: new Engine.Expressions.ScriptOptions { LiquidMaxSteps = 100_000_000, LiquidTimeLimit = TimeSpan.FromMilliseconds(50) });

        var ex = await Assert.ThrowsAsync<TemplateException>(() => templates.RenderAsync("slow", new Dictionary<string, object?>(), Ct).AsTask());

        Assert.Contains("time limit", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Filters_FormatInstantsInAZoneAndCulture_AndDurations()
    {
        var templates = new FluidMessageTemplates(null, builtIns: new Dictionary<string, string>
        {
            ["probe.subject.liquid"] = "s",
            ["probe.text.liquid"] =
                "{{ at | local }}|{{ at | local: \"HH:mm\", zone: \"Asia/Kolkata\" }}|{{ at | local: \"dddd d MMMM\", culture: \"pt-PT\" }}|"
                + "{{ at | zone_label }}|{{ span | duration }}|{{ 90 | duration }}|{{ window | window: zone: \"America/New_York\" }}|{{ missing | local }}",
        });
        var model = new Dictionary<string, object?>
        {
            ["recipient"] = new Dictionary<string, object?> { ["time_zone"] = "Africa/Lagos", ["culture"] = "en-GB" },
            ["at"] = new DateTimeOffset(2026, 5, 23, 21, 0, 0, TimeSpan.Zero),
            ["span"] = TimeSpan.FromMinutes(2 * 1440 + 3 * 60 + 1),
            ["window"] = new Dictionary<string, object?> { ["start"] = new DateTimeOffset(2026, 5, 23, 21, 0, 0, TimeSpan.Zero), ["end"] = new DateTimeOffset(2026, 5, 23, 23, 30, 0, TimeSpan.Zero) },
        };

        var text = (await templates.RenderAsync("probe", model, Ct)).TextBody;

        Assert.Equal(
            "Saturday 23 May 2026 22:00|02:30|sábado 23 maio|Africa/Lagos, UTC+01:00|2 days 3 hours 1 minute|1 hour 30 minutes|Saturday 23 May 2026 17:00 → 19:30 (America/New_York, UTC-04:00)|",
            text);
    }

    private static Dictionary<string, object?> With(Dictionary<string, object?> model, string message)
    {
        var copy = new Dictionary<string, object?>(model);
        copy["notice"] = new Dictionary<string, object?>((Dictionary<string, object?>)model["notice"]!) { ["message"] = message };
        return copy;
    }
}
