using Microsoft.Extensions.Logging;

namespace ChangeFlow.Testing;

/// <summary>One line a <see cref="ListLogger{T}"/> kept.</summary>
/// <param name="Level">The level.</param>
/// <param name="Message">The formatted message.</param>
public sealed record LogEntry(LogLevel Level, string Message);

/// <summary>A logger that keeps what it is told, for tests that assert what an operator would read in the log.</summary>
public sealed class ListLogger<T> : ILogger<T>
{
    private readonly List<LogEntry> _entries = [];

    /// <summary>The lines logged so far.</summary>
    public IReadOnlyList<LogEntry> Entries
    {
        get
        {
            lock (_entries)
            {
                return [.. _entries];
            }
        }
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        lock (_entries)
        {
            _entries.Add(new LogEntry(logLevel, formatter(state, exception)));
        }
    }
}
