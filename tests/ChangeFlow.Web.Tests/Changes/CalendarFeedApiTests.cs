using System.Net;
using System.Net.Http.Headers;
using ChangeFlow.Application.Notifications;
using ChangeFlow.Application.Security;
using ChangeFlow.Web.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace ChangeFlow.Web.Tests.Changes;

/// <summary>
/// Calendar apps subscribe to the forward schedule at a per-user secret address: it opens the feed and nothing else,
/// one per user, replaced or revoked at will; the feed gives a change's window the UID its invitations carry.
/// </summary>
public sealed class CalendarFeedApiTests(ChangeApiFixture fixture) : IClassFixture<ChangeApiFixture>
{
    private const string May = "?from=2026-05-01T00:00:00Z&to=2026-06-30T00:00:00Z";

    [Fact]
    public async Task FeedAddress_OpensTheScheduleWithoutSigningIn_UntilReplacedOrRevoked_AndOpensNothingElse()
    {
        var user = await fixture.Server.CreateUserAsync(Roles.Requestor);
        var number = ChangeApi.NumberOf(await ChangeApi.CreateAsync(user.Client, ChangeApi.Rfc2026014(user.Id), submit: false));
        using (var none = await user.Client.GetAsync("api/users/me/calendar-feed"))
        {
            await HttpAssert.StatusAsync(HttpStatusCode.NotFound, none);
        }

        using var issued = await user.Client.PostAsync("api/users/me/calendar-feed", null);
        var feed = (await HttpAssert.StatusAsync(HttpStatusCode.Created, issued))!;
        var url = new Uri(feed["url"]!.GetValue<string>());
        Assert.StartsWith(fixture.Server.BaseAddress.ToString(), url.ToString(), StringComparison.Ordinal);
        Assert.EndsWith("/changes.ics", url.AbsolutePath, StringComparison.Ordinal);
        var secret = url.Segments[^2].TrimEnd('/');
        Assert.StartsWith(CalendarFeeds.SecretPrefix, secret, StringComparison.Ordinal);

        // A calendar app sends no credentials: the address is enough, and the window has its invitations' UID.
        var anonymous = fixture.Server.CreateClient();
        using (var read = await anonymous.GetAsync(url + May))
        {
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
            Assert.Equal("text/calendar", read.Content.Headers.ContentType?.MediaType);
            Assert.True(read.Headers.CacheControl?.NoStore);
            var calendar = Ical.Net.Calendar.Load(await read.Content.ReadAsStringAsync())!;
            var window = Assert.Single(calendar.Events, e => e.Summary?.StartsWith(number + ":", StringComparison.Ordinal) == true);
            var notices = fixture.Server.Services.GetRequiredService<NoticeOptions>();
            Assert.Equal(NoticeInvites.Uid(number, NoticeInvite.Window, notices), window.Uid);
        }

        // The secret is not an API token, and it is not listed among them.
        var asBearer = fixture.Server.CreateClient();
        asBearer.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        using (var refused = await asBearer.GetAsync("api/users/me"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        using (var tokens = await user.Client.GetAsync("api/users/me/tokens"))
        {
            Assert.DoesNotContain(CalendarFeeds.TokenName, await tokens.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var shown = await user.Client.GetAsync("api/users/me/calendar-feed"))
        {
            var body = (await HttpAssert.StatusAsync(HttpStatusCode.OK, shown))!;
            Assert.Null(body["url"]);
            Assert.Equal(secret[..12], body["prefix"]!.GetValue<string>());
        }

        // A new address replaces the old one at once; revoking closes it.
        using var replaced = await user.Client.PostAsync("api/users/me/calendar-feed", null);
        var next = new Uri((await HttpAssert.StatusAsync(HttpStatusCode.Created, replaced))!["url"]!.GetValue<string>());
        using (var old = await anonymous.GetAsync(url + May))
        {
            await HttpAssert.StatusAsync(HttpStatusCode.NotFound, old);
        }

        using (var current = await anonymous.GetAsync(next + May))
        {
            Assert.Equal(HttpStatusCode.OK, current.StatusCode);
        }

        using (var revoke = await user.Client.DeleteAsync("api/users/me/calendar-feed"))
        {
            Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        }

        using (var revoked = await anonymous.GetAsync(next + May))
        {
            await HttpAssert.StatusAsync(HttpStatusCode.NotFound, revoked);
        }
    }
}
