using ChangeFlow.Domain.Common;

namespace ChangeFlow.Domain.Tests.Common;

public sealed class ResultTests
{
    [Fact]
    public void Value_Throws_WhenResultIsAFailure()
    {
        var failure = Result.Failure<int>("window.end", ErrorCodes.OutOfRange, "The window ends before it starts.");

        var thrown = Assert.Throws<InvalidOperationException>(() => failure.Value);
        Assert.Contains("window.end: The window ends before it starts.", thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Failure_Throws_WhenGivenNoError() =>
        Assert.Throws<ArgumentException>(() => Result.Failure<int>([]));

    [Fact]
    public void ToString_OmitsThePath_WhenErrorIsAboutTheWholeObject() =>
        Assert.Equal("Nope.", new DomainError(string.Empty, ErrorCodes.Invalid, "Nope.").ToString());
}
