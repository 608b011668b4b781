namespace ChangeFlow.Domain.Communication;

/// <summary>Which end of the change window a relative time counts from.</summary>
public enum WindowEdge
{
    /// <summary>The window's first instant.</summary>
    Start = 1,

    /// <summary>The first instant after the window.</summary>
    End = 2,
}
