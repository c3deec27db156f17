namespace Qkd.Bb84.Wire;

/// <summary>Type bytes of the four sifting messages (docs/bb84.md, "Classical messages").</summary>
internal static class SiftingMessages
{
    /// <summary>Bob to Alice: which pulses clicked (delta-varint indices) and his basis for each (1 bit).</summary>
    public const byte DetectionReport = 1;

    /// <summary>Alice to Bob: pulses per intensity (varints), her basis (1 bit) and intensity (2 bits) of each reported click.</summary>
    public const byte BasisAndIntensity = 2;

    /// <summary>Alice to Bob: which key-set bits are sampled (1 bit each) and her bits of every disclosed position.</summary>
    public const byte Disclosure = 3;

    /// <summary>Bob to Alice: disclosed and erroneous counts per intensity and basis (varints).</summary>
    public const byte ErrorCounts = 4;
}
