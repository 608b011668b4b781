using ChangeFlow.Domain.Common;
using ChangeFlow.Domain.Problems;
using ChangeFlow.Domain.Tests.Support;

namespace ChangeFlow.Domain.Tests.Problems;

public sealed class ProblemTests
{
    [Fact]
    public void Problem_BecomesAKnownErrorWithItsWorkaround_ThenIsResolvedByAChange()
    {
        var problem = Problem.Log("PRB-2026-0001", "LIMS index bloat", "Result entry slows down weekly", "application-support", Wat.At(5, 4, 9), "problem-manager").Value
            .Investigate(Wat.At(5, 4, 10), "problem-manager").Value
            .MarkKnownError("Rebuild the index nightly", "Autovacuum disabled on lims-db-01", Wat.At(5, 5, 9), "dba").Value;

        Assert.Equal(ProblemState.KnownError, problem.State);
        Assert.Equal("Rebuild the index nightly", problem.Workaround);
        Assert.Equal(Wat.At(5, 5, 9), problem.KnownErrorAt);

        var resolved = problem.Resolve("Autovacuum re-enabled", "RFC-2026-020", Wat.At(5, 12, 9), "dba").Value.Close(Wat.At(5, 19, 9), "problem-manager").Value;
        Assert.Equal("RFC-2026-020", resolved.FixChange);
        Assert.Equal([ProblemState.Logged, ProblemState.UnderInvestigation, ProblemState.KnownError, ProblemState.Resolved, ProblemState.Closed], resolved.History.Select(h => h.To));
    }

    [Fact]
    public void MarkKnownError_NeedsAWorkaround_AndClosedProblemsStayClosed()
    {
        var problem = Problem.Log("PRB-2026-0002", "VPN drops", null, null, Wat.At(5, 4, 9), "pm").Value;

        Assert.Equal("workaround", Assert.Single(problem.MarkKnownError(" ", null, Wat.At(5, 4, 9), "pm").Errors).Path);
        Assert.Equal(ErrorCodes.NotAllowed, Assert.Single(problem.Close(Wat.At(5, 4, 9), "pm").Errors).Code);
        Assert.Equal("title", Assert.Single(Problem.Log("PRB-2026-0003", "", null, null, Wat.At(5, 4, 9), "pm").Errors).Path);
    }
}
