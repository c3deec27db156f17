using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;

namespace Qkd.Gateway.Tunnel;

/// <summary>
/// TLS 1.3 client keyed by one QKD key as an external PSK (RFC 8446 sections 2.2 and 4.2.11): identity = the
/// ETSI key_ID as ASCII text, PSK = the key bytes. It offers no certificate-based handshake: a server that
/// does not select the PSK fails the handshake (no fallback).
/// </summary>
internal sealed class QkdPskTlsClient : AbstractTlsClient
{
    private readonly TunnelSettings _settings;
    private readonly byte[] _identity;
    private readonly TlsSecret _psk;

    public QkdPskTlsClient(TunnelSettings settings, Guid keyId, ReadOnlySpan<byte> key)
        : base(new TunnelTlsCrypto())
    {
        _settings = settings;
        _identity = TlsParameters.Identity(keyId);
        _psk = Crypto.CreateSecret(key.ToArray());
    }

    /// <summary>The group the key exchange used, or -1 for psk_ke (after the handshake).</summary>
    public int NegotiatedGroup => m_context.SecurityParameters.NegotiatedGroup;

    protected override ProtocolVersion[] GetSupportedVersions() => ProtocolVersion.TLSv13.Only();

    protected override int[] GetSupportedCipherSuites() => [TlsParameters.CipherSuite(_settings.Suite)];

    public override IList<TlsPskExternal> GetExternalPsks() => [new BasicTlsPskExternal(_identity, _psk, TlsParameters.PrfAlgorithm(_settings.Suite))];

    public override short[] GetPskKeyExchangeModes() => _settings.KeyExchange == PskKeyExchange.PskKe
        ? [PskKeyExchangeMode.psk_ke]
        : [PskKeyExchangeMode.psk_dhe_ke];

    protected override IList<int> GetSupportedGroups(IList<int> namedGroupRoles) => TlsParameters.Groups(_settings).ToList();

    public override IList<int> GetEarlyKeyShareGroups() => _settings.KeyExchange == PskKeyExchange.PskKe
        ? []
        : TlsParameters.Groups(_settings).Take(2).ToList();

    public override TlsAuthentication GetAuthentication() => throw new TlsFatalAlert(AlertDescription.handshake_failure, "the tunnel accepts only its QKD pre-shared key, never a certificate");

    public override void NotifySelectedPsk(TlsPsk selectedPsk)
    {
        if (selectedPsk is null)
        {
            throw new TlsFatalAlert(AlertDescription.handshake_failure, "the server did not select the QKD pre-shared key");
        }
    }
}
