using System.Net;
using ChangeFlow.Application.Approvals;
using ChangeFlow.Application.Notifications;
using ChangeFlow.Application.Tasks;
using ChangeFlow.Web.Tests.Changes;
using ChangeFlow.Web.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static ChangeFlow.Web.Tests.Changes.ChangeApiDriver;

namespace ChangeFlow.Web.Tests.Approvals;

/// <summary>
/// Approve by e-mail through the real service on Kestrel: the seed's RFC is submitted, the CAB vote opens for four
/// members (majority), and each gets an approval request whose links are used by a client without credentials.
/// Each test has a server of its own, because some move the service's time.
/// </summary>
public sealed class MailApprovalTests : IAsyncLifetime
{
    private MailApprovalDriver _mail = null!;

    private ChangeApiDriver Api => _mail.Api;

    public async Task InitializeAsync() => _mail = await MailApprovalDriver.StartAsync();

    public async Task DisposeAsync() => await _mail.DisposeAsync();

    [Fact]
    public async Task ApprovalRequests_AreQueuedPerAssignee_WithTheDossierAndWorkingLinks()
    {
        var requests = await _mail.OutboxAsync(ApprovalMailer.RequestTemplate);

        Assert.Equal(Api.Voters.Select(v => v.Email).Order(StringComparer.Ordinal), requests.Select(r => Assert.Single(r.Message.To).Address).Order(StringComparer.Ordinal));
        Assert.DoesNotContain(requests, r => r.Message.To.Any(t => t.Address == Api.Requestor.Email));
        foreach (var voter in Api.Voters)
        {
            var task = await _mail.TaskOfAsync(voter);
            var request = await _mail.RequestToAsync(voter);
            var message = request.Message;
            Assert.Equal(OutboxStatus.Pending, request.Status);
            Assert.Equal($"task:{task["id"]}", message.CorrelationKey);
            Assert.Equal(_mail.Number, message.Headers["X-ChangeFlow-Change"]);
            Assert.StartsWith($"Approval needed: {_mail.Number} LIMS major version upgrade", message.Subject, StringComparison.Ordinal);
            Assert.Contains("Thu 2026-05-14 10:00 Africa/Lagos", message.Subject, StringComparison.Ordinal);
            foreach (var part in new[] { message.TextBody!, message.HtmlBody! })
            {
                Assert.Contains("High", part, StringComparison.Ordinal);
                Assert.Contains("Sat 2026-05-23 22:00", part, StringComparison.Ordinal);
                Assert.Contains("lims-db-01", part, StringComparison.Ordinal);
                Assert.Contains("Restore", part, StringComparison.OrdinalIgnoreCase);
                Assert.Contains($"/api/changes/{_mail.Number}", part, StringComparison.Ordinal);
            }

            // The links open the confirmation page for this voter and this change, and opening it changes nothing.
            var (approve, reject) = await _mail.LinksOfAsync(voter);
            Assert.Equal(_mail.Server.BaseAddress.GetLeftPart(UriPartial.Authority), approve.GetLeftPart(UriPartial.Authority));
            Assert.Contains($"href=\"{approve.AbsoluteUri}\"", message.HtmlBody, StringComparison.Ordinal);
            var page = (await _mail.OpenAsync(approve)).Is(HttpStatusCode.OK);
            Assert.Equal($"Approve {_mail.Number}?", page.Heading);
            Assert.Contains(voter.Email, page.Html, StringComparison.Ordinal);
            Assert.Equal($"Reject {_mail.Number}?", (await _mail.OpenAsync(reject)).Is(HttpStatusCode.OK).Heading);
            Assert.Equal("Open", (await _mail.TaskAsync(task["id"]!.GetValue<string>()))["status"]!.GetValue<string>());
        }

        var mailed = Assert.Single(await _mail.TimelineAsync("approval.mailed"));
        Assert.Equal("cab-vote", mailed["workflowStep"]!["activityId"]!.GetValue<string>());
    }

    [Fact]
    public async Task Reminders_AreDueHalfwayToTheDueTime_AndCanceledWhenTheTaskCloses()
    {
        var reminders = await _mail.OutboxAsync(ApprovalMailer.ReminderTemplate);
        Assert.Equal(4, reminders.Count);

        // Asked on Sunday 3 May 09:00, due Thursday 14 May 10:00 WAT: reminded halfway, on Friday 8 May 21:30.
        Assert.All(reminders, r => Assert.Equal(Wat(5, 8, 21, 30), r.Message.NotBefore));
        Assert.All(reminders, r => Assert.Equal(OutboxStatus.Pending, r.Status));
        Assert.All(reminders, r => Assert.StartsWith($"Reminder: your approval of {_mail.Number}", r.Message.Subject, StringComparison.Ordinal));

        await CompleteAsync(Api.Security, _mail.Number, "Approved");

        var securityTask = Assert.Single(await InboxOf(Api.Security, HumanTaskStatus.Completed));
        reminders = await _mail.OutboxAsync(ApprovalMailer.ReminderTemplate);
        var canceled = Assert.Single(reminders, r => r.Status == OutboxStatus.Canceled);
        Assert.Equal($"task:{securityTask}", canceled.Message.CorrelationKey);
        Assert.Equal(3, reminders.Count(r => r.Status == OutboxStatus.Pending));

        // The quorum closes the rest: every reminder of the vote is withdrawn with its task (the next stage has its own).
        await CompleteAsync(Api.ChangeManager, _mail.Number, "Approved");
        await CompleteAsync(Api.Quality, _mail.Number, "Approved");
        var vote = (await _mail.OutboxAsync(ApprovalMailer.ReminderTemplate)).Where(r => r.Message.ActivityId == "cab-vote").ToList();
        Assert.Equal(4, vote.Count);
        Assert.All(vote, r => Assert.Equal(OutboxStatus.Canceled, r.Status));
        Assert.Equal(2, (await _mail.OutboxAsync(ApprovalMailer.ReminderTemplate)).Count(r => r.Message.ActivityId == "extra-approval" && r.Status == OutboxStatus.Pending));
    }

    [Fact]
    public async Task ApproveLink_ApprovesOnce_AndTheWorkflowMovesOn()
    {
        await CompleteAsync(Api.ChangeManager, _mail.Number, "Approved");
        await CompleteAsync(Api.Security, _mail.Number, "Approved");
        var task = await _mail.TaskOfAsync(Api.Quality);
        var (approve, _) = await _mail.LinksOfAsync(Api.Quality);

        var done = (await _mail.ConfirmAsync(approve)).Is(HttpStatusCode.OK);

        Assert.Equal($"{_mail.Number} approved", done.Heading);
        var completed = await _mail.TaskAsync(task["id"]!.GetValue<string>());
        Assert.Equal("Completed", completed["status"]!.GetValue<string>());
        Assert.Equal("Approved", completed["outcome"]!.GetValue<string>());
        Assert.Equal(Api.Quality.Id, completed["completedBy"]!.GetValue<string>());

        // Three of four is a majority: the high-risk stage is open, as after votes from the inbox.
        Assert.Equal("extra-approval", (await _mail.TaskOfAsync(Api.Owner))["activityId"]!.GetValue<string>());
        var byMail = Assert.Single(await _mail.TimelineAsync("task.completed"), e => e["data"]?["via"]?.GetValue<string>() == "e-mail");
        Assert.Equal(Api.Quality.Id, byMail["actor"]!.GetValue<string>());
        Assert.StartsWith("Approved by e-mail by User ", byMail["summary"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains(Api.Quality.Id, byMail["summary"]!.GetValue<string>(), StringComparison.Ordinal);

        // The same link again, by the button or by opening it: refused, and nothing more happens.
        Assert.Equal("This link was already used", (await _mail.ConfirmAsync(approve)).Is(HttpStatusCode.Conflict).Heading);
        Assert.Equal("This link was already used", (await _mail.OpenAsync(approve)).Is(HttpStatusCode.Conflict).Heading);
        Assert.Single(await _mail.TimelineAsync("task.completed"), e => e["data"]?["via"]?.GetValue<string>() == "e-mail");
    }

    [Fact]
    public async Task Link_IsRefused_WhenExpired()
    {
        var task = await _mail.TaskOfAsync(Api.Quality);
        var (approve, reject) = await _mail.LinksOfAsync(Api.Quality);

        // Links live seven days at most (the task is due later): Sunday 10 May 09:00 WAT.
        await _mail.Server.AdvanceToAsync(Wat(5, 10, 8, 59));
        (await _mail.OpenAsync(approve)).Is(HttpStatusCode.OK);
        await _mail.Server.AdvanceToAsync(Wat(5, 10, 9));

        Assert.Equal("This link has expired", (await _mail.OpenAsync(approve)).Is(HttpStatusCode.Gone).Heading);
        (await _mail.ConfirmAsync(approve)).Is(HttpStatusCode.Gone);
        (await _mail.ConfirmAsync(reject, "Too late anyway")).Is(HttpStatusCode.Gone);
        Assert.Equal("Open", (await _mail.TaskAsync(task["id"]!.GetValue<string>()))["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Link_IsRefused_WhenTampered()
    {
        var task = await _mail.TaskOfAsync(Api.Quality);
        var (approve, _) = await _mail.LinksOfAsync(Api.Quality);
        var token = MailApprovalDriver.TokenOf(approve);

        var tampered = new[]
        {
            Flip(token, 10),                 // in the payload (the key id, token id, task or user)
            Flip(token, token.Length / 2),   // in the middle
            Flip(token, token.Length - 1),   // in the signature
            Flip(token, token.Length - 20),  // in the signature
            token[..^1],                     // cut short
            token + "A",                     // lengthened
            "not-a-token",
        };
        foreach (var bad in tampered)
        {
            Assert.Equal("This link is not valid", (await _mail.OpenAsync(new Uri(approve, bad))).Is(HttpStatusCode.BadRequest).Heading);
            (await _mail.PostAsync(bad)).Is(HttpStatusCode.BadRequest);
        }

        (await _mail.PostAsync(string.Empty)).Is(HttpStatusCode.BadRequest);
        Assert.Equal("Open", (await _mail.TaskAsync(task["id"]!.GetValue<string>()))["status"]!.GetValue<string>());
        Assert.Empty(await _mail.TimelineAsync("task.completed"));

        // The genuine link still works.
        (await _mail.ConfirmAsync(approve)).Is(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Link_IsRefused_ForTheRequestor_ForAnotherUser_AndAfterReassignment()
    {
        var task = await _mail.TaskOfAsync(Api.Quality);
        var taskId = task["id"]!.GetValue<string>();
        var links = _mail.Server.Services.GetRequiredService<ApprovalLinks>();
        var stored = (await _mail.Server.Services.GetRequiredService<IHumanTaskStore>().FindAsync(taskId, CancellationToken.None))!;
        var now = _mail.Server.Clock.GetUtcNow();

        // Genuinely signed links that ChangeFlow never sends: the requestor's own, and another member's for this task.
        var requestors = await links.IssueAsync(stored, ApprovalAction.Approve, Api.Requestor.Id, now, CancellationToken.None);
        Assert.Equal("You may not decide on your own change", (await _mail.OpenAsync(requestors.Url)).Is(HttpStatusCode.Forbidden).Heading);
        (await _mail.ConfirmAsync(requestors.Url)).Is(HttpStatusCode.Forbidden);
        var others = await links.IssueAsync(stored, ApprovalAction.Approve, Api.Security.Id, now, CancellationToken.None);
        (await _mail.ConfirmAsync(others.Url)).Is(HttpStatusCode.Forbidden);

        // Reassigned to a deputy CAB member: the quality lead's links stop working, and their unsent mail is withdrawn.
        var deputy = await _mail.Server.CreateUserAsync(ChangeFlow.Application.Security.Roles.CabMember);
        var (approve, _) = await _mail.LinksOfAsync(Api.Quality);
        await HttpAssert.StatusAsync(HttpStatusCode.OK, await Api.ChangeManager.Client.PostAsync($"api/tasks/{taskId}/reassign", Json(new System.Text.Json.Nodes.JsonObject { ["userId"] = deputy.Id })));
        Assert.Equal("This decision is no longer yours", (await _mail.OpenAsync(approve)).Is(HttpStatusCode.Forbidden).Heading);
        (await _mail.ConfirmAsync(approve)).Is(HttpStatusCode.Forbidden);
        Assert.Equal(OutboxStatus.Canceled, (await _mail.RequestToAsync(Api.Quality)).Status);
        var reminders = await _mail.OutboxAsync(ApprovalMailer.ReminderTemplate);
        Assert.Equal(OutboxStatus.Canceled, Assert.Single(reminders, r => r.Message.To[0].Address == Api.Quality.Email).Status);
        Assert.All(reminders.Where(r => r.Message.To[0].Address != Api.Quality.Email), r => Assert.Equal(OutboxStatus.Pending, r.Status));

        var after = await _mail.TaskAsync(taskId);
        Assert.Equal("Open", after["status"]!.GetValue<string>());
        Assert.Equal(deputy.Id, after["assigneeUserId"]!.GetValue<string>());
        Assert.Empty(await _mail.TimelineAsync("task.completed"));

        // The new assignee gets a request of their own, whose link decides as them.
        var request = await _mail.RequestToAsync(deputy);
        Assert.Equal(OutboxStatus.Pending, request.Status);
        Assert.Equal($"task:{taskId}", request.Message.CorrelationKey);
        var (theirs, _) = await _mail.LinksOfAsync(deputy);
        (await _mail.ConfirmAsync(theirs)).Is(HttpStatusCode.OK);
        Assert.Equal(deputy.Id, (await _mail.TaskAsync(taskId))["completedBy"]!.GetValue<string>());
    }

    [Fact]
    public async Task Link_IsRefused_WhenItsRecipientWasDeactivated()
    {
        var (approve, _) = await _mail.LinksOfAsync(Api.Quality);
        using var patch = new HttpRequestMessage(HttpMethod.Patch, $"api/users/{Api.Quality.Id}") { Content = Json(new System.Text.Json.Nodes.JsonObject { ["isActive"] = false }) };
        await HttpAssert.StatusAsync(HttpStatusCode.OK, await _mail.Server.Admin.SendAsync(patch));

        Assert.Equal("This account cannot decide", (await _mail.OpenAsync(approve)).Is(HttpStatusCode.Forbidden).Heading);
        (await _mail.ConfirmAsync(approve)).Is(HttpStatusCode.Forbidden);
        Assert.Empty(await _mail.TimelineAsync("task.completed"));
    }

    [Fact]
    public async Task RejectLink_AsksForTheReason_AndRejectsWithIt()
    {
        var task = await _mail.TaskOfAsync(Api.Quality);
        var (_, reject) = await _mail.LinksOfAsync(Api.Quality);
        var form = (await _mail.OpenAsync(reject)).Is(HttpStatusCode.OK);
        Assert.Contains("<textarea id=\"comment\" name=\"comment\"", form.Html, StringComparison.Ordinal);
        Assert.Contains(" required", form.Html, StringComparison.Ordinal);

        var again = (await _mail.ConfirmAsync(reject, "   ")).Is(HttpStatusCode.UnprocessableEntity);
        Assert.Equal($"Reject {_mail.Number}?", again.Heading);
        Assert.Contains("the comment is required", again.Html, StringComparison.Ordinal);
        Assert.Contains("aria-invalid=\"true\"", again.Html, StringComparison.Ordinal);
        Assert.Equal("Open", (await _mail.TaskAsync(task["id"]!.GetValue<string>()))["status"]!.GetValue<string>());

        const string Reason = "The report templates are not signed off <yet> & the rollback was never rehearsed";
        var done = (await _mail.ConfirmAsync(reject, Reason)).Is(HttpStatusCode.OK);

        Assert.Equal($"{_mail.Number} rejected", done.Heading);
        Assert.Contains("not signed off &lt;yet&gt; &amp; the rollback", done.Html, StringComparison.Ordinal);
        var rejected = await _mail.TaskAsync(task["id"]!.GetValue<string>());
        Assert.Equal("Rejected", rejected["outcome"]!.GetValue<string>());
        Assert.Equal(Reason, rejected["comment"]!.GetValue<string>());
        var entry = Assert.Single(await _mail.TimelineAsync("task.completed"));
        Assert.EndsWith($"— {Reason}", entry["summary"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.StartsWith("Rejected by e-mail by ", entry["summary"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Link_IsRefused_WhenTheDecisionWasAlreadyMade()
    {
        var (ownerApprove, _) = await _mail.LinksOfAsync(Api.Owner);
        var (qualityApprove, _) = await _mail.LinksOfAsync(Api.Quality);
        await CompleteAsync(Api.Quality, _mail.Number, "Approved", "From the inbox");
        Assert.Equal("Already decided", (await _mail.OpenAsync(qualityApprove)).Is(HttpStatusCode.Conflict).Heading);

        await CompleteAsync(Api.ChangeManager, _mail.Number, "Approved");
        await CompleteAsync(Api.Security, _mail.Number, "Approved");

        // The owner's vote is no longer needed: their task was closed by the quorum.
        var page = (await _mail.ConfirmAsync(ownerApprove)).Is(HttpStatusCode.Conflict);
        Assert.Equal("Already decided", page.Heading);
        Assert.Contains("no longer needed", page.Html, StringComparison.Ordinal);
        Assert.DoesNotContain(await _mail.TimelineAsync("task.completed"), e => e["actor"]!.GetValue<string>() == Api.Owner.Id && e["workflowStep"]!["activityId"]!.GetValue<string>() == "cab-vote");
    }

    [Fact]
    public async Task Pages_AreHtmlEncodedUncachedUnreferredAndUnindexed()
    {
        var (approve, _) = await _mail.LinksOfAsync(Api.Quality);

        foreach (var page in new[] { await _mail.OpenAsync(approve), await _mail.OpenAsync(new Uri(approve, "tampered")) })
        {
            Assert.Equal("text/html; charset=utf-8", page.Headers["Content-Type"]);
            Assert.Equal("no-referrer", page.Headers["Referrer-Policy"]);
            Assert.Equal("noindex, nofollow", page.Headers["X-Robots-Tag"]);
            Assert.Equal("no-store", page.Headers["Cache-Control"]);
            Assert.Equal("nosniff", page.Headers["X-Content-Type-Options"]);
            Assert.StartsWith("default-src 'none'; style-src 'sha256-", page.Headers["Content-Security-Policy"], StringComparison.Ordinal);
            Assert.Contains("frame-ancestors 'none'", page.Headers["Content-Security-Policy"], StringComparison.Ordinal);
            Assert.DoesNotContain("<script", page.Html, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("http", page.Html.Replace(approve.GetLeftPart(UriPartial.Authority), string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        }

        // A HEAD request (some scanners send one) answers like GET, without a body, and changes nothing either.
        using (var head = await _mail.Browser.SendAsync(new HttpRequestMessage(HttpMethod.Head, approve)))
        {
            Assert.Equal(HttpStatusCode.OK, head.StatusCode);
            Assert.Empty(await head.Content.ReadAsByteArrayAsync());
        }

        // A form posted from another site is refused before the token is even looked at.
        var crossSite = await _mail.PostAsync(MailApprovalDriver.TokenOf(approve), adjust: r => r.Headers.Add("Sec-Fetch-Site", "cross-site"));
        crossSite.Is(HttpStatusCode.Forbidden);
        var otherOrigin = await _mail.PostAsync(MailApprovalDriver.TokenOf(approve), adjust: r => r.Headers.Add("Origin", "https://attacker.example"));
        otherOrigin.Is(HttpStatusCode.Forbidden);
        Assert.Equal("Open", (await _mail.TaskOfAsync(Api.Quality))["status"]!.GetValue<string>());
    }

    private async Task<IReadOnlyList<string>> InboxOf(TestUser user, HumanTaskStatus status)
    {
        var page = (await HttpAssert.StatusAsync(HttpStatusCode.OK, await user.Client.GetAsync($"api/tasks?assignedTo=me&status={status}")))!;
        return [.. page["items"]!.AsArray().Where(t => t!["subjectId"]!.GetValue<string>() == _mail.Number).Select(t => t!["id"]!.GetValue<string>())];
    }

    private static string Flip(string token, int index)
    {
        var c = token[index];
        var replacement = c == 'A' ? 'B' : 'A';
        return string.Concat(token.AsSpan(0, index), replacement.ToString(), token.AsSpan(index + 1));
    }
}
