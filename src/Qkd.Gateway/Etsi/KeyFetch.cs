namespace Qkd.Gateway.Etsi;

/// <summary>Outcome of an ETSI 014 key request: keys, or the KME's refusal (an expected outcome, not an exception).</summary>
public abstract record KeyFetch
{
    /// <summary>The KME delivered these keys.</summary>
    public sealed record Delivered(IReadOnlyList<QkdKey> Keys) : KeyFetch;

    /// <summary>The KME answered with an error status (503: not enough key now; 400: unknown key ID...).</summary>
    public sealed record Refused(int StatusCode, string Message) : KeyFetch;

    private KeyFetch() { }
}
