namespace ChangeFlow.Application.Notifications;

/// <summary>The files communication plan rows attach (a quick reference card), by file name.</summary>
public interface INoticeAttachments
{
    /// <summary>The file <paramref name="fileName"/> as an attachment, or null when there is none.</summary>
    Task<MailAttachment?> FindAsync(string fileName, CancellationToken cancellationToken);
}

/// <summary>Attachments read from one directory (<c>&lt;DataDirectory&gt;/attachments</c>); names never leave it.</summary>
public sealed class DirectoryNoticeAttachments : INoticeAttachments
{
    /// <summary>The largest file attached, in bytes; mail servers commonly refuse messages over 10 MB.</summary>
    public const long MaxBytes = 5 * 1024 * 1024;

    private static readonly Dictionary<string, string> ContentTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        [".pdf"] = "application/pdf",
        [".png"] = "image/png",
        [".jpg"] = "image/jpeg",
        [".jpeg"] = "image/jpeg",
        [".txt"] = "text/plain; charset=utf-8",
        [".html"] = "text/html; charset=utf-8",
        [".docx"] = "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        [".xlsx"] = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        [".pptx"] = "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    };

    private readonly string _directory;

    /// <summary>Reads from <paramref name="directory"/> (it need not exist yet).</summary>
    public DirectoryNoticeAttachments(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        _directory = Path.GetFullPath(directory);
    }

    /// <inheritdoc />
    public async Task<MailAttachment?> FindAsync(string fileName, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(fileName) || fileName != Path.GetFileName(fileName))
        {
            return null;
        }

        var path = Path.Combine(_directory, fileName);
        var info = new FileInfo(path);
        if (!info.Exists || info.Length > MaxBytes)
        {
            return null;
        }

        var content = await File.ReadAllBytesAsync(path, cancellationToken);
        return new MailAttachment(fileName, ContentTypes.GetValueOrDefault(Path.GetExtension(fileName), "application/octet-stream"), content);
    }
}
