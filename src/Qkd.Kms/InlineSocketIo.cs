namespace Qkd.Kms;

/// <summary>
/// Socket completions handled on the socket engine's own threads instead of being queued to the thread pool
/// (.NET's <c>DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS</c>), and Kestrel running a request's code on the thread
/// that read it (<c>SocketTransportOptions.UnsafePreferInlineScheduling</c>): one or two thread wake-ups fewer per
/// request. On this 2-core VM a wake-up is a futex call through the hypervisor (a fifth of the KME's CPU samples in
/// the tenth round's profile); with both on, the KMEs need 10-20 % less CPU per key request and the p99 at
/// 1,000 req/s falls by ~1 ms (docs/kms.md "Measured", eleventh round). The price: code that blocks holds up the
/// other connections of its socket engine meanwhile; the KME's only blocking work is its SQLite transactions, which
/// serialise on the one writer anyway.
/// </summary>
public static class InlineSocketIo
{
    /// <summary>The runtime's switch, read once per process before its first socket operation.</summary>
    public const string Variable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>Turns inline completions on for this process unless its environment already decides ("0" keeps them off). Call before any socket is used.</summary>
    public static void PreferForProcess()
    {
        if (Environment.GetEnvironmentVariable(Variable) is null)
        {
            Environment.SetEnvironmentVariable(Variable, "1");
        }
    }

    /// <summary>Whether this process asked for inline completions (then Kestrel schedules inline too).</summary>
    public static bool Enabled => Environment.GetEnvironmentVariable(Variable) == "1";
}
