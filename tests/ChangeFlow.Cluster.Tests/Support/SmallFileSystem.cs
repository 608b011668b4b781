using System.Diagnostics;

namespace ChangeFlow.Cluster.Tests.Support;

/// <summary>
/// A small tmpfs mounted on a directory of its own (read-only or of a given size), for tests that need a file system
/// the service cannot write or that fills up. Mounting needs root; <see cref="Unavailable"/> says why it cannot be
/// done here. Disposing unmounts it and removes the directory.
/// </summary>
public sealed class SmallFileSystem : IDisposable
{
    private static readonly Lazy<string?> Reason = new(ProbeMount);

    private SmallFileSystem(string path)
    {
        Path = path;
    }

    /// <summary>Why no tmpfs can be mounted on this machine (not root, no mount capability), or null when it can.</summary>
    public static string? Unavailable => Reason.Value;

    /// <summary>The mount point.</summary>
    public string Path { get; }

    /// <summary>Mounts a tmpfs of <paramref name="megabytes"/> on a new temporary directory.</summary>
    public static SmallFileSystem Mount(int megabytes, bool readOnly = false)
    {
        var path = Directory.CreateTempSubdirectory("changeflow-fs-").FullName;
        var (code, output) = Run("mount", "-t", "tmpfs", "-o", $"size={megabytes}m{(readOnly ? ",ro" : "")}", "tmpfs", path);
        if (code != 0)
        {
            Directory.Delete(path);
            throw new InvalidOperationException($"mount -t tmpfs {path} failed ({code}): {output}");
        }

        return new SmallFileSystem(path);
    }

    /// <summary>Writes zeros into <paramref name="file"/> until the file system has no byte left.</summary>
    public static void Fill(string file)
    {
        var block = new byte[64 * 1024];
        using var stream = new FileStream(file, FileMode.Create, FileAccess.Write, FileShare.None, 1);
        try
        {
            while (true)
            {
                stream.Write(block);
            }
        }
        catch (IOException)
        {
            // No space left: what the caller wanted. Smaller writes take the last partial block.
        }

        try
        {
            while (true)
            {
                stream.Write(block, 0, 512);
            }
        }
        catch (IOException)
        {
        }
    }

    public void Dispose()
    {
        // Lazily, so that a process that still holds a file there (it was just killed) cannot keep it mounted.
        Run("umount", "-l", Path);
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static string? ProbeMount()
    {
        try
        {
            using var probe = Mount(1);
            return null;
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return $"needs a tmpfs mount (run as root with mount permission): {ex.Message}";
        }
    }

    private static (int Code, string Output) Run(string command, params string[] arguments)
    {
        var start = new ProcessStartInfo(command, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {command}.");
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output.Trim());
    }
}

/// <summary>A fact that needs <see cref="SmallFileSystem"/>; it is skipped, with the reason, where no tmpfs can be mounted.</summary>
public sealed class SmallFileSystemFactAttribute : FactAttribute
{
    public SmallFileSystemFactAttribute()
    {
        if (SmallFileSystem.Unavailable is { } reason)
        {
            Skip = reason;
        }
    }
}

/// <summary>
/// A directory this process (and the nodes it starts) cannot write: a read-only tmpfs where one can be mounted,
/// else, for a user other than root, a directory without write permission.
/// </summary>
public sealed class ReadOnlyDirectory : IDisposable
{
    private readonly SmallFileSystem? _mount;

    private ReadOnlyDirectory(string path, SmallFileSystem? mount)
    {
        Path = path;
        _mount = mount;
    }

    /// <summary>Why no read-only directory can be made here (root without mount permission), or null.</summary>
    public static string? Unavailable =>
        SmallFileSystem.Unavailable is { } reason && Environment.UserName == "root" ? reason : null;

    public string Path { get; }

    public static ReadOnlyDirectory Create()
    {
        if (SmallFileSystem.Unavailable is null)
        {
            var mount = SmallFileSystem.Mount(1, readOnly: true);
            return new ReadOnlyDirectory(mount.Path, mount);
        }

        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("Read-only directories are made with Unix file modes.");
        }

        var path = Directory.CreateTempSubdirectory("changeflow-ro-").FullName;
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        return new ReadOnlyDirectory(path, null);
    }

    public void Dispose()
    {
        if (_mount is not null)
        {
            _mount.Dispose();
            return;
        }

        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        Directory.Delete(Path, recursive: true);
    }
}

/// <summary>A theory that needs <see cref="ReadOnlyDirectory"/>; skipped, with the reason, where none can be made.</summary>
public sealed class ReadOnlyDirectoryTheoryAttribute : TheoryAttribute
{
    public ReadOnlyDirectoryTheoryAttribute()
    {
        if (ReadOnlyDirectory.Unavailable is { } reason)
        {
            Skip = reason;
        }
    }
}
