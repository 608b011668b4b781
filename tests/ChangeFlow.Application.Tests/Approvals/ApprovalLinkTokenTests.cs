using System.Security.Cryptography;
using ChangeFlow.Application.Approvals;

namespace ChangeFlow.Application.Tests.Approvals;

/// <summary>The link token format: what it carries, and that no change to it goes unnoticed.</summary>
public sealed class ApprovalLinkTokenTests
{
    private static readonly MailLinkKey Key = new("k1", RandomNumberGenerator.GetBytes(32), DateTimeOffset.UnixEpoch);

    private static readonly ApprovalLinkClaims Claims = new(
        "0123456789abcdef0123456789abcdef",
        "019decd9f4007dc6848f98370bda09dd",
        ApprovalAction.Reject,
        "usr_cd42e39fac7ff40a64209d88",
        new DateTimeOffset(2026, 5, 10, 8, 0, 0, TimeSpan.Zero),
        "k1");

    [Fact]
    public void Create_RoundTrips_TheClaims_InAUrlSafeToken()
    {
        var token = ApprovalLinkToken.Create(Claims, Key);

        Assert.Matches("^[A-Za-z0-9_-]+$", token);
        Assert.InRange(token.Length, 100, ApprovalLinkToken.MaxLength);
        Assert.True(ApprovalLinkToken.TryRead(token, out var read, out var signed, out var mac));
        Assert.Equal(Claims, read);
        Assert.True(ApprovalLinkToken.Verify(signed, mac, Key));
    }

    [Fact]
    public void Verify_Fails_ForAnyChangedCharacter()
    {
        var token = ApprovalLinkToken.Create(Claims, Key);
        const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

        for (var i = 0; i < token.Length; i++)
        {
            var changed = string.Concat(token.AsSpan(0, i), Alphabet[(Alphabet.IndexOf(token[i], StringComparison.Ordinal) + 1) % Alphabet.Length].ToString(), token.AsSpan(i + 1));
            Assert.False(
                ApprovalLinkToken.TryRead(changed, out _, out var signed, out var mac) && ApprovalLinkToken.Verify(signed, mac, Key),
                $"A token changed at position {i} still verifies.");
        }
    }

    [Fact]
    public void Verify_Fails_WithAnotherKey()
    {
        var token = ApprovalLinkToken.Create(Claims, Key);
        var other = Key with { Secret = RandomNumberGenerator.GetBytes(32) };

        Assert.True(ApprovalLinkToken.TryRead(token, out _, out var signed, out var mac));
        Assert.False(ApprovalLinkToken.Verify(signed, mac, other));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not a token")]
    [InlineData("AQJrMQ")]
    [InlineData("AQJrMRKIA065aEVfAy9nf7vuBthSAAAAAGoNcQggMDE5ZGVjZDlmNDAwN2RjNjg0OGY5ODM3MGJkYTA5ZGQcdXNyX2NkNDJlMzlmYWM3ZmY0MGE2NDIwOWQ4OKv373RXxqVsEzGeZLoY2MzgJzMu8G_wP92g5Lgzmz6H==")]
    public void TryRead_Refuses_WhatIsNotAToken(string text) => Assert.False(ApprovalLinkToken.TryRead(text, out _, out _, out _));

    [Fact]
    public void TryRead_Refuses_ATokenTooLongToBeOne() =>
        Assert.False(ApprovalLinkToken.TryRead(new string('A', ApprovalLinkToken.MaxLength + 4), out _, out _, out _));
}
