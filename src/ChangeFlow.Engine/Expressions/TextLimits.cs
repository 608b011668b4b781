namespace ChangeFlow.Engine.Expressions;

/// <summary>Cuts text a script made (a line, an error message) before it reaches logs and incidents.</summary>
internal static class TextLimits
{
    /// <summary><paramref name="text"/>, or its first <paramref name="max"/> characters and how many were cut.</summary>
    public static string Cut(string text, int max) =>
        text.Length <= max ? text : string.Concat(text.AsSpan(0, max), $"… ({text.Length - max} more characters cut)");
}
