using System.Buffers.Binary;

namespace Qkd.Gateway.Sensors;

/// <summary>
/// One reading of a power monitor (seed 002: SENTRON PAC4200, sampled every 100 ms): sample index, time of
/// measurement (Unix microseconds), RMS voltage [V], RMS current [A], active power [W].
/// Encoded as 24 bytes, big-endian: u32 index, i64 time, f32 voltage, f32 current, f32 power.
/// </summary>
public readonly record struct PowerSample(uint Index, long TimestampUnixUs, float VoltageV, float CurrentA, float ActivePowerW)
{
    public const int EncodedLength = 24;

    public void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt32BigEndian(destination, Index);
        BinaryPrimitives.WriteInt64BigEndian(destination[4..], TimestampUnixUs);
        BinaryPrimitives.WriteSingleBigEndian(destination[12..], VoltageV);
        BinaryPrimitives.WriteSingleBigEndian(destination[16..], CurrentA);
        BinaryPrimitives.WriteSingleBigEndian(destination[20..], ActivePowerW);
    }

    public byte[] ToBytes()
    {
        var b = new byte[EncodedLength];
        Write(b);
        return b;
    }

    /// <summary>Decodes; null when the length is wrong.</summary>
    public static PowerSample? TryRead(ReadOnlySpan<byte> source) => source.Length != EncodedLength ? null : new PowerSample(
        BinaryPrimitives.ReadUInt32BigEndian(source),
        BinaryPrimitives.ReadInt64BigEndian(source[4..]),
        BinaryPrimitives.ReadSingleBigEndian(source[12..]),
        BinaryPrimitives.ReadSingleBigEndian(source[16..]),
        BinaryPrimitives.ReadSingleBigEndian(source[20..]));
}
