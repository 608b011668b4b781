using System.ComponentModel.DataAnnotations;

namespace ChangeFlow.Engine.Expressions;

/// <summary>
/// Limits for untrusted scripts and templates (section <c>ChangeFlow:Scripts</c>). A script or template that breaks a
/// limit faults its activity with an incident; it never holds a thread longer than its time limit, and what it returns
/// is bounded before it is turned into .NET values.
/// </summary>
public sealed class ScriptOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "ChangeFlow:Scripts";

    /// <summary>Wall-clock time one JavaScript evaluation may take.</summary>
    /// <value>The default is 2 s.</value>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan TimeLimit { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Time one regular expression match inside a script may take; a longer match faults the script. It is capped at
    /// <see cref="TimeLimit"/>.
    /// </summary>
    /// <value>The default is 1 s.</value>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:10:00")]
    public TimeSpan RegexTimeLimit { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Memory one JavaScript evaluation may allocate, in bytes.</summary>
    /// <value>The default is 32 MiB.</value>
    [Range(1024 * 1024, 4L * 1024 * 1024 * 1024)]
    public long MemoryLimitBytes { get; set; } = 32L * 1024 * 1024;

    /// <summary>Call depth a script may reach.</summary>
    /// <value>The default is 128.</value>
    [Range(8, 10_000)]
    public int RecursionLimit { get; set; } = 128;

    /// <summary>Statements one evaluation may execute; 0 for no limit beyond time.</summary>
    /// <value>The default is 10,000,000.</value>
    [Range(0, int.MaxValue)]
    public int MaxStatements { get; set; } = 10_000_000;

    /// <summary>
    /// Values (array items, object properties, scalars) a script's result may hold once converted; a value reached
    /// twice through shared references counts twice. Arrays longer than this are refused before anything is allocated.
    /// </summary>
    /// <value>The default is 100,000.</value>
    [Range(1, 10_000_000)]
    public int MaxResultValues { get; set; } = 100_000;

    /// <summary>Characters (strings and property names together) a script's result may hold once converted.</summary>
    /// <value>The default is 1,000,000.</value>
    [Range(1, 100_000_000)]
    public int MaxResultChars { get; set; } = 1_000_000;

    /// <summary>How deeply arrays and objects in a script's result may nest.</summary>
    /// <value>The default is 64.</value>
    [Range(1, 1000)]
    public int MaxResultDepth { get; set; } = 64;

    /// <summary>Steps one Liquid rendering may take (loops, tags and range items).</summary>
    /// <value>The default is 100,000.</value>
    [Range(1, 100_000_000)]
    public int LiquidMaxSteps { get; set; } = 100_000;

    /// <summary>Characters one Liquid rendering may write, captures and filter results included.</summary>
    /// <value>The default is 1,000,000.</value>
    [Range(1, 100_000_000)]
    public int LiquidMaxOutputChars { get; set; } = 1_000_000;

    /// <summary>Items a Liquid range or filter may materialise at once (<c>(1..n)</c>, <c>split</c>, ...).</summary>
    /// <value>The default is 10,000.</value>
    [Range(1, 10_000_000)]
    public int LiquidMaxCollectionSize { get; set; } = 10_000;

    /// <summary>How deeply Liquid templates may nest (includes, renders, macros).</summary>
    /// <value>The default is 32.</value>
    [Range(1, 1000)]
    public int LiquidMaxRecursion { get; set; } = 32;

    /// <summary>Wall-clock time one Liquid rendering may take.</summary>
    /// <value>The default is 2 s.</value>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan LiquidTimeLimit { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Characters one <c>Elsa.WriteLine</c> line, or the message of an error a script throws, may have; longer text is
    /// cut and marked as cut before it is logged or stored in an incident.
    /// </summary>
    /// <value>The default is 4,096.</value>
    [Range(16, 1_000_000)]
    public int MaxWriteLineChars { get; set; } = 4096;
}
