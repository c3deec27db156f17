using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Kems;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;

namespace Qkd.Gateway.Sealing;

/// <summary>
/// ML-KEM-768 (NIST FIPS 203, 2024; security category 3) through BouncyCastle: key generation
/// (Algorithm 19), encapsulation (20) and decapsulation (21). Encapsulation key 1184 bytes, ciphertext
/// 1088 bytes, shared secret 32 bytes. Randomness from BouncyCastle's <see cref="SecureRandom"/> (OS CSPRNG).
/// </summary>
public sealed class MlKem768
{
    public const int EncapsulationKeyLength = 1184;
    public const int CiphertextLength = 1088;
    public const int SharedSecretLength = 32;
    private static readonly MLKemParameters Parameters = MLKemParameters.ml_kem_768;
    private readonly MLKemPrivateKeyParameters _decapsulationKey;

    private MlKem768(MLKemPrivateKeyParameters key)
    {
        _decapsulationKey = key;
        EncapsulationKey = key.GetPublicKeyEncoded();
    }

    /// <summary>The public encapsulation key, to be given to the sender.</summary>
    public byte[] EncapsulationKey { get; }

    /// <summary>A fresh key pair (the receiving gateway keeps the decapsulation key in memory only).</summary>
    public static MlKem768 Generate()
    {
        var generator = new MLKemKeyPairGenerator();
        generator.Init(new MLKemKeyGenerationParameters(new SecureRandom(), Parameters));
        return new MlKem768((MLKemPrivateKeyParameters)generator.GenerateKeyPair().Private);
    }

    /// <summary>Encapsulates to <paramref name="encapsulationKey"/>: returns the ciphertext and writes the shared secret.</summary>
    public static byte[] Encapsulate(ReadOnlySpan<byte> encapsulationKey, Span<byte> sharedSecret)
    {
        if (encapsulationKey.Length != EncapsulationKeyLength)
        {
            throw new ArgumentException($"ML-KEM-768 encapsulation key must be {EncapsulationKeyLength} bytes, but was {encapsulationKey.Length} bytes.");
        }
        var encapsulator = new MLKemEncapsulator(Parameters);
        encapsulator.Init(MLKemPublicKeyParameters.FromEncoding(Parameters, encapsulationKey.ToArray()));
        var ciphertext = new byte[encapsulator.EncapsulationLength];
        var secret = new byte[encapsulator.SecretLength];
        encapsulator.Encapsulate(ciphertext, 0, ciphertext.Length, secret, 0, secret.Length);
        secret.CopyTo(sharedSecret);
        System.Security.Cryptography.CryptographicOperations.ZeroMemory(secret);
        return ciphertext;
    }

    /// <summary>Decapsulates <paramref name="ciphertext"/> (implicit rejection: a wrong ciphertext yields an unrelated secret, never an error).</summary>
    public void Decapsulate(ReadOnlySpan<byte> ciphertext, Span<byte> sharedSecret)
    {
        if (ciphertext.Length != CiphertextLength)
        {
            throw new ArgumentException($"ML-KEM-768 ciphertext must be {CiphertextLength} bytes, but was {ciphertext.Length} bytes.");
        }
        var decapsulator = new MLKemDecapsulator(Parameters);
        decapsulator.Init(_decapsulationKey);
        var secret = new byte[decapsulator.SecretLength];
        decapsulator.Decapsulate(ciphertext.ToArray(), 0, ciphertext.Length, secret, 0, secret.Length);
        secret.CopyTo(sharedSecret);
        System.Security.Cryptography.CryptographicOperations.ZeroMemory(secret);
    }
}
