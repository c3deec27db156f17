using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Qkd.PostProcessing;

/// <summary>
/// Cryptographic randomness for key material, hash seeds and one-time pads: a thin wrapper over
/// <see cref="RandomNumberGenerator"/>, the <see cref="ISecretRandom"/> every host passes in. A separate type
/// from <see cref="Qkd.Bits.SimRandom"/> so the seeded simulation stream can never be passed where secret
/// randomness is required.
/// </summary>
// Instance methods on purpose: the instance is the capability to draw secret randomness (CA1822 off).
#pragma warning disable CA1822
public sealed class CryptoRandom : ISecretRandom
{
    /// <summary>The system CSPRNG (thread-safe): the hosts' source of secret randomness.</summary>
    public static CryptoRandom Shared { get; } = new();

    private CryptoRandom()
    {
    }

    /// <summary>Fills <paramref name="destination"/> with uniformly random words.</summary>
    public void Fill(Span<ulong> destination) => RandomNumberGenerator.Fill(MemoryMarshal.AsBytes(destination));

    /// <summary>Fills <paramref name="destination"/> with uniformly random bytes.</summary>
    public void Fill(Span<byte> destination) => RandomNumberGenerator.Fill(destination);

    /// <summary>64 uniformly random bits.</summary>
    public ulong NextUInt64()
    {
        Span<ulong> one = stackalloc ulong[1];
        Fill(one);
        return one[0];
    }

    /// <summary>Itself: every draw is independent and the system CSPRNG is thread-safe, so blocks may share it.</summary>
    public ISecretRandom ForBlock(long block) => this;
}
#pragma warning restore CA1822
