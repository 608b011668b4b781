using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace ChangeFlow.Application.Security;

/// <summary>
/// Hashes passwords with PBKDF2-HMAC-SHA256 and a 16-byte salt per hash. The stored form names its algorithm and
/// iterations, <c>pbkdf2-sha256$600000$&lt;salt&gt;$&lt;hash&gt;</c> (base64), so the work factor can be raised without
/// invalidating existing hashes: <see cref="Verify"/> reports when a hash should be replaced.
/// </summary>
public static class PasswordHasher
{
    private const string Algorithm = "pbkdf2-sha256";
    private const int SaltBytes = 16;
    private const int HashBytes = 32;

    /// <summary>Hashes <paramref name="password"/> with <paramref name="iterations"/> iterations and a fresh salt.</summary>
    public static string Hash(string password, int iterations)
    {
        ArgumentNullException.ThrowIfNull(password);
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, 1);
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, HashBytes);
        return string.Create(CultureInfo.InvariantCulture, $"{Algorithm}${iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}");
    }

    /// <summary>
    /// Whether <paramref name="password"/> matches <paramref name="stored"/> (compared in constant time); a malformed
    /// or unknown format never matches. <paramref name="needsRehash"/> is true for a match hashed with fewer than
    /// <paramref name="iterations"/> iterations.
    /// </summary>
    public static bool Verify(string password, string stored, int iterations, out bool needsRehash)
    {
        ArgumentNullException.ThrowIfNull(password);
        ArgumentNullException.ThrowIfNull(stored);
        needsRehash = false;
        var parts = stored.Split('$');
        if (parts.Length != 4 || parts[0] != Algorithm
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var storedIterations) || storedIterations < 1)
        {
            return false;
        }

        byte[] salt, expected;
        try
        {
            salt = Convert.FromBase64String(parts[2]);
            expected = Convert.FromBase64String(parts[3]);
        }
        catch (FormatException)
        {
            return false;
        }

        if (expected.Length == 0)
        {
            return false;
        }

        var actual = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, storedIterations, HashAlgorithmName.SHA256, expected.Length);
        if (!CryptographicOperations.FixedTimeEquals(actual, expected))
        {
            return false;
        }

        needsRehash = storedIterations < iterations;
        return true;
    }
}

/// <summary>Creates and hashes API token secrets and generated passwords.</summary>
public static class Secrets
{
    /// <summary>The prefix of every secret ChangeFlow issues (so secret scanners can recognise a leaked one).</summary>
    public const string TokenPrefix = "cfp_";

    /// <summary>A new token secret: <paramref name="prefix"/> (<c>cfp_</c> unless said) and 32 random bytes in base64url (43 characters).</summary>
    public static string NewToken(string prefix = TokenPrefix) => prefix + Base64Url(RandomNumberGenerator.GetBytes(32));

    /// <summary>A random password of 24 base64url characters (144 bits).</summary>
    public static string NewPassword() => Base64Url(RandomNumberGenerator.GetBytes(18));

    /// <summary>Lower-case hexadecimal SHA-256 of a secret, the only form tokens are stored in.</summary>
    public static string HashToken(string secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
    }

    /// <summary>The part of a secret shown in token lists: its first 8 characters after <paramref name="prefix"/> (or its first 8).</summary>
    public static string DisplayPrefix(string secret, string prefix = TokenPrefix)
    {
        ArgumentNullException.ThrowIfNull(secret);
        ArgumentNullException.ThrowIfNull(prefix);
        var head = secret.StartsWith(prefix, StringComparison.Ordinal) ? prefix.Length + 8 : 8;
        return secret[..Math.Min(head, secret.Length)];
    }

    /// <summary>A new <see cref="UserRecord.SecurityStamp"/>: 128 random bits in hexadecimal.</summary>
    public static string NewStamp() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    /// <summary>A new id such as <c>usr_3f2a...</c>.</summary>
    public static string NewId(string prefix) => prefix + "_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
