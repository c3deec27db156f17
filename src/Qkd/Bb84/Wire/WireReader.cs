using System.Runtime.CompilerServices;

namespace Qkd.Bb84.Wire;

/// <summary>Reads what <see cref="WireWriter"/> wrote; malformed input throws <see cref="FormatException"/>.</summary>
internal sealed class WireReader(byte[] message)
{
    private int _position;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public byte Byte()
    {
        if (_position >= message.Length)
        {
            throw new FormatException("Sifting message ended early.");
        }
        return message[_position++];
    }

    public void Expect(byte type, string what)
    {
        var t = Byte();
        if (t != type)
        {
            throw new FormatException($"Expected a {what} message (type {type}), but got type {t}.");
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public ulong VarUInt()
    {
        if (_position < message.Length && message[_position] < 0x80)
        {
            return message[_position++];
        }
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            var b = Byte();
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }
        throw new FormatException("Varint longer than 64 bits in a sifting message.");
    }

    /// <summary>Reads <paramref name="count"/> packed fields of <paramref name="width"/> bits into <paramref name="destination"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Packed(int count, int width, Span<byte> destination)
    {
        var bytes = (int)(((long)count * width + 7) / 8);
        if (_position + bytes > message.Length)
        {
            throw new FormatException("Packed field runs past the end of a sifting message.");
        }
        var span = message.AsSpan(_position, bytes);
        var mask = (1 << width) - 1;
        var perByte = 8 / width;
        var i = 0;
        for (var b = 0; b < bytes; b++)
        {
            int acc = span[b];
            var end = Math.Min(count, i + perByte);
            for (; i < end; i++, acc >>= width)
            {
                destination[i] = (byte)(acc & mask);
            }
        }
        _position += bytes;
    }

    public void EnsureEnd()
    {
        if (_position != message.Length)
        {
            throw new FormatException($"Sifting message has {message.Length - _position} unexpected trailing bytes.");
        }
    }
}
