namespace Qkd.Gateway.Tunnel;

/// <summary>How the TLS 1.3 handshake uses the QKD key (RFC 8446 section 4.2.9, psk_key_exchange_modes).</summary>
public enum PskKeyExchange
{
    /// <summary>psk_dhe_ke: PSK plus an (EC)DHE or hybrid ML-KEM key share, forward secret on top of QKD (the default).</summary>
    PskDheKe,

    /// <summary>psk_ke: the QKD key alone keys the session (pure-QKD mode, no public-key cryptography).</summary>
    PskKe,
}

/// <summary>The TLS 1.3 cipher suite a tunnel offers (RFC 8446 appendix B.4). The PSK's hash is the suite's.</summary>
public enum TunnelSuite
{
    /// <summary>TLS_AES_256_GCM_SHA384 (PSK bound to HKDF-SHA384): 256-bit traffic keys, the default.</summary>
    Aes256GcmSha384,

    /// <summary>TLS_AES_128_GCM_SHA256 (PSK bound to HKDF-SHA256): what `openssl s_server/s_client -psk` use.</summary>
    Aes128GcmSha256,
}

/// <summary>
/// Settings of one tunnel end, validated once here. <see cref="RekeyInterval"/> is the standard TLS 1.3
/// KeyUpdate period (zero: never); <see cref="KeyWait"/> how long a new connection waits for the KME before it
/// is refused; <see cref="HandshakeTimeout"/> bounds the TLS handshake.
/// </summary>
public sealed record TunnelSettings
{
    public PskKeyExchange KeyExchange { get; init; } = PskKeyExchange.PskDheKe;
    public TunnelSuite Suite { get; init; } = TunnelSuite.Aes256GcmSha384;

    /// <summary>Offer the hybrid X25519MLKEM768 group first (draft-ietf-tls-ecdhe-mlkem) in psk_dhe_ke.</summary>
    public bool HybridMlKem { get; init; } = true;

    public TimeSpan RekeyInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Fresh-key streams (ours, not a standard): a carried connection moves every <see cref="FreshKeyInterval"/>
    /// onto a new TLS 1.3 connection under a new QKD key (<see cref="SegmentedTunnelSession"/>, docs/tunnel.md).
    /// Both ends must enable it; they agree on it by ALPN, so a mismatched pair fails the handshake.
    /// </summary>
    public bool FreshKeyStreams { get; init; }

    /// <summary>How often the connecting end brings a fresh QKD key into a running stream (fresh-key streams only).</summary>
    public TimeSpan FreshKeyInterval { get; init; } = TimeSpan.FromSeconds(30);
    public TimeSpan KeyWait { get; init; } = TimeSpan.FromSeconds(10);
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Throws <see cref="ArgumentException"/> naming the setting when a value is out of range.</summary>
    public TunnelSettings Validated()
    {
        Check(RekeyInterval, nameof(RekeyInterval), TimeSpan.Zero, TimeSpan.FromDays(1));
        Check(KeyWait, nameof(KeyWait), TimeSpan.Zero, TimeSpan.FromHours(1));
        Check(HandshakeTimeout, nameof(HandshakeTimeout), TimeSpan.FromMilliseconds(1), TimeSpan.FromHours(1));
        Check(FreshKeyInterval, nameof(FreshKeyInterval), TimeSpan.FromMilliseconds(10), TimeSpan.FromDays(1));
        return this;
    }

    private static void Check(TimeSpan value, string name, TimeSpan min, TimeSpan max)
    {
        if (value < min || value > max)
        {
            throw new ArgumentException($"Tunnel {name} must be within [{min.TotalSeconds}, {max.TotalSeconds}] s, but was {value.TotalSeconds} s.", name);
        }
    }
}
