namespace Qkd.Quantum.Qrng;

/// <summary>
/// A source of raw (unconditioned) samples, each 1..8 bits in one byte: the noise-source interface
/// of NIST SP 800-90B (2018), Sec. 2.2. Implemented by the vacuum-homodyne model here and, outside
/// the domain library, by readers of real devices (a file or a character device of a hardware QRNG).
/// </summary>
public interface IEntropySource
{
    /// <summary>A short human-readable description of the source.</summary>
    string Name { get; }

    /// <summary>Bits per raw sample, 1..8; samples are the low bits of each byte.</summary>
    int BitsPerSample { get; }

    /// <summary>
    /// Min-entropy per sample [bits] the source claims (from its physical model or its
    /// certification); the health-test cutoffs and the extractor's output length use it.
    /// </summary>
    double ClaimedMinEntropyPerSample { get; }

    /// <summary>Fills <paramref name="destination"/> with samples; returns how many were written (fewer at the end of a finite source).</summary>
    int ReadSamples(Span<byte> destination);
}
