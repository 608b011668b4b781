using ChangeFlow.Domain.Changes;

namespace ChangeFlow.Domain.Tests.Support;

internal static class TransitionResultExtensions
{
    /// <summary>The moved change; fails the test with the refusal's errors if the move was not applied.</summary>
    public static ChangeRequest Applied(this TransitionResult result)
    {
        Assert.True(result.IsApplied, $"{result.Status}: {string.Join("; ", result.Errors)}");
        return result.Change;
    }
}
