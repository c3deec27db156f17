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

    /// <summary>The ALPN protocol the server selected (null: none), after the handshake.</summary>
    public ProtocolName? ApplicationProtocol => m_context.SecurityParameters.ApplicationProtocol;

    protected override IList<ProtocolName>? GetProtocolNames() => TlsParameters.ProtocolNames(_settings);

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

    /// <summary>Checks the ALPN choice in EncryptedExtensions, before this end sends Finished, so a mismatched server never completes.</summary>
    public override void ProcessServerExtensions(IDictionary<int, byte[]> serverExtensions)
    {
        base.ProcessServerExtensions(serverExtensions);
        var selected = serverExtensions is null ? null : TlsExtensionsUtilities.GetAlpnExtensionServer(serverExtensions);
        CheckAlpn(selected);
    }

    public override void NotifyHandshakeComplete()
    {
        base.NotifyHandshakeComplete();
        CheckAlpn(ApplicationProtocol);
    }

    private void CheckAlpn(ProtocolName? selected)
    {
        if (!TlsParameters.AlpnAgrees(_settings, selected))
        {
            throw new TlsFatalAlert(AlertDescription.no_application_protocol, _settings.FreshKeyStreams
                ? "the listening end does not run fresh-key streams (ALPN qkd-fresh-key/1 not selected)"
                : "the listening end selected the fresh-key ALPN that this end did not offer");
        }
    }

    public override void NotifySelectedPsk(TlsPsk selectedPsk)
    {
        if (selectedPsk is null)
        {
            throw new TlsFatalAlert(AlertDescription.handshake_failure, "the server did not select the QKD pre-shared key");
        }
    }
}
