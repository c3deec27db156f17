using System.Runtime.CompilerServices;
using Qkd.Bits;

namespace Qkd.Bb84.Sifting;

/// <summary>Packs the key bits of a party's records into a <see cref="BitString"/>.</summary>
internal static class SiftedKeys
{
    /// <summary>Bit j of the key is bit 0 of records[positions[j]]; the temporary words are wiped.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static BitString Gather(ReadOnlySpan<byte> records, ReadOnlySpan<int> positions)
    {
        var words = new ulong[BitString.WordCount(positions.Length)];
        for (var j = 0; j < positions.Length; j++)
        {
            words[j >> 6] |= (ulong)(records[positions[j]] & 1) << (j & 63);
        }
        var key = BitString.FromWords(words, positions.Length);
        Array.Clear(words);
        return key;
    }
}
