namespace Qkd.PostProcessing;

/// <summary>
/// A classical message failed authentication (tampered, injected, replayed or reordered) or the
/// authentication key ran out. The round that received it must abort; nothing it produced may be used.
/// </summary>
public sealed class ClassicalAuthenticationException : Exception
{
    public ClassicalAuthenticationException()
    {
    }

    public ClassicalAuthenticationException(string message) : base(message)
    {
    }

    public ClassicalAuthenticationException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
