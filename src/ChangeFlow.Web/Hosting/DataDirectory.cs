namespace ChangeFlow.Web.Hosting;

/// <summary>The data directory: created if missing, and proven writable before anything else uses it.</summary>
internal static class DataDirectory
{
    /// <summary>
    /// Creates <paramref name="path"/> if needed, then writes and deletes a small file in it, so that a directory the
    /// service cannot write (a read-only mount, wrong owner, a full disk) stops the start with one line naming it,
    /// rather than a crash or a database error later.
    /// </summary>
    /// <exception cref="StartupException">The directory cannot be created or written.</exception>
    public static void EnsureWritable(string path)
    {
        try
        {
            Directory.CreateDirectory(path);
            Probe(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new StartupException(
                $"The data directory '{path}' (ChangeFlow:DataDirectory) is not writable: {ex.Message.TrimEnd('.')}.", ex);
        }
    }

    /// <summary>
    /// Writes a few bytes through to the disk in <paramref name="path"/> and deletes them again: the smallest write
    /// that fails when the disk is full or the file system read-only.
    /// </summary>
    /// <exception cref="IOException">The directory cannot be written.</exception>
    /// <exception cref="UnauthorizedAccessException">The directory cannot be written.</exception>
    public static void Probe(string path)
    {
        var probe = Path.Combine(path, $".write-probe-{Environment.ProcessId}");
        try
        {
            using (var stream = new FileStream(probe, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.WriteThrough))
            {
                stream.Write("ChangeFlow"u8);
                stream.Flush(flushToDisk: true);
            }

            File.Delete(probe);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            TryDelete(probe);
            throw;
        }
    }

    private static void TryDelete(string file)
    {
        try
        {
            File.Delete(file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The probe could not be written in the first place, or the directory is gone: nothing to clean up.
        }
    }
}
