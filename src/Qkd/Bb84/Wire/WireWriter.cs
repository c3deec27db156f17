using System.Runtime.CompilerServices;
namespace Qkd.Bb84.Wire;

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
