using System.Buffers.Binary;

namespace Qkd.Gateway.Modbus;

/// <summary>
/// The subset of Modbus TCP the tunnel's round trip needs: the MBAP header (Modbus Messaging on TCP/IP
/// Implementation Guide v1.0b, section 3.1.3: transaction ID u16, protocol ID u16 = 0, length u16 = unit ID + PDU
/// bytes, unit ID u8; all big-endian) and the PDUs of function 0x03 Read Holding Registers and 0x04 Read Input
/// Registers (Modbus Application Protocol Specification v1.1b3, sections 6.3 and 6.4: request = function,
/// starting address u16, quantity u16 in 1..125; response = function, byte count = 2 x quantity, register values
/// u16 big-endian) and exception responses (section 7: function | 0x80, exception code).
/// </summary>
public static class ModbusFrame
{
    public const int MbapBytes = 7;
    public const byte ReadHoldingRegisters = 0x03;
    public const byte ReadInputRegisters = 0x04;
    public const int MaxRegistersPerRead = 125;

    /// <summary>Exception codes (section 7).</summary>
    public const byte IllegalFunction = 0x01;
    public const byte IllegalDataAddress = 0x02;
    public const byte IllegalDataValue = 0x03;

    /// <summary>A read request ADU (MBAP + 5-byte PDU).</summary>
    public static byte[] ReadRequest(ushort transactionId, byte unitId, byte function, ushort startAddress, ushort quantity)
    {
        var adu = new byte[MbapBytes + 5];
        WriteMbap(adu, transactionId, unitId, 5);
        adu[7] = function;
        BinaryPrimitives.WriteUInt16BigEndian(adu.AsSpan(8), startAddress);
        BinaryPrimitives.WriteUInt16BigEndian(adu.AsSpan(10), quantity);
        return adu;
    }

    /// <summary>A read response ADU carrying <paramref name="registers"/>.</summary>
    public static byte[] ReadResponse(ushort transactionId, byte unitId, byte function, ReadOnlySpan<ushort> registers)
    {
        var pduBytes = 2 + 2 * registers.Length;
        var adu = new byte[MbapBytes + pduBytes];
        WriteMbap(adu, transactionId, unitId, pduBytes);
        adu[7] = function;
        adu[8] = (byte)(2 * registers.Length);
        for (var i = 0; i < registers.Length; i++)
        {
            BinaryPrimitives.WriteUInt16BigEndian(adu.AsSpan(9 + 2 * i), registers[i]);
        }
        return adu;
    }

    /// <summary>An exception response ADU (section 7).</summary>
    public static byte[] ExceptionResponse(ushort transactionId, byte unitId, byte function, byte exceptionCode)
    {
        var adu = new byte[MbapBytes + 2];
        WriteMbap(adu, transactionId, unitId, 2);
        adu[7] = (byte)(function | 0x80);
        adu[8] = exceptionCode;
        return adu;
    }

    /// <summary>The PDU length the MBAP header announces (its length field minus the unit ID), or -1 if the header is not Modbus (protocol ID not 0, length outside 2..254).</summary>
    public static int PduLength(ReadOnlySpan<byte> mbap)
    {
        var protocol = BinaryPrimitives.ReadUInt16BigEndian(mbap[2..]);
        var length = BinaryPrimitives.ReadUInt16BigEndian(mbap[4..]);
        return protocol != 0 || length < 2 || length > 254 ? -1 : length - 1;
    }

    public static ushort TransactionId(ReadOnlySpan<byte> mbap) => BinaryPrimitives.ReadUInt16BigEndian(mbap);

    private static void WriteMbap(Span<byte> adu, ushort transactionId, byte unitId, int pduBytes)
    {
        BinaryPrimitives.WriteUInt16BigEndian(adu, transactionId);
        BinaryPrimitives.WriteUInt16BigEndian(adu[2..], 0);
        BinaryPrimitives.WriteUInt16BigEndian(adu[4..], (ushort)(pduBytes + 1));
        adu[6] = unitId;
    }
}
