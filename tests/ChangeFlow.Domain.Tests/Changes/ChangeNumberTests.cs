using ChangeFlow.Domain.Changes;
using ChangeFlow.Domain.Common;

namespace ChangeFlow.Domain.Tests.Changes;

public sealed class ChangeNumberTests
{
    [Fact]
    public void Parse_ReadsYearAndSequence_WhenTextIsCanonical()
    {
        var parsed = ChangeNumber.Parse("RFC-2026-014");

        Assert.True(parsed.IsSuccess);
        Assert.Equal(2026, parsed.Value.Year);
        Assert.Equal(14, parsed.Value.Sequence);
    }

    [Theory]
    [InlineData("RFC-2026-014")]
    [InlineData("RFC-2026-001")]
    [InlineData("RFC-2026-999")]
    [InlineData("RFC-2026-1000")]
    public void ToString_RoundTripsParse_WhenNumberIsValid(string text) =>
        Assert.Equal(text, ChangeNumber.Parse(text).Value.ToString());

    [Theory]
    [InlineData("rfc-2026-014")]
    [InlineData("RFC-2026-14")]
    [InlineData("RFC-2026-0014")]
    [InlineData("RFC-26-014")]
    [InlineData("RFC-2026-000")]
    [InlineData("CHG-2026-014")]
    [InlineData("RFC-2026-01a")]
    [InlineData("RFC-2026-014-1")]
    [InlineData("RFC-2026-99999999999")]
    [InlineData(" RFC-2026-014")]
    public void Parse_ReturnsInvalid_WhenTextIsNotCanonical(string text)
    {
        var parsed = ChangeNumber.Parse(text);

        Assert.False(parsed.IsSuccess);
        Assert.Equal(ErrorCodes.Invalid, Assert.Single(parsed.Errors).Code);
        Assert.False(ChangeNumber.TryParse(text, out _));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Parse_ReturnsRequired_WhenTextIsMissing(string? text) =>
        Assert.Equal(ErrorCodes.Required, Assert.Single(ChangeNumber.Parse(text).Errors).Code);

    [Fact]
    public void Format_PadsSequenceToThreeDigits_WhenSequenceIsSmall() =>
        Assert.Equal("RFC-2026-007", ChangeNumber.Create(2026, 7).Value.ToString());

    [Fact]
    public void Next_ReturnsTheFollowingSequence_WhenTheYearHasChanges() =>
        Assert.Equal("RFC-2026-015", ChangeNumber.Next(2026, 14).Value.ToString());

    [Fact]
    public void Next_StartsAtOne_WhenTheYearHasNoChangeYet() =>
        Assert.Equal("RFC-2027-001", ChangeNumber.Next(2027, 0).Value.ToString());

    [Fact]
    public void Next_ReturnsExhausted_WhenTheLastSequenceIsUsed() =>
        Assert.Equal(ErrorCodes.Exhausted, Assert.Single(ChangeNumber.Next(2026, ChangeNumber.MaxSequence).Errors).Code);

    [Fact]
    public void Next_ReturnsOutOfRange_WhenLastSequenceIsNegative() =>
        Assert.Equal(ErrorCodes.OutOfRange, Assert.Single(ChangeNumber.Next(2026, -1).Errors).Code);

    [Fact]
    public void Create_ReportsBothParts_WhenYearAndSequenceAreInvalid()
    {
        var created = ChangeNumber.Create(26, 0);

        Assert.Equal(["year", "sequence"], created.Errors.Select(error => error.Path));
    }

    [Fact]
    public void CompareTo_OrdersByYearThenSequence_WhenNumbersDiffer()
    {
        var numbers = new[] { "RFC-2027-001", "RFC-2026-100", "RFC-2026-014", "RFC-2026-1000" }
            .Select(text => ChangeNumber.Parse(text).Value)
            .Order()
            .Select(number => number.ToString());

        Assert.Equal(["RFC-2026-014", "RFC-2026-100", "RFC-2026-1000", "RFC-2027-001"], numbers);
        Assert.True(ChangeNumber.Parse("RFC-2026-014").Value < ChangeNumber.Parse("RFC-2026-015").Value);
    }

    [Fact]
    public void Equals_IsTrue_WhenParsedAndCreatedNumbersMatch() =>
        Assert.Equal(ChangeNumber.Create(2026, 14).Value, ChangeNumber.Parse("RFC-2026-014").Value);

    [Fact]
    public void IsDefault_IsTrue_WhenNumberWasNeverSet()
    {
        Assert.True(default(ChangeNumber).IsDefault);
        Assert.Equal(string.Empty, default(ChangeNumber).ToString());
    }
}
