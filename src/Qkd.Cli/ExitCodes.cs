namespace Qkd.Cli;

/// <summary>Process exit codes of every command (STYLE.md, "Errors and logs").</summary>
public static class ExitCodes
{
    /// <summary>Success.</summary>
    public const int Ok = 0;

    /// <summary>The domain said no: QBER above threshold, no secure key, health test failed.</summary>
    public const int DomainAbort = 1;

    /// <summary>Usage error: unknown flag, value out of range, unreadable input file.</summary>
    public const int Usage = 2;

    /// <summary>I/O failure while running (disk, network).</summary>
    public const int Io = 3;
}
