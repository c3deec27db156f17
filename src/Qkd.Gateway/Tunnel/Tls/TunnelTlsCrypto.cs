using Org.BouncyCastle.Tls.Crypto;
using Org.BouncyCastle.Tls.Crypto.Impl;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;

namespace Qkd.Gateway.Tunnel;

/// <summary>BouncyCastle's TLS crypto with AES-GCM record protection from the platform (<see cref="PlatformAesGcmCipher"/>).</summary>
internal sealed class TunnelTlsCrypto : BcTlsCrypto
{
    protected override TlsAeadCipher CreateCipher_Aes_Gcm(TlsCryptoParameters cryptoParams, int cipherKeySize, int macSize)
        => new TlsAeadCipher(cryptoParams, new PlatformAesGcmCipher(true), new PlatformAesGcmCipher(false), cipherKeySize, macSize, TlsAeadCipher.AEAD_GCM);
}
