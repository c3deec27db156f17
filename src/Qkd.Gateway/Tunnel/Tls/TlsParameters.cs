using Org.BouncyCastle.Tls;

namespace Qkd.Gateway.Tunnel;

/// <summary>The TLS 1.3 parameters both tunnel ends derive from <see cref="TunnelSettings"/> (RFC 8446).</summary>
internal static class TlsParameters
{
    public static int CipherSuite(TunnelSuite suite) => suite switch
    {
        TunnelSuite.Aes128GcmSha256 => Org.BouncyCastle.Tls.CipherSuite.TLS_AES_128_GCM_SHA256,
        _ => Org.BouncyCastle.Tls.CipherSuite.TLS_AES_256_GCM_SHA384,
    };

    /// <summary>The PSK's hash must be the suite's (RFC 8446 section 4.2.11: "the PSK ... MUST be associated with a hash").</summary>
    public static int PrfAlgorithm(TunnelSuite suite) => suite switch
    {
        TunnelSuite.Aes128GcmSha256 => Org.BouncyCastle.Tls.PrfAlgorithm.tls13_hkdf_sha256,
        _ => Org.BouncyCastle.Tls.PrfAlgorithm.tls13_hkdf_sha384,
    };

    /// <summary>Groups offered in psk_dhe_ke, best first: hybrid X25519MLKEM768 when enabled, then X25519 and P-256 (what OpenSSL 3.0 has).</summary>
    public static int[] Groups(TunnelSettings settings) => settings.HybridMlKem
        ? [NamedGroup.X25519MLKEM768, NamedGroup.x25519, NamedGroup.secp256r1]
        : [NamedGroup.x25519, NamedGroup.secp256r1];

    /// <summary>
    /// The ALPN name (RFC 7301) by which both ends agree on fresh-key streams (ours, docs/tunnel.md): a fresh-key
    /// end requires it and a standard end never selects it, so a mismatched pair fails instead of one end reading
    /// the other's segment framing as data.
    /// </summary>
    public static readonly ProtocolName FreshKeyAlpn = ProtocolName.AsUtf8Encoding("qkd-fresh-key/1");

    /// <summary>The ALPN names an end offers (client) or accepts (server): the fresh-key one in that mode, none otherwise.</summary>
    public static IList<ProtocolName>? ProtocolNames(TunnelSettings settings) => settings.FreshKeyStreams ? [FreshKeyAlpn] : null;

    /// <summary>True when the negotiated ALPN matches this end's mode (fresh-key: ours selected; standard: none of ours).</summary>
    public static bool AlpnAgrees(TunnelSettings settings, ProtocolName? negotiated) => settings.FreshKeyStreams
        ? FreshKeyAlpn.Equals(negotiated)
        : negotiated is null || !FreshKeyAlpn.Equals(negotiated);

    /// <summary>The PSK identity: the ETSI key_ID UUID in its RFC 4122 text form, as ASCII bytes.</summary>
    public static byte[] Identity(Guid keyId) => System.Text.Encoding.ASCII.GetBytes(keyId.ToString("D"));

    /// <summary>Parses a PSK identity back to a key ID; false if it is not a UUID in the "D" text form.</summary>
    public static bool TryParseIdentity(ReadOnlySpan<byte> identity, out Guid keyId)
    {
        keyId = Guid.Empty;
        if (identity.Length != 36)
        {
            return false;
        }
        Span<char> text = stackalloc char[36];
        for (var i = 0; i < 36; i++)
        {
            if (identity[i] > 127)
            {
                return false;
            }
            text[i] = (char)identity[i];
        }
        return Guid.TryParseExact(text, "D", out keyId);
    }
}
