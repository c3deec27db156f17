using System.Numerics;
using System.Runtime.CompilerServices;

namespace Qkd.Bits;

/// <summary>
/// A string of bits packed 64 to a <see cref="ulong"/>, bit i in word i/64 at position i%64
/// (least significant first). The tail word beyond <see cref="Length"/> is always zero, so
/// whole-word operations (parity, popcount, equality) need no masking.
/// </summary>
/// <remarks>
/// Mutable on purpose: keys are built and corrected in place by the protocols, and a key buffer
/// must be wipeable (<see cref="Wipe"/>). Share read-only views through <see cref="Words"/>.
/// </remarks>
public sealed class BitString : IEquatable<BitString>
{
    private readonly ulong[] _words;

    /// <summary>Number of bits.</summary>
    public int Length { get; }

    /// <summary>The packed words, tail masked.</summary>
    public ReadOnlySpan<ulong> Words => _words;

    /// <summary>The packed words for in-place algorithms inside the library.</summary>
    internal Span<ulong> MutableWords => _words;

    /// <summary>A string of <paramref name="length"/> zero bits.</summary>
    public BitString(int length)
    {
        Guard.InRange(length, 0, int.MaxValue - 63);
        Length = length;
        _words = new ulong[WordCount(length)];
    }

    private BitString(ulong[] words, int length)
    {
        _words = words;
        Length = length;
        MaskTail();
    }

    /// <summary>Number of 64-bit words needed for <paramref name="bits"/> bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int WordCount(int bits) => (int)(((uint)bits + 63u) >> 6);

    /// <summary>Copies words (the tail beyond <paramref name="length"/> is cleared).</summary>
    public static BitString FromWords(ReadOnlySpan<ulong> words, int length)
    {
        Guard.InRange(length, 0, (long)words.Length * 64);
        var copy = new ulong[WordCount(length)];
        words[..copy.Length].CopyTo(copy);
        return new BitString(copy, length);
    }

    /// <summary>Packs bytes, bit i of the string being bit (i % 8) of byte i / 8.</summary>
    public static BitString FromBytes(ReadOnlySpan<byte> bytes, int length)
    {
        Guard.InRange(length, 0, (long)bytes.Length * 8);
        var s = new BitString(length);
        ReadBytes(bytes, length, s._words);
        return s;
    }

    /// <summary>
    /// Packs the first <paramref name="length"/> bits of <paramref name="bytes"/> (bit i = bit i % 8 of byte i / 8) into
    /// <paramref name="destination"/> (at least <see cref="WordCount"/>(length) words), the tail word masked; no copy
    /// of the bytes is made.
    /// </summary>
    internal static void ReadBytes(ReadOnlySpan<byte> bytes, int length, Span<ulong> destination)
    {
        var words = WordCount(length);
        var byteCount = (length + 7) / 8;
        var full = byteCount / 8;
        for (var w = 0; w < full; w++)
        {
            destination[w] = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(bytes[(8 * w)..]);
        }
        if (full < words)
        {
            ulong last = 0;
            for (var i = 8 * full; i < byteCount; i++)
            {
                last |= (ulong)bytes[i] << ((i & 7) * 8);
            }
            destination[full] = last;
        }
        var rem = length & 63;
        if (rem != 0)
        {
            destination[words - 1] &= (1UL << rem) - 1;
        }
    }

    /// <summary>
    /// Writes the first <paramref name="length"/> bits of <paramref name="words"/> (tail beyond length zero) as
    /// (length + 7) / 8 bytes into <paramref name="destination"/>, bit i being bit (i % 8) of byte i / 8.
    /// </summary>
    internal static void WriteBytes(ReadOnlySpan<ulong> words, int length, Span<byte> destination)
    {
        var byteCount = (length + 7) / 8;
        if (BitConverter.IsLittleEndian)
        {
            // The words' memory is already this byte order.
            System.Runtime.InteropServices.MemoryMarshal.AsBytes(words)[..byteCount].CopyTo(destination);
            return;
        }
        for (var i = 0; i < byteCount; i++)
        {
            destination[i] = (byte)(words[i >> 3] >> ((i & 7) * 8));
        }
    }

    /// <summary>Packs a sequence of booleans.</summary>
    public static BitString FromBools(ReadOnlySpan<bool> bits)
    {
        var s = new BitString(bits.Length);
        for (var i = 0; i < bits.Length; i++)
        {
            if (bits[i])
            {
                s._words[i >> 6] |= 1UL << (i & 63);
            }
        }
        return s;
    }

    /// <summary>Uniformly random bits from a simulation stream.</summary>
    public static BitString Random(int length, ref SimRandom random)
    {
        var s = new BitString(length);
        random.Fill(s._words);
        s.MaskTail();
        return s;
    }

    /// <summary>Bit i.</summary>
    public bool this[int index]
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            if ((uint)index >= (uint)Length)
            {
                ThrowIndex(index);
            }
            return ((_words[index >> 6] >> (index & 63)) & 1UL) != 0;
        }
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        set
        {
            if ((uint)index >= (uint)Length)
            {
                ThrowIndex(index);
            }
            var mask = 1UL << (index & 63);
            if (value)
            {
                _words[index >> 6] |= mask;
            }
            else
            {
                _words[index >> 6] &= ~mask;
            }
        }
    }

    /// <summary>Flips bit i.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Flip(int index)
    {
        if ((uint)index >= (uint)Length)
        {
            ThrowIndex(index);
        }
        _words[index >> 6] ^= 1UL << (index & 63);
    }

    /// <summary>Number of one bits.</summary>
    public int PopCount() => PopCount(_words);

    /// <summary>Parity (0 or 1) of the whole string.</summary>
    public int Parity() => Parity(_words);

    /// <summary>Parity of bits [start, start + count).</summary>
    public int Parity(int start, int count)
    {
        Guard.InRange(start, 0, Length);
        Guard.InRange(count, 0, Length - start);
        return RangeParity(_words, start, count);
    }

    /// <summary>Number of positions where this and <paramref name="other"/> differ.</summary>
    public int HammingDistance(BitString other)
    {
        Guard.SameLength(Length, other.Length, "Hamming distance");
        var d = 0;
        for (var i = 0; i < _words.Length; i++)
        {
            d += BitOperations.PopCount(_words[i] ^ other._words[i]);
        }
        return d;
    }

    /// <summary>A copy of bits [start, start + count).</summary>
    public BitString Slice(int start, int count)
    {
        Guard.InRange(start, 0, Length);
        Guard.InRange(count, 0, Length - start);
        var s = new BitString(count);
        for (var i = 0; i < s._words.Length; i++)
        {
            s._words[i] = ReadWord(_words, start + i * 64, Length);
        }
        s.MaskTail();
        return s;
    }

    /// <summary>A deep copy.</summary>
    public BitString Clone() => new((ulong[])_words.Clone(), Length);

    /// <summary>Bytes, bit i of the string being bit (i % 8) of byte i / 8; the last byte zero-padded.</summary>
    public byte[] ToBytes()
    {
        var bytes = new byte[(Length + 7) / 8];
        WriteBytes(_words, Length, bytes);
        return bytes;
    }

    /// <summary>Clears the bits beyond <see cref="Length"/> after the words were written in place (e.g. filled with random words).</summary>
    internal void ClearTail() => MaskTail();

    /// <summary>Overwrites the bits with zeros (for buffers that held key material).</summary>
    public void Wipe() => Array.Clear(_words);

    /// <summary>Constant-time equality over the words (no early exit).</summary>
    public bool Equals(BitString? other)
    {
        if (other is null || other.Length != Length)
        {
            return false;
        }
        ulong diff = 0;
        for (var i = 0; i < _words.Length; i++)
        {
            diff |= _words[i] ^ other._words[i];
        }
        return diff == 0;
    }

    public override bool Equals(object? obj) => obj is BitString b && Equals(b);

    public override int GetHashCode() => HashCode.Combine(Length, _words.Length > 0 ? _words[0] : 0);

    /// <summary>Shows length only: a bit string may be key material and is never printed.</summary>
    public override string ToString() => $"BitString({Length} bits)";

    /// <summary>Number of one bits in a word span.</summary>
    public static int PopCount(ReadOnlySpan<ulong> words)
    {
        var n = 0;
        foreach (var w in words)
        {
            n += BitOperations.PopCount(w);
        }
        return n;
    }

    /// <summary>Parity of all bits of a word span.</summary>
    public static int Parity(ReadOnlySpan<ulong> words)
    {
        ulong acc = 0;
        foreach (var w in words)
        {
            acc ^= w;
        }
        return BitOperations.PopCount(acc) & 1;
    }

    /// <summary>Parity of bits [start, start+count) of a packed span.</summary>
    public static int RangeParity(ReadOnlySpan<ulong> words, int start, int count)
    {
        if (count == 0)
        {
            return 0;
        }
        var end = start + count;
        var firstWord = start >> 6;
        var lastWord = (end - 1) >> 6;
        var firstMask = ulong.MaxValue << (start & 63);
        var lastMask = ulong.MaxValue >> (63 - ((end - 1) & 63));
        if (firstWord == lastWord)
        {
            return BitOperations.PopCount(words[firstWord] & firstMask & lastMask) & 1;
        }
        var acc = words[firstWord] & firstMask;
        for (var w = firstWord + 1; w < lastWord; w++)
        {
            acc ^= words[w];
        }
        acc ^= words[lastWord] & lastMask;
        return BitOperations.PopCount(acc) & 1;
    }

    /// <summary>destination = a XOR b, word by word.</summary>
    public static void Xor(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b, Span<ulong> destination)
    {
        Guard.SameLength(a.Length, b.Length, "XOR operands");
        Guard.SameLength(a.Length, destination.Length, "XOR destination");
        for (var i = 0; i < a.Length; i++)
        {
            destination[i] = a[i] ^ b[i];
        }
    }

    /// <summary>64 bits starting at bit <paramref name="bitOffset"/>, zero beyond <paramref name="lengthBits"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong ReadWord(ReadOnlySpan<ulong> words, int bitOffset, int lengthBits)
    {
        if (bitOffset >= lengthBits)
        {
            return 0;
        }
        var w = bitOffset >> 6;
        var shift = bitOffset & 63;
        var lo = words[w] >> shift;
        if (shift != 0 && w + 1 < words.Length)
        {
            lo |= words[w + 1] << (64 - shift);
        }
        var remaining = lengthBits - bitOffset;
        return remaining >= 64 ? lo : lo & ((1UL << remaining) - 1);
    }

    private void MaskTail()
    {
        var rem = Length & 63;
        if (rem != 0)
        {
            _words[^1] &= (1UL << rem) - 1;
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ThrowIndex(int index)
        => throw new ArgumentOutOfRangeException(nameof(index), $"Bit index must be within [0, {Length}), but was {index}.");
}
