using System.Collections.Immutable;

namespace ChangeFlow.Persistence;

/// <summary>
/// Tells a storage failure (the database or its disk cannot take a write now: disk full, I/O error, read-only or
/// unreachable database) from every other exception, in one place. Such a failure is not a conflict and not a bug: a
/// store must not report it as "already exists", and the API answers it with 503 and <c>Retry-After</c>.
/// </summary>
/// <remarks>
/// This project is provider-neutral, so each provider's set-up (<c>UseChangeFlowSqlite</c>, <c>UseChangeFlowPostgreSql</c>)
/// adds the test for its own exception type; the file-system errors are known here.
/// </remarks>
public static class StorageFailure
{
    // errno values of Linux (and the BSDs for the first two) that .NET keeps as an IOException's HResult.
    private const int NoSpaceLeftOnDevice = 28; // ENOSPC
    private const int ReadOnlyFileSystem = 30; // EROFS
    private const int DiskQuotaExceeded = 122; // EDQUOT (Linux)

    private static ImmutableArray<Func<Exception, bool>> _classifiers = [];

    /// <summary>Adds a provider's test for its own exception type; adding the same test twice adds it once.</summary>
    public static void AddClassifier(Func<Exception, bool> isStorageFailure)
    {
        ArgumentNullException.ThrowIfNull(isStorageFailure);
        ImmutableInterlocked.Update(ref _classifiers, list => list.Contains(isStorageFailure) ? list : list.Add(isStorageFailure));
    }

    /// <summary>True when <paramref name="exception"/>, or an exception it wraps, is a storage failure.</summary>
    public static bool IsUnavailable(Exception? exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is AggregateException aggregate && aggregate.InnerExceptions.Any(IsUnavailable))
            {
                return true;
            }

            if (current is IOException { HResult: NoSpaceLeftOnDevice or ReadOnlyFileSystem or DiskQuotaExceeded })
            {
                return true;
            }

            foreach (var classifier in _classifiers)
            {
                if (classifier(current))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
