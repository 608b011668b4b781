using ChangeFlow.Application.Notifications;

namespace ChangeFlow.Application.Tests.Notifications;

/// <summary>Mail settings are checked at start-up, each problem named by its configuration key.</summary>
public sealed class MailOptionsValidatorTests
{
    [Fact]
    public void Validate_AcceptsTheDefaults_AndATypicalRelay()
    {
        Assert.True(new MailOptionsValidator().Validate(null, new MailOptions()).Succeeded);
        var relay = new MailOptions
        {
            From = new MailSender { Address = "changeflow@lab.example", DisplayName = "ChangeFlow (LIMS)" },
            Smtp = new SmtpSettings { Host = "relay.lab.example", Port = 587, Security = SmtpSecurity.StartTls, UserName = "changeflow", Password = "secret" },
        };
        Assert.True(new MailOptionsValidator().Validate(null, relay).Succeeded);
    }

    [Theory]
    [InlineData("From:Address", "not-an-address")]
    [InlineData("Smtp:Port", "70000")]
    [InlineData("Smtp:Host", "smtp://relay.lab.example")]
    [InlineData("Smtp:Password", "only-password")]
    [InlineData("Smtp:UserName", "only-user")]
    [InlineData("Smtp:Timeout", "00:00:00")]
    [InlineData("Lease", "00:00:20")]
    [InlineData("BatchSize", "0")]
    [InlineData("Retry:MaxAttempts", "0")]
    [InlineData("Retry:Delays:0", "00:00:00")]
    [InlineData("Retry:Jitter", "2")]
    [InlineData("FailureNotice:To:0", "ops")]
    public void Validate_NamesTheKey_WhenAValueIsWrong(string key, string value)
    {
        var options = new MailOptions { Smtp = new SmtpSettings { Host = "relay.lab.example" } };
        switch (key)
        {
            case "From:Address": options.From.Address = value; break;
            case "Smtp:Port": options.Smtp.Port = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture); break;
            case "Smtp:Host": options.Smtp.Host = value; break;
            case "Smtp:Password": options.Smtp.Password = value; break;
            case "Smtp:UserName": options.Smtp.UserName = value; break;
            case "Smtp:Timeout": options.Smtp.Timeout = TimeSpan.Parse(value, System.Globalization.CultureInfo.InvariantCulture); break;
            case "Lease": options.Lease = TimeSpan.Parse(value, System.Globalization.CultureInfo.InvariantCulture); break;
            case "BatchSize": options.BatchSize = 0; break;
            case "Retry:MaxAttempts": options.Retry.MaxAttempts = 0; break;
            case "Retry:Delays:0": options.Retry.Delays = [TimeSpan.Zero]; break;
            case "Retry:Jitter": options.Retry.Jitter = 2; break;
            case "FailureNotice:To:0": options.FailureNotice.To = [value]; break;
        }

        var result = new MailOptionsValidator().Validate(null, options);
        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.StartsWith($"ChangeFlow:Mail:{key} ", StringComparison.Ordinal));
    }

    [Fact]
    public void NextAttemptAt_FollowsTheScheduleWithinTheJitter_AndRepeatsItsLastDelay()
    {
        var retry = new MailRetrySettings();
        var now = new DateTimeOffset(2026, 5, 22, 12, 0, 0, TimeSpan.Zero);
        Assert.Equal(now.AddMinutes(1), retry.NextAttemptAt(now, 1, 0.5));
        Assert.Equal(now.AddMinutes(4), retry.NextAttemptAt(now, 2, 0));
        Assert.Equal(now.AddMinutes(18), retry.NextAttemptAt(now, 3, 1));
        Assert.Equal(now.AddHours(4), retry.NextAttemptAt(now, 7, 0.5));
        Assert.Equal(now.AddHours(4), retry.NextAttemptAt(now, 11, 0.5));
    }

    [Theory]
    [InlineData(SmtpSecurity.SslOnConnect, 465)]
    [InlineData(SmtpSecurity.StartTls, 587)]
    [InlineData(SmtpSecurity.Auto, 25)]
    [InlineData(SmtpSecurity.None, 25)]
    public void EffectivePort_IsTheUsualOneForTheSecurityMode_WhenNoneIsSet(SmtpSecurity security, int port) =>
        Assert.Equal(port, new SmtpSettings { Security = security }.EffectivePort);
}
