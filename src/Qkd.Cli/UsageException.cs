namespace Qkd.Cli;

/// <summary>A usage error: bad flag, bad value, missing file. Exit code 2, message on stderr.</summary>
public sealed class UsageException(string message) : Exception(message);
