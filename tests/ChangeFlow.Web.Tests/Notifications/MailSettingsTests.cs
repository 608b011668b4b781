using ChangeFlow.Web.Tests.Support;
using Microsoft.Extensions.Options;

namespace ChangeFlow.Web.Tests.Notifications;

/// <summary>Wrong mail settings stop the service at start-up with a message naming the key.</summary>
public sealed class MailSettingsTests
{
    [Theory]
    [InlineData("ChangeFlow:Mail:Smtp:Port", "70000", "ChangeFlow:Mail:Smtp:Port must be between 1 and 65535")]
    [InlineData("ChangeFlow:Mail:From:Address", "ChangeFlow", "ChangeFlow:Mail:From:Address must be an e-mail address")]
    [InlineData("ChangeFlow:Mail:Smtp:UserName", "changeflow", "ChangeFlow:Mail:Smtp:UserName is set but ChangeFlow:Mail:Smtp:Password is not")]
    public async Task Start_FailsNamingTheSetting_WhenAMailSettingIsWrong(string key, string value, string message)
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => ChangeFlowServer.StartAsync(new ChangeFlowServerOptions
        {
            Settings = new() { ["ChangeFlow:Mail:Smtp:Host"] = "relay.lab.example", [key] = value },
        }));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }
}
