using Org.BouncyCastle.Tls;

namespace Qkd.Gateway.Tunnel;

/// <summary>A TLS 1.3 connection whose sending keys the tunnel can update on its own schedule (RFC 8446 section 4.6.3).</summary>
internal interface IKeyUpdatingProtocol
{
    Stream Stream { get; }

    /// <summary>Sends KeyUpdate(update_requested): this side's traffic keys change now, the peer's at its next write.</summary>
    void UpdateKeys();

    void Close();
}

/// <summary>BouncyCastle's client protocol with the (protected) KeyUpdate sender exposed.</summary>
internal sealed class KeyUpdatingClientProtocol(Stream transport) : TlsClientProtocol(transport), IKeyUpdatingProtocol
{
    public void UpdateKeys() => Send13KeyUpdate(true);
}

/// <summary>BouncyCastle's server protocol with the (protected) KeyUpdate sender exposed.</summary>
internal sealed class KeyUpdatingServerProtocol(Stream transport) : TlsServerProtocol(transport), IKeyUpdatingProtocol
{
    public void UpdateKeys() => Send13KeyUpdate(true);
}
