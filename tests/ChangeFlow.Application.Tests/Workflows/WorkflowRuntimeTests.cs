using System.Text.Json.Nodes;
using ChangeFlow.Application.Tests.Support;
using ChangeFlow.Application.Workflows;
using ChangeFlow.Engine.Execution;

namespace ChangeFlow.Application.Tests.Workflows;

/// <summary>The runtime's stimulus inbox, timers, sweep and cancellation, on a real SQLite file.</summary>
public sealed class WorkflowRuntimeTests : RuntimeTestBase
{
    // ---- Start ----

    [Fact]
    public async Task StartAsync_ReturnsNotFound_AndStoresNothing_WhenNoVersionIsPublished()
    {
        var draft = await Harness.Definitions.ImportAsync(RuntimeHarness.ReadWorkflow("approval"), "test", publish: false, Ct);
        Assert.Equal("added", draft.Result);

        var result = await Runtime.StartAsync("approval", new StartRequest(), Ct);

        Assert.Equal(RuntimeOutcome.NotFound, result.Outcome);
        Assert.Equal(0, (await Runtime.ListAsync(new InstanceQuery(DefinitionId: "approval"), Ct)).Total);
    }

    [Fact]
    public async Task ResumeAsync_IsRejected_AndChangesNothing_WhenTheBookmarkIsUnknown()
    {
        await Harness.PublishAsync("approval");
        var started = await Harness.StartAsync("approval");
        var version = await Harness.VersionAsync(started.Id);

        var result = await Runtime.ResumeAsync(started.Id, "no-such-bookmark", null, Ct);

        Assert.Equal(RuntimeOutcome.Rejected, result.Outcome);
        Assert.Equal(version, await Harness.VersionAsync(started.Id));
        Assert.Equal(RuntimeOutcome.NotFound, (await Runtime.ResumeAsync("no-such-instance", "no-such-bookmark", null, Ct)).Outcome);
    }

    // ---- Stimuli ----

    [Fact]
    public async Task DeliverAsync_ResumesOnlyTheCorrelatedInstance_WhenACorrelationIdIsGiven()
    {
        await Harness.PublishAsync("approval");
        var other = await Harness.StartAsync("approval", correlationId: "CHG0001");
        var target = await Harness.StartAsync("approval", correlationId: "CHG0002");

        var delivered = await Runtime.DeliverAsync(RuntimeHarness.EventStimulus("approved", correlationId: "CHG0002"), Ct);

        Assert.Equal(new[] { target.Id }, delivered.InstanceIds);
        Assert.Equal(WorkflowStatus.Finished, await Harness.StatusAsync(target.Id));
        Assert.Equal(WorkflowStatus.Suspended, await Harness.StatusAsync(other.Id));
    }

    [Fact]
    public async Task DeliverAsync_KeepsTheStimulusPendingWithARetry_UntilItsBookmarkExists()
    {
        await Harness.PublishAsync("approval");

        var early = await Runtime.DeliverAsync(RuntimeHarness.EventStimulus("approved", new JsonObject { ["by"] = "cab" }), Ct);

        Assert.Equal((StimulusStatus.Pending, 0), (early.Status, early.Resumed));
        var retry = Assert.Single(Jobs.StimulusJobs);
        Assert.Equal((early.StimulusId, T0 + Harness.Options.StimulusRetryDelay), (retry.StimulusId, retry.DueAt));
        var stored = await Harness.Stimuli.FindAsync(early.StimulusId, Ct);
        Assert.NotNull(stored);
        Assert.Equal((StimulusStatus.Pending, 1, T0 + Harness.Options.StimulusRetryDelay), (stored.Status, stored.Attempts, stored.NextAttemptAt));
        Assert.NotNull(stored.LastError);

        var started = await Harness.StartAsync("approval");
        Clock.Advance(Harness.Options.StimulusRetryDelay);
        var late = await Runtime.ProcessStimulusAsync(retry.StimulusId!, Ct);

        Assert.Equal((StimulusStatus.Delivered, 1), (late.Status, late.Resumed));
        Assert.Equal(new[] { started.Id }, late.InstanceIds);
        Assert.Equal(WorkflowStatus.Finished, await Harness.StatusAsync(started.Id));
        Assert.Equal("{\"by\":\"cab\"}", (await Harness.StateAsync(started.Id)).Variables["Approval"]?.ToJsonString());
        Assert.Single(Jobs.StimulusJobs);

        // The retry job running once more (a job runs at least once) changes nothing.
        var journal = (await Harness.JournalAsync(started.Id)).Count;
        var again = await Runtime.ProcessStimulusAsync(retry.StimulusId!, Ct);
        Assert.Equal(StimulusStatus.Delivered, again.Status);
        Assert.Empty(again.InstanceIds);
        Assert.Equal(journal, (await Harness.JournalAsync(started.Id)).Count);
        Assert.Equal(2, (await Harness.Stimuli.FindAsync(early.StimulusId, Ct))?.Attempts);
    }

    [Fact]
    public async Task ProcessStimulusAsync_DeadLettersTheStimulus_AfterTheLastAttempt()
    {
        var maxAttempts = Harness.Options.StimulusMaxAttempts;
        var result = await Runtime.DeliverAsync(RuntimeHarness.EventStimulus("nobody-waits-for-this"), Ct);
        var expectedDue = new List<DateTimeOffset> { T0 + Harness.Options.StimulusRetryDelay };
        for (var attempt = 2; attempt <= maxAttempts; attempt++)
        {
            Assert.Equal(StimulusStatus.Pending, result.Status);
            Clock.SetUtcNow(Jobs.StimulusJobs[^1].DueAt);
            result = await Runtime.ProcessStimulusAsync(result.StimulusId, Ct);
            if (attempt < maxAttempts)
            {
                expectedDue.Add(Clock.GetUtcNow() + (Harness.Options.StimulusRetryDelay * Math.Pow(2, attempt - 1)));
            }
        }

        Assert.Equal(StimulusStatus.DeadLettered, result.Status);
        Assert.Equal(expectedDue, Jobs.StimulusJobs.Select(j => j.DueAt));
        var stored = await Harness.Stimuli.FindAsync(result.StimulusId, Ct);
        Assert.NotNull(stored);
        Assert.Equal((StimulusStatus.DeadLettered, maxAttempts, (DateTimeOffset?)Clock.GetUtcNow()), (stored.Status, stored.Attempts, stored.CompletedAt));
        Assert.Contains($"after {maxAttempts} attempts", stored.LastError, StringComparison.Ordinal);
        Assert.Equal(new[] { result.StimulusId }, (await Harness.Stimuli.ListDeadLetteredAsync(10, Ct)).Select(s => s.Id));
        Assert.Empty(await Harness.Stimuli.ListPendingAsync(Clock.GetUtcNow().AddDays(1), 10, Ct));

        var after = await Runtime.ProcessStimulusAsync(result.StimulusId, Ct);
        Assert.Equal(StimulusStatus.DeadLettered, after.Status);
        Assert.Equal(maxAttempts - 1, Jobs.StimulusJobs.Count);
        Assert.Equal(maxAttempts, (await Harness.Stimuli.FindAsync(result.StimulusId, Ct))?.Attempts);
    }

    // ---- Timers ----

    [Fact]
    public async Task StartAsync_SchedulesTheTimerAfterTheCommit_AtTheBookmarksDueInstant()
    {
        await Harness.PublishAsync("delay");
        var committedWhenScheduled = new List<bool>();
        Jobs.BeforeSchedule = async job =>
        {
            var snapshot = await Harness.Instances.LoadAsync(job.InstanceId!, Ct);
            committedWhenScheduled.Add(snapshot?.State.FindBookmark(job.BookmarkId!) is not null);
        };

        var started = await Harness.StartAsync("delay");

        var job = Assert.Single(Jobs.Timers);
        Assert.Equal((started.Id, T0.AddHours(1)), (job.InstanceId, job.DueAt));
        Assert.Equal(new[] { true }, committedWhenScheduled);
        var timer = Assert.Single(await Harness.TimersAsync());
        Assert.Equal(new TimerBookmark(started.Id, job.BookmarkId!, T0.AddHours(1), job.Id), timer);
    }

    [Fact]
    public async Task FireTimerAsync_ResumesTheTimerOnce_WhenItsJobRunsTwice()
    {
        await Harness.PublishAsync("delay");
        var started = await Harness.StartAsync("delay");
        var job = Assert.Single(Jobs.Timers);
        Clock.Advance(TimeSpan.FromHours(1));

        await Runtime.FireTimerAsync(job.InstanceId!, job.BookmarkId!, Ct);
        var journal = (await Harness.JournalAsync(started.Id)).Count;
        var version = await Harness.VersionAsync(started.Id);
        await Runtime.FireTimerAsync(job.InstanceId!, job.BookmarkId!, Ct);

        Assert.Equal(WorkflowStatus.Finished, await Harness.StatusAsync(started.Id));
        Assert.Equal(journal, (await Harness.JournalAsync(started.Id)).Count);
        Assert.Equal(version, await Harness.VersionAsync(started.Id));
        Assert.Single(await Harness.JournalAsync(started.Id), j => j.Kind == JournalEventKind.Resumed);
        Assert.Single(Jobs.Timers);
    }

    [Fact]
    public async Task FireTimerAsync_ReschedulesInsteadOfFiring_WhenTheJobArrivesTooEarly()
    {
        await Harness.PublishAsync("delay");
        var started = await Harness.StartAsync("delay");
        var job = Assert.Single(Jobs.Timers);
        var journal = (await Harness.JournalAsync(started.Id)).Count;
        Clock.Advance(TimeSpan.FromHours(1) - Harness.Options.EarlyFireTolerance - TimeSpan.FromSeconds(1));

        await Runtime.FireTimerAsync(job.InstanceId!, job.BookmarkId!, Ct);

        Assert.Equal(WorkflowStatus.Suspended, await Harness.StatusAsync(started.Id));
        Assert.Equal(journal, (await Harness.JournalAsync(started.Id)).Count);
        Assert.Equal(2, Jobs.Timers.Count);
        var again = Jobs.Timers[^1];
        Assert.Equal((started.Id, job.BookmarkId, T0.AddHours(1)), (again.InstanceId, again.BookmarkId, again.DueAt));
        Assert.Equal(again.Id, Assert.Single(await Harness.TimersAsync()).JobId);
    }

    [Fact]
    public async Task FireTimerAsync_WaitsForTheDueInstant_WhenTheJobArrivesWithinTheTolerance()
    {
        await Harness.PublishAsync("delay");
        var started = await Harness.StartAsync("delay");
        var job = Assert.Single(Jobs.Timers);
        Clock.Advance(TimeSpan.FromHours(1) - TimeSpan.FromSeconds(1));

        var fire = Runtime.FireTimerAsync(job.InstanceId!, job.BookmarkId!, Ct);

        // Without the clock moving on, the job must not fire (it sleeps on the fake clock).
        await Task.WhenAny(fire, Task.Delay(TimeSpan.FromMilliseconds(300)));
        Assert.False(fire.IsCompleted, "The timer fired before its due instant.");
        for (var i = 0; i < 400 && !fire.IsCompleted; i++)
        {
            Clock.Advance(TimeSpan.FromMilliseconds(100));
            await Task.WhenAny(fire, Task.Delay(TimeSpan.FromMilliseconds(25)));
        }

        await fire.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(WorkflowStatus.Finished, await Harness.StatusAsync(started.Id));
        var resumed = Assert.Single(await Harness.JournalAsync(started.Id), j => j.Kind == JournalEventKind.Resumed);
        Assert.True(resumed.Timestamp >= T0.AddHours(1), $"Resumed at {resumed.Timestamp:O}, before the due instant.");
        Assert.Single(Jobs.Timers);
    }

    [Fact]
    public async Task DeliverAsync_DeletesTheDelaysJob_WhenTheEventWinsTheRace()
    {
        await Harness.PublishAsync("race");
        var started = await Harness.StartAsync("race");
        var job = Assert.Single(Jobs.Timers);

        var delivered = await Runtime.DeliverAsync(RuntimeHarness.EventStimulus("approved"), Ct);

        Assert.Equal(1, delivered.Resumed);
        Assert.Equal(new[] { job.Id }, Jobs.Deleted);
        Assert.Empty(await Harness.TimersAsync());
        Assert.Equal(WorkflowStatus.Finished, await Harness.StatusAsync(started.Id));
        Assert.Equal("Approved", await Harness.OutcomeAsync(started.Id));

        // Had the delete come too late, the job finds its bookmark gone.
        var journal = (await Harness.JournalAsync(started.Id)).Count;
        Clock.Advance(TimeSpan.FromHours(1));
        await Runtime.FireTimerAsync(job.InstanceId!, job.BookmarkId!, Ct);
        Assert.Equal("Approved", await Harness.OutcomeAsync(started.Id));
        Assert.Equal(journal, (await Harness.JournalAsync(started.Id)).Count);
    }

    [Fact]
    public async Task FireTimerAsync_RemovesTheEventBookmark_WhenTheTimerWinsTheRace()
    {
        await Harness.PublishAsync("race");
        var started = await Harness.StartAsync("race");
        var job = Assert.Single(Jobs.Timers);
        Clock.Advance(TimeSpan.FromHours(1));

        await Runtime.FireTimerAsync(job.InstanceId!, job.BookmarkId!, Ct);
        var late = await Runtime.DeliverAsync(RuntimeHarness.EventStimulus("approved"), Ct);

        Assert.Equal("TimedOut", await Harness.OutcomeAsync(started.Id));
        Assert.Equal(WorkflowStatus.Finished, await Harness.StatusAsync(started.Id));
        Assert.Equal((StimulusStatus.Pending, 0), (late.Status, late.Resumed));
    }

    [Fact]
    public async Task CancelAsync_WithdrawsTheTimer_SoThatItsJobDoesNothing()
    {
        await Harness.PublishAsync("delay");
        var started = await Harness.StartAsync("delay");
        var job = Assert.Single(Jobs.Timers);

        var cancelled = await Runtime.CancelAsync(started.Id, Ct);

        Assert.Equal(RuntimeOutcome.Ok, cancelled.Outcome);
        Assert.Equal(WorkflowStatus.Cancelled, cancelled.Instance?.Status);
        Assert.Equal(new[] { job.Id }, Jobs.Deleted);
        Assert.Empty(await Harness.TimersAsync());
        Clock.Advance(TimeSpan.FromHours(2));
        await Runtime.FireTimerAsync(job.InstanceId!, job.BookmarkId!, Ct);
        Assert.Equal(WorkflowStatus.Cancelled, await Harness.StatusAsync(started.Id));
        Assert.Equal("Pending", await Harness.OutcomeAsync(started.Id));
        Assert.Equal(JournalEventKind.WorkflowCancelled, (await Harness.JournalAsync(started.Id))[^1].Kind);
        Assert.Equal(0, await Runtime.SweepAsync(Ct));
        Assert.Equal(RuntimeOutcome.Rejected, (await Runtime.CancelAsync(started.Id, Ct)).Outcome);
    }

    // ---- Sweep ----

    [Fact]
    public async Task SweepAsync_FiresAnOverdueTimerWhoseJobIsGone_AndSkipsOneWhoseJobIsPending()
    {
        await Harness.PublishAsync("delay");
        var lost = await Harness.StartAsync("delay");
        var kept = await Harness.StartAsync("delay");
        var lostJob = Jobs.Timers.Single(j => j.InstanceId == lost.Id);
        var keptJob = Jobs.Timers.Single(j => j.InstanceId == kept.Id);
        Jobs.Forget(lostJob.Id);

        Clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(0, await Runtime.SweepAsync(Ct));
        Clock.Advance(Harness.Options.SweepGrace + TimeSpan.FromSeconds(1));
        var repaired = await Runtime.SweepAsync(Ct);

        Assert.Equal(1, repaired);
        Assert.Equal(3, Jobs.Timers.Count);
        var swept = Jobs.Timers[^1];
        Assert.Equal((lost.Id, lostJob.BookmarkId, Clock.GetUtcNow()), (swept.InstanceId, swept.BookmarkId, swept.DueAt));
        var timers = await Harness.TimersAsync();
        Assert.Equal(swept.Id, timers.Single(t => t.InstanceId == lost.Id).JobId);
        Assert.Equal(keptJob.Id, timers.Single(t => t.InstanceId == kept.Id).JobId);

        await Runtime.FireTimerAsync(swept.InstanceId!, swept.BookmarkId!, Ct);
        Assert.Equal(WorkflowStatus.Finished, await Harness.StatusAsync(lost.Id));
        Assert.Equal(WorkflowStatus.Suspended, await Harness.StatusAsync(kept.Id));
        Assert.Equal(0, await Runtime.SweepAsync(Ct));
    }

    [Fact]
    public async Task SweepAsync_SchedulesATimer_WhenSchedulingFailedAfterTheCommit()
    {
        await Harness.PublishAsync("delay");
        Jobs.TimerFailure = new InvalidOperationException("The scheduler is down.");

        var started = await Harness.StartAsync("delay");

        Assert.Equal(WorkflowStatus.Suspended, started.Status);
        Assert.Empty(Jobs.Timers);
        var timer = Assert.Single(await Harness.TimersAsync());
        Assert.Null(timer.JobId);

        Jobs.TimerFailure = null;
        Clock.Advance(TimeSpan.FromHours(1) + Harness.Options.SweepGrace + TimeSpan.FromSeconds(1));
        Assert.Equal(1, await Runtime.SweepAsync(Ct));
        var job = Assert.Single(Jobs.Timers);
        Assert.Equal((started.Id, timer.BookmarkId), (job.InstanceId, job.BookmarkId));
    }

    [Fact]
    public async Task SweepAsync_ReschedulesAPendingStimulus_WhoseRetryIsOverdue()
    {
        var pending = await Runtime.DeliverAsync(RuntimeHarness.EventStimulus("approved"), Ct);
        Assert.Single(Jobs.StimulusJobs);

        Clock.Advance(Harness.Options.StimulusRetryDelay);
        Assert.Equal(0, await Runtime.SweepAsync(Ct));
        Clock.Advance(Harness.Options.SweepGrace);
        Assert.Equal(1, await Runtime.SweepAsync(Ct));

        var job = Jobs.StimulusJobs[^1];
        Assert.Equal((pending.StimulusId, Clock.GetUtcNow()), (job.StimulusId, job.DueAt));
    }

    // ---- Published events ----

    [Fact]
    public async Task ResumeAsync_CommitsAPublishedEventAsAStimulus_AndSchedulesItsDelivery()
    {
        await Harness.PublishAsync("relay");
        await Harness.PublishAsync("approval");
        var relay = await Harness.StartAsync("relay");
        var waiting = await Harness.StartAsync("approval");

        var go = await Runtime.DeliverAsync(RuntimeHarness.EventStimulus("go"), Ct);

        Assert.Equal(new[] { relay.Id }, go.InstanceIds);
        Assert.Equal(WorkflowStatus.Suspended, await Harness.StatusAsync(waiting.Id));
        var job = Assert.Single(Jobs.StimulusJobs);
        var published = await Harness.Stimuli.FindAsync(job.StimulusId!, Ct);
        Assert.Equal(StimulusStatus.Pending, published?.Status);

        var delivered = await Runtime.ProcessStimulusAsync(job.StimulusId!, Ct);

        Assert.Equal(new[] { waiting.Id }, delivered.InstanceIds);
        Assert.Equal("{\"by\":\"relay\"}", (await Harness.StateAsync(waiting.Id)).Variables["Approval"]?.ToJsonString());
    }

    [Fact]
    public async Task DeliverAsync_MarksTheStimulusDelivered_WhenSchedulingTheEventItsRunPublishedFails()
    {
        await Harness.PublishAsync("relay");
        var relay = await Harness.StartAsync("relay");
        Jobs.StimulusFailure = new InvalidOperationException("The scheduler is down.");

        var go = await Runtime.DeliverAsync(RuntimeHarness.EventStimulus("go"), Ct);

        // The run was committed: the stimulus that resumed it is delivered, not retried (and later dead-lettered).
        Assert.Equal((StimulusStatus.Delivered, 1), (go.Status, go.Resumed));
        Assert.Equal(StimulusStatus.Delivered, (await Harness.Stimuli.FindAsync(go.StimulusId, Ct))?.Status);
        Assert.Equal(WorkflowStatus.Finished, await Harness.StatusAsync(relay.Id));

        // The published event was committed with the run; the sweep schedules its delivery.
        Jobs.StimulusFailure = null;
        Clock.Advance(Harness.Options.SweepGrace);
        Assert.Equal(1, await Runtime.SweepAsync(Ct));
        var job = Assert.Single(Jobs.StimulusJobs);
        Assert.NotEqual(go.StimulusId, job.StimulusId);
        Assert.Equal(StimulusStatus.Pending, (await Harness.Stimuli.FindAsync(job.StimulusId!, Ct))?.Status);
    }
}
