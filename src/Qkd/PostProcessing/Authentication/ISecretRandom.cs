namespace Qkd.PostProcessing;

/// <summary>
/// A source of secret randomness: privacy-amplification seeds, verification hash keys, sample positions,
/// pre-shared authentication keys. The host chooses it (<see cref="CryptoRandom.Shared"/>, the system CSPRNG,
/// in every host: <c>qkd</c>, the KMS, the gateway, the testbed). A separate contract from
/// <see cref="Qkd.Bits.SimRandom"/>, which does not implement it, so a simulation stream cannot be passed here
/// by mistake.
/// </summary>
/// <remarks>
/// A deterministic implementation is safe only where no key is used: tests and benchmarks that replay a run.
/// Never inject one on a path whose keys protect anything (the KMS key supply, the gateway, the testbed's links):
/// whoever knows its seed knows the seeds of privacy amplification and therefore the final keys.
/// </remarks>
public interface ISecretRandom
{
    /// <summary>Fills <paramref name="destination"/> with uniformly random words.</summary>
    void Fill(Span<ulong> destination);

    /// <summary>Fills <paramref name="destination"/> with uniformly random bytes.</summary>
    void Fill(Span<byte> destination);

    /// <summary>64 uniformly random bits.</summary>
    ulong NextUInt64();

    /// <summary>
    /// The source block <paramref name="block"/> of a post-processing run draws from (its sample positions, LDPC's
    /// punctured fill, its verification hash key and privacy-amplification seed). Blocks run concurrently on several
    /// lanes (<see cref="PostProcessingOptions.Lanes"/>) in an order that depends on the scheduler, so a block must
    /// not draw from a stream whose position depends on what the other blocks drew: a replayable source returns a
    /// stream of its own per block (derived from its seed and the block index), which makes a seeded run give the
    /// same keys on any number of lanes; a cryptographic source returns itself (it must then be thread-safe).
    /// </summary>
    ISecretRandom ForBlock(long block);
}
