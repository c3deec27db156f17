namespace Qkd.Bb84.Link;

/// <summary>
/// What the quantum layer leaves behind, in pulse order: for every click, the pulse index, Alice's record
/// (intensity, basis, bit), Bob's record (basis, bit) and whether Eve knows Alice's bit. Alice's and Bob's
/// parts are handed to separate protocol objects; Eve's part only to the report.
/// </summary>
internal sealed class QuantumRecords
{
    public QuantumRecords(int count, long[] pulseIndices, byte[] alice, byte[] bob, bool[] eveKnows, long[] pulsesPerIntensity, long deadPulses)
    {
        Count = count;
        PulseIndices = pulseIndices.AsMemory(0, count);
        Alice = alice.AsMemory(0, count);
        Bob = bob.AsMemory(0, count);
        EveKnows = eveKnows;
        PulsesPerIntensity = pulsesPerIntensity;
        DeadPulses = deadPulses;
    }

    /// <summary>Pulse index of each click, increasing.</summary>
    public ReadOnlyMemory<long> PulseIndices { get; }

    /// <summary>Alice's record of each clicked pulse: intensity &lt;&lt; 2 | basis &lt;&lt; 1 | bit (basis 0 = Z).</summary>
    public ReadOnlyMemory<byte> Alice { get; }

    /// <summary>Bob's record of each click: basis &lt;&lt; 1 | bit.</summary>
    public ReadOnlyMemory<byte> Bob { get; }

    /// <summary>Whether Eve knows Alice's bit of each click (after the basis announcement); entries from <see cref="Count"/> on are unused.</summary>
    public bool[] EveKnows { get; }

    /// <summary>Pulses Alice emitted at each intensity (she knows these; they are announced with the decoy settings).</summary>
    public long[] PulsesPerIntensity { get; }

    /// <summary>Pulses that arrived while Bob's detectors were dead.</summary>
    public long DeadPulses { get; }

    /// <summary>Number of clicks.</summary>
    public int Count { get; }
}
