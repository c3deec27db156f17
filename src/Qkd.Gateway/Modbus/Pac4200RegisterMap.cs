using System.Buffers.Binary;
using Qkd.Gateway.Sensors;

namespace Qkd.Gateway.Modbus;

/// <summary>
/// The part of the SENTRON PAC4200's Modbus register map the simulator models: measured values without a time
/// stamp, read with function codes 0x03/0x04, each an IEEE 754 single-precision float in two registers, high
/// word first. Offsets are from Siemens, "SENTRON PAC4200 Power Monitoring Device, System Manual", A5E02316180B,
/// appendix "Modbus", table "Measured variables available without a time stamp" (offset = register address):
/// 1/3/5 voltage L1-N/L2-N/L3-N [V], 7/9/11 voltage L1-L2/L2-L3/L3-L1 [V], 13/15/17 current L1/L2/L3 [A],
/// 19/21/23 apparent power L1..L3 [VA], 25/27/29 active power L1..L3 [W], 31/33/35 reactive power L1..L3 (Qn) [var],
/// 37/39/41 power factor L1..L3, 55 line frequency [Hz]. As on the device, a read that starts or ends inside a
/// two-register value, or touches an unmodelled register, is refused (exception 0x02, Illegal Data Address).
/// </summary>
public sealed class Pac4200RegisterMap
{
    public const ushort VoltageL1N = 1;
    public const ushort VoltageL2N = 3;
    public const ushort VoltageL3N = 5;
    public const ushort VoltageL1L2 = 7;
    public const ushort VoltageL2L3 = 9;
    public const ushort VoltageL3L1 = 11;
    public const ushort CurrentL1 = 13;
    public const ushort CurrentL2 = 15;
    public const ushort CurrentL3 = 17;
    public const ushort ApparentPowerL1 = 19;
    public const ushort ActivePowerL1 = 25;
    public const ushort ReactivePowerL1 = 31;
    public const ushort PowerFactorL1 = 37;
    public const ushort PowerFactorL3 = 41;
    public const ushort LineFrequency = 55;

    private readonly Dictionary<ushort, float> _values = [];

    /// <summary>Loads a three-phase reading built from one <see cref="PowerSample"/> of phase L1 (balanced phases, 50 Hz).</summary>
    public void Load(PowerSample sample, double frequencyHz = 50.0)
    {
        var lineToLine = sample.VoltageV * MathF.Sqrt(3f);
        var apparent = sample.VoltageV * sample.CurrentA;
        var pf = apparent > 0 ? Math.Clamp(sample.ActivePowerW / apparent, 0f, 1f) : 1f;
        var reactive = MathF.Sqrt(MathF.Max(0f, apparent * apparent - sample.ActivePowerW * sample.ActivePowerW));
        for (ushort phase = 0; phase < 3; phase++)
        {
            var o = (ushort)(2 * phase);
            _values[(ushort)(VoltageL1N + o)] = sample.VoltageV;
            _values[(ushort)(VoltageL1L2 + o)] = lineToLine;
            _values[(ushort)(CurrentL1 + o)] = sample.CurrentA;
            _values[(ushort)(ApparentPowerL1 + o)] = apparent;
            _values[(ushort)(ActivePowerL1 + o)] = sample.ActivePowerW;
            _values[(ushort)(ReactivePowerL1 + o)] = reactive;
            _values[(ushort)(PowerFactorL1 + o)] = pf;
        }
        _values[LineFrequency] = (float)frequencyHz;
    }

    /// <summary>The float at <paramref name="offset"/>, if modelled.</summary>
    public bool TryGet(ushort offset, out float value) => _values.TryGetValue(offset, out value);

    /// <summary>Fills <paramref name="registers"/> from <paramref name="start"/>; false (Illegal Data Address) if the range splits a float or leaves the map.</summary>
    public bool TryRead(ushort start, Span<ushort> registers)
    {
        if (registers.Length % 2 != 0)
        {
            return false;
        }
        Span<byte> bytes = stackalloc byte[4];
        for (var i = 0; i < registers.Length; i += 2)
        {
            if (!_values.TryGetValue((ushort)(start + i), out var v))
            {
                return false;
            }
            BinaryPrimitives.WriteSingleBigEndian(bytes, v);
            registers[i] = BinaryPrimitives.ReadUInt16BigEndian(bytes);
            registers[i + 1] = BinaryPrimitives.ReadUInt16BigEndian(bytes[2..]);
        }
        return true;
    }

    /// <summary>Decodes the floats of a register block (each value two registers, high word first).</summary>
    public static float[] Floats(ReadOnlySpan<ushort> registers)
    {
        var result = new float[registers.Length / 2];
        Span<byte> bytes = stackalloc byte[4];
        for (var i = 0; i < result.Length; i++)
        {
            BinaryPrimitives.WriteUInt16BigEndian(bytes, registers[2 * i]);
            BinaryPrimitives.WriteUInt16BigEndian(bytes[2..], registers[2 * i + 1]);
            result[i] = BinaryPrimitives.ReadSingleBigEndian(bytes);
        }
        return result;
    }
}
