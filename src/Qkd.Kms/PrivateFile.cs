using System.Text;

namespace Qkd.Kms;

/// <summary>
/// Files only the owner may read (private keys, configs holding the wrapping key, the audit log),
/// created with mode 0600 by the open call itself, so there is no moment in which a freshly written
/// file is readable by others (a chmod after writing leaves that window).
/// </summary>
public static class PrivateFile
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Opens <paramref name="path"/> for writing, created 0600; <paramref name="mode"/> CreateNew refuses an existing file, Append keeps it.</summary>
    public static FileStream Open(string path, FileMode mode, FileShare share = FileShare.Read)
    {
        var options = new FileStreamOptions { Mode = mode, Access = FileAccess.Write, Share = share };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnly;
        }
        var stream = new FileStream(path, options);
        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(stream.SafeFileHandle) & ~OwnerOnly) != 0)
        {
            // An existing file (Append) keeps its mode: narrow it before anything is written.
            File.SetUnixFileMode(stream.SafeFileHandle, OwnerOnly);
        }
        return stream;
    }

    /// <summary>Writes <paramref name="text"/> to a new 0600 file; an existing file is replaced only when <paramref name="overwrite"/>.</summary>
    public static void WriteAllText(string path, string text, bool overwrite)
    {
        if (overwrite && File.Exists(path))
        {
            // Replaced, not rewritten in place: a file created earlier with a wider mode must not keep it.
            File.Delete(path);
        }
        using var stream = Open(path, FileMode.CreateNew, FileShare.None);
        var bytes = Encoding.UTF8.GetBytes(text);
        stream.Write(bytes);
    }
}
