using System.ComponentModel.DataAnnotations;

namespace ChangeFlow.Engine.Loading;

/// <summary>
/// How large a definition the loader accepts (the service binds section <c>ChangeFlow:WorkflowDefinitions</c>). The
/// bounds keep one request from holding a core: a definition over a limit is refused with one problem naming the
/// limit, before its activities are read.
/// </summary>
/// <remarks>
/// The limits apply to every definition loaded, stored versions included: lowering one below a stored definition's
/// size makes that version fail to load, so raise them rather than lower them under definitions in use.
/// </remarks>
public sealed class WorkflowLoaderOptions
{
    /// <summary>The most bytes (UTF-8) a definition's text may have; the API refuses a larger body with 413.</summary>
    /// <value>The default is 2 MiB (2,097,152 bytes). The shipped workflows are under 32 KiB.</value>
    [Range(1_024, 256 * 1024 * 1024)]
    public int MaxDefinitionBytes { get; set; } = 2 * 1024 * 1024;

    /// <summary>The most activities a flowchart may have.</summary>
    /// <value>The default is 2,000. The shipped workflows have under 40.</value>
    [Range(1, 1_000_000)]
    public int MaxActivities { get; set; } = 2_000;

    /// <summary>The most connections a flowchart may have.</summary>
    /// <value>The default is 8,000 (four per activity at the default activity limit).</value>
    [Range(1, 4_000_000)]
    public int MaxConnections { get; set; } = 8_000;
}
