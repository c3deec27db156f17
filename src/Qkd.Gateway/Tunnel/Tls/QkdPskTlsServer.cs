using Org.BouncyCastle.Tls;

namespace Qkd.Gateway.Tunnel;

/// <summary>
/// TLS 1.3 server that accepts only an external PSK whose identity is an ETSI key_ID: it asks
/// <paramref name="fetchKey"/> (dec_keys at the slave's KME) for that key and uses its bytes as the PSK. No
/// certificate is configured, so a client without a matching PSK fails the handshake. With
/// <see cref="PskKeyExchange.PskDheKe"/> the server also refuses a psk_ke-only handshake.
/// </summary>
internal sealed class QkdPskTlsServer(TunnelSettings settings, Func<Guid, byte[]?> fetchKey) : AbstractTlsServer(new TunnelTlsCrypto())
{
    /// <summary>The key ID whose key was selected, once the handshake has passed it.</summary>
    public Guid? SelectedKeyId { get; private set; }

    /// <summary>The group the key exchange used, or -1 for psk_ke (after the handshake).</summary>
    public int NegotiatedGroup => m_context.SecurityParameters.NegotiatedGroup;

    /// <summary>The ALPN protocol selected (null: none), after the handshake.</summary>
    public ProtocolName? ApplicationProtocol => m_context.SecurityParameters.ApplicationProtocol;

    protected override IList<ProtocolName>? GetProtocolNames() => TlsParameters.ProtocolNames(settings);

    protected override ProtocolVersion[] GetSupportedVersions() => ProtocolVersion.TLSv13.Only();

    protected override int[] GetSupportedCipherSuites() => [TlsParameters.CipherSuite(settings.Suite)];

    public override int[] GetSupportedGroups() => TlsParameters.Groups(settings);

    public override TlsCredentials GetCredentials() => throw new TlsFatalAlert(AlertDescription.handshake_failure, "no QKD pre-shared key matched; the tunnel has no certificate");

    public override TlsPskExternal? GetExternalPsk(IList<PskIdentity> identities)
    {
        ArgumentNullException.ThrowIfNull(identities);
        foreach (var offered in identities)
        {
            var identity = offered.Identity;
            if (!TlsParameters.TryParseIdentity(identity, out var keyId))
            {
                continue;
            }
            var key = fetchKey(keyId);
            if (key is null)
            {
                return null;
            }
            SelectedKeyId = keyId;
            var secret = Crypto.CreateSecret(key);
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(key);
            return new BasicTlsPskExternal(identity, secret, TlsParameters.PrfAlgorithm(settings.Suite));
        }
        return null;
    }

    public override void NotifyHandshakeComplete()
    {
        base.NotifyHandshakeComplete();
        if (SelectedKeyId is null)
        {
            throw new TlsFatalAlert(AlertDescription.handshake_failure, "handshake completed without the QKD pre-shared key");
        }
        if (!TlsParameters.AlpnAgrees(settings, ApplicationProtocol))
        {
            throw new TlsFatalAlert(AlertDescription.no_application_protocol, "fresh-key streams require ALPN qkd-fresh-key/1 and the client did not offer it");
        }
        if (settings.KeyExchange == PskKeyExchange.PskDheKe && NegotiatedGroup < 0)
        {
            throw new TlsFatalAlert(AlertDescription.handshake_failure, "psk_dhe_ke required but the client used psk_ke");
        }
    }
}
