namespace ChangeFlow.Engine.Expressions;

/// <summary>
/// Limits for untrusted scripts and templates. A script that breaks a limit faults its activity with an incident;
/// it never holds a thread longer than <see cref="TimeLimit"/>.
/// </summary>
public sealed class ScriptOptions
{
    /// <summary>Wall-clock time one JavaScript evaluation may take.</summary>
    /// <value>The default is 2 s.</value>
    public TimeSpan TimeLimit { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Memory one JavaScript evaluation may allocate, in bytes.</summary>
    /// <value>The default is 32 MiB.</value>
    public long MemoryLimitBytes { get; set; } = 32L * 1024 * 1024;

    /// <summary>Call depth a script may reach.</summary>
    /// <value>The default is 128.</value>
    public int RecursionLimit { get; set; } = 128;

    /// <summary>Statements one evaluation may execute; 0 for no limit beyond time.</summary>
    /// <value>The default is 10,000,000.</value>
    public int MaxStatements { get; set; } = 10_000_000;

    /// <summary>Steps one Liquid rendering may take (loops and tags).</summary>
    /// <value>The default is 100,000.</value>
    public int LiquidMaxSteps { get; set; } = 100_000;
}
