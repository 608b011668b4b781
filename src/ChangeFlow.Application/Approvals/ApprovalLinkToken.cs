using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace ChangeFlow.Application.Approvals;

/// <summary>
/// What an approve / reject link proves once its signature checks: that ChangeFlow sent <see cref="UserId"/> a link
/// to <see cref="Action"/> task <see cref="TaskId"/> until <see cref="ExpiresAt"/>. <see cref="TokenId"/> makes each
/// link unique, so its single use can be recorded.
/// </summary>
/// <param name="TokenId">32 hexadecimal digits (128 random bits).</param>
/// <param name="TaskId">The task.</param>
/// <param name="Action">Approve or reject.</param>
/// <param name="UserId">The recipient, on whose behalf the link acts.</param>
/// <param name="ExpiresAt">The end of its validity, in whole seconds.</param>
/// <param name="KeyId">The id of the key that signed it.</param>
public sealed record ApprovalLinkClaims(string TokenId, string TaskId, ApprovalAction Action, string UserId, DateTimeOffset ExpiresAt, string KeyId);

/// <summary>
/// The link token format: base64url of a version byte, the key id, the token id, the action, the expiry (Unix
/// seconds), the task id and the user id, followed by an HMAC-SHA256 over all of that under a purpose label. Nothing
/// in it is secret (ids and an instant); it only has to be unforgeable. Any change to any character breaks either the
/// layout or the signature.
/// </summary>
public static class ApprovalLinkToken
{
    /// <summary>The longest token accepted, in characters (a real one is about 170).</summary>
    public const int MaxLength = 600;

    private const byte Version = 1;
    private const int MacLength = 32;
    private const int TokenIdLength = 16;
    private const int MaxIdBytes = 200;

    // The MAC covers this label too, so a key that ever signed anything else could not be used to forge links.
    private static readonly byte[] Purpose = "ChangeFlow approve-by-e-mail link v1\0"u8.ToArray();

    /// <summary>Signs <paramref name="claims"/> with <paramref name="key"/> (whose id must be <see cref="ApprovalLinkClaims.KeyId"/>).</summary>
    public static string Create(ApprovalLinkClaims claims, MailLinkKey key)
    {
        ArgumentNullException.ThrowIfNull(claims);
        ArgumentNullException.ThrowIfNull(key);
        if (claims.KeyId != key.Id)
        {
            throw new ArgumentException($"The claims name key '{claims.KeyId}', not '{key.Id}'.", nameof(key));
        }

        var keyId = Encoding.ASCII.GetBytes(claims.KeyId);
        var tokenId = Convert.FromHexString(claims.TokenId);
        var taskId = Encoding.UTF8.GetBytes(claims.TaskId);
        var userId = Encoding.UTF8.GetBytes(claims.UserId);
        if (keyId.Length is 0 or > 32 || tokenId.Length != TokenIdLength || taskId.Length is 0 or > MaxIdBytes || userId.Length is 0 or > MaxIdBytes)
        {
            throw new ArgumentException("A link names a key id of 1-32 characters, a 128-bit token id and task and user ids of 1-200 bytes.", nameof(claims));
        }

        var body = new List<byte>(96) { Version, (byte)keyId.Length };
        body.AddRange(keyId);
        body.AddRange(tokenId);
        body.Add(claims.Action == ApprovalAction.Approve ? (byte)'A' : (byte)'R');
        Span<byte> expires = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(expires, claims.ExpiresAt.ToUnixTimeSeconds());
        body.AddRange(expires.ToArray());
        body.Add((byte)taskId.Length);
        body.AddRange(taskId);
        body.Add((byte)userId.Length);
        body.AddRange(userId);
        var payload = body.ToArray();
        return Base64Url.Encode([.. payload, .. Mac(key.Secret, payload)]);
    }

    /// <summary>
    /// Reads the layout of <paramref name="token"/> without trusting it: the claims, and the signed part and signature
    /// to check with <see cref="Verify"/>. False for anything that is not a well-formed token of this version.
    /// </summary>
    public static bool TryRead(string? token, out ApprovalLinkClaims claims, out byte[] signed, out byte[] mac)
    {
        claims = null!;
        signed = [];
        mac = [];
        if (string.IsNullOrEmpty(token) || token.Length > MaxLength || !Base64Url.TryDecode(token, out var bytes) || bytes.Length < 2 + TokenIdLength + 1 + 8 + 2 + MacLength)
        {
            return false;
        }

        var payload = bytes[..^MacLength];
        var reader = new Reader(payload);
        if (!reader.TryByte(out var version) || version != Version
            || !reader.TryCounted(out var keyIdBytes) || keyIdBytes.Length == 0 || keyIdBytes.Any(b => b is < 0x21 or > 0x7E)
            || !reader.TryBytes(TokenIdLength, out var tokenId)
            || !reader.TryByte(out var action) || action is not ((byte)'A' or (byte)'R')
            || !reader.TryBytes(8, out var expires)
            || !reader.TryCounted(out var taskId) || taskId.Length == 0
            || !reader.TryCounted(out var userId) || userId.Length == 0
            || !reader.AtEnd)
        {
            return false;
        }

        string taskText, userText;
        try
        {
            var strict = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
            taskText = strict.GetString(taskId);
            userText = strict.GetString(userId);
        }
        catch (DecoderFallbackException)
        {
            return false;
        }

        var seconds = BinaryPrimitives.ReadInt64BigEndian(expires);
        if (seconds < 0 || seconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
        {
            return false;
        }

        claims = new ApprovalLinkClaims(
            Convert.ToHexStringLower(tokenId),
            taskText,
            action == (byte)'A' ? ApprovalAction.Approve : ApprovalAction.Reject,
            userText,
            DateTimeOffset.FromUnixTimeSeconds(seconds),
            Encoding.ASCII.GetString(keyIdBytes));
        signed = payload;
        mac = bytes[^MacLength..];
        return true;
    }

    /// <summary>Whether <paramref name="mac"/> is the signature of <paramref name="signed"/> under <paramref name="key"/> (constant time).</summary>
    public static bool Verify(byte[] signed, byte[] mac, MailLinkKey key)
    {
        ArgumentNullException.ThrowIfNull(signed);
        ArgumentNullException.ThrowIfNull(mac);
        ArgumentNullException.ThrowIfNull(key);
        return mac.Length == MacLength && CryptographicOperations.FixedTimeEquals(Mac(key.Secret, signed), mac);
    }

    /// <summary>Reads a token's fields in order, never past the end.</summary>
    private sealed class Reader(byte[] data)
    {
        private int _at;

        public bool AtEnd => _at == data.Length;

        public bool TryByte(out byte value)
        {
            value = _at < data.Length ? data[_at] : (byte)0;
            return _at++ < data.Length;
        }

        public bool TryBytes(int length, out byte[] value)
        {
            value = _at + length <= data.Length ? data[_at..(_at + length)] : [];
            var ok = _at + length <= data.Length;
            _at += length;
            return ok;
        }

        /// <summary>A length byte, then that many bytes.</summary>
        public bool TryCounted(out byte[] value)
        {
            value = [];
            return TryByte(out var length) && TryBytes(length, out value);
        }
    }

    private static byte[] Mac(byte[] secret, byte[] payload) => HMACSHA256.HashData(secret, (byte[])[.. Purpose, .. payload]);

    /// <summary>base64url without padding (RFC 4648 §5), strict: no padding, whitespace or other characters.</summary>
    private static class Base64Url
    {
        public static string Encode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

        public static bool TryDecode(string text, out byte[] bytes)
        {
            bytes = [];
            if (text.Length % 4 == 1 || text.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_')))
            {
                return false;
            }

            var padded = text.Replace('-', '+').Replace('_', '/') + new string('=', (4 - (text.Length % 4)) % 4);
            var buffer = new byte[padded.Length * 3 / 4];
            if (!Convert.TryFromBase64String(padded, buffer, out var written))
            {
                return false;
            }

            bytes = buffer[..written];

            // Base64 ignores the low bits of the last character; a token that differs there decodes to the same bytes.
            // Insisting on the canonical form makes every changed character a different (and so refused) token.
            return Encode(bytes) == text;
        }
    }
}
