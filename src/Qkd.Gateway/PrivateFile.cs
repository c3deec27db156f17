namespace Qkd.Gateway;

/// <summary>Files holding secrets (private keys, signing seeds): created new with mode 0600 from the start, so there is no window in which others could read them.</summary>
public static class PrivateFile
{
    /// <summary>Opens <paramref name="path"/> for writing; fails if it exists.</summary>
    public static FileStream CreateNew(string path)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        return new FileStream(path, options);
    }
}
