namespace Qkd.KeyManagement;

/// <summary>
/// One-time-pad arithmetic of a trusted relay hop (seed 003's "K1 is encrypted by K2").
/// </summary>
/// <remarks>
/// c = k XOR h, and k = c XOR h; k the relayed key, h the hop's own QKD link key of the same length
/// (each hop key used once), c the ciphertext the intermediate node forwards. Vernam (1926); the
/// relay scheme is Ma et al., "Quantum-communication-based ... IIoT with digital twins" (seed 003),
/// section on key-pool construction. Information-theoretically secure only when h is uniform,
/// secret and never reused; the intermediate node learns k (it is trusted).
/// </remarks>
public static class OneTimePad
{
    /// <summary>Writes <paramref name="key"/> XOR <paramref name="pad"/> into <paramref name="destination"/>.</summary>
    public static void Xor(ReadOnlySpan<byte> key, ReadOnlySpan<byte> pad, Span<byte> destination)
    {
        Guard.SameLength(key.Length, pad.Length, "one-time pad and key (bytes)");
        Guard.SameLength(key.Length, destination.Length, "one-time pad destination and key (bytes)");
        var i = 0;
        for (; i + sizeof(ulong) <= key.Length; i += sizeof(ulong))
        {
            var a = BitConverter.ToUInt64(key[i..]);
            var b = BitConverter.ToUInt64(pad[i..]);
            BitConverter.TryWriteBytes(destination[i..], a ^ b);
        }
        for (; i < key.Length; i++)
        {
            destination[i] = (byte)(key[i] ^ pad[i]);
        }
    }
}
