using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Security;

namespace Qkd.Gateway.Sealing;

/// <summary>
/// ML-DSA-65 (NIST FIPS 204, August 2024, "Module-Lattice-Based Digital Signature Standard", security category 3)
/// through BouncyCastle: key generation (Algorithm 1), signing (Algorithm 2, hedged) and verification (Algorithm 3),
/// with a FIPS 204 context string for domain separation. Public key 1952 bytes, signature 3309 bytes.
/// The hybrid sender signs its ML-KEM encapsulation with it (docs/gateway.md, "Hybrid authentication").
/// </summary>
public sealed class MlDsa65
{
    public const int PublicKeyLength = 1952;
    public const int SignatureLength = 3309;
    private static readonly MLDsaParameters Parameters = MLDsaParameters.ml_dsa_65;
    private readonly MLDsaPrivateKeyParameters _signingKey;

    private MlDsa65(MLDsaPrivateKeyParameters key)
    {
        _signingKey = key;
        PublicKey = key.GetPublicKeyEncoded();
    }

    /// <summary>The verification key, to be configured at the receiver.</summary>
    public byte[] PublicKey { get; }

    /// <summary>A fresh key pair from the OS CSPRNG.</summary>
    public static MlDsa65 Generate()
    {
        var generator = new MLDsaKeyPairGenerator();
        generator.Init(new MLDsaKeyGenerationParameters(new SecureRandom(), Parameters));
        return new MlDsa65((MLDsaPrivateKeyParameters)generator.GenerateKeyPair().Private);
    }

    /// <summary>The 32-byte seed the key pair derives from (FIPS 204 xi); keep it secret (files mode 0600).</summary>
    public byte[] ExportSeed() => _signingKey.GetSeed();

    /// <summary>The key pair of a 32-byte seed written by <see cref="ExportSeed"/>.</summary>
    public static MlDsa65 FromSeed(ReadOnlySpan<byte> seed)
    {
        if (seed.Length != 32)
        {
            throw new ArgumentException($"ML-DSA-65 seed must be 32 bytes, but was {seed.Length} bytes.");
        }
        return new MlDsa65(MLDsaPrivateKeyParameters.FromSeed(Parameters, seed.ToArray()));
    }

    /// <summary>Signs <paramref name="message"/> under the context string <paramref name="context"/> (at most 255 bytes).</summary>
    public byte[] Sign(ReadOnlySpan<byte> context, ReadOnlySpan<byte> message)
    {
        var signer = new MLDsaSigner(Parameters, deterministic: false);
        signer.Init(true, new ParametersWithContext(new ParametersWithRandom(_signingKey, new SecureRandom()), context.ToArray()));
        signer.BlockUpdate(message);
        return signer.GenerateSignature();
    }

    /// <summary>True when <paramref name="signature"/> is a valid signature of <paramref name="message"/> under <paramref name="publicKey"/>.</summary>
    public static bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> context, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        if (publicKey.Length != PublicKeyLength || signature.Length != SignatureLength)
        {
            return false;
        }
        var verifier = new MLDsaSigner(Parameters, deterministic: false);
        verifier.Init(false, new ParametersWithContext(MLDsaPublicKeyParameters.FromEncoding(Parameters, publicKey.ToArray()), context.ToArray()));
        verifier.BlockUpdate(message);
        return verifier.VerifySignature(signature.ToArray());
    }

    /// <summary>Checks the length of a verification key read from configuration.</summary>
    public static byte[] CheckPublicKey(byte[] publicKey, string source)
    {
        ArgumentNullException.ThrowIfNull(publicKey);
        if (publicKey.Length != PublicKeyLength)
        {
            throw new ArgumentException($"ML-DSA-65 public key {source} must be {PublicKeyLength} bytes, but was {publicKey.Length} bytes.");
        }
        return publicKey;
    }
}
