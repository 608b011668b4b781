namespace ChangeFlow.Domain.Incidents;

/// <summary>Whether a clock is counting.</summary>
public enum SlaClockStatus
{
    /// <summary>Counting.</summary>
    Running = 1,

    /// <summary>Not counting for now (on hold, or resolved awaiting confirmation); it resumes.</summary>
    Paused = 2,

    /// <summary>Done: the target was met or missed for good.</summary>
    Stopped = 3,
}
