using System.Runtime.CompilerServices;
namespace Qkd.Bb84;

/// <summary>
/// Byte layout of the sifting messages (docs/bb84.md, "Classical messages"): a type byte, then LEB128
/// varints and LSB-first bit-packed fields. Append-only writer and forward-only reader.
/// </summary>
internal sealed class WireWriter
{
    private byte[] _buffer;
    private int _length;

    public WireWriter(int capacity) => _buffer = new byte[Math.Max(16, capacity)];

    public ReadOnlyMemory<byte> Written => _buffer.AsMemory(0, _length);

    public void Byte(byte value)
    {
        Ensure(1);
        _buffer[_length++] = value;
    }

    /// <summary>Unsigned LEB128.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void VarUInt(ulong value)
    {
        if (_length + 10 > _buffer.Length)
        {
            Ensure(10);
        }
        while (value >= 0x80)
        {
            _buffer[_length++] = (byte)(value | 0x80);
            value >>= 7;
        }
        _buffer[_length++] = (byte)value;
    }

    /// <summary>
    /// Writes the fields (values[i] &gt;&gt; shift) &amp; (2^width - 1), width 1 or 2 bits, LSB first, padded to a byte.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Packed(ReadOnlySpan<byte> values, int shift, int width)
    {
        var count = values.Length;
        var bytes = (int)(((long)count * width + 7) / 8);
        Ensure(bytes);
        var span = _buffer.AsSpan(_length, bytes);
        var mask = (1 << width) - 1;
        var perByte = 8 / width;
        var i = 0;
        for (var b = 0; b < bytes; b++)
        {
            var acc = 0;
            var end = Math.Min(count, i + perByte);
            for (var slot = 0; i < end; i++, slot += width)
            {
                acc |= ((values[i] >> shift) & mask) << slot;
            }
            span[b] = (byte)acc;
        }
        _length += bytes;
    }

    private void Ensure(int extra)
    {
        if (_length + extra > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + extra));
        }
    }
}

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
