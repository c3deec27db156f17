using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Qkd.Gateway.Modbus;

/// <summary>The outcome of a register read: the registers, or the server's exception code (an expected outcome, not an exception).</summary>
public abstract record ModbusReadOutcome
{
    public sealed record Registers(ushort[] Values) : ModbusReadOutcome;

    public sealed record ServerException(byte Code) : ModbusReadOutcome;

    private ModbusReadOutcome() { }
}

/// <summary>
/// A Modbus TCP client (the plant-side poller) over one TCP connection: one outstanding request at a time,
/// transaction IDs counting up from 1, responses checked for transaction ID, unit ID and function (Implementation
/// Guide v1.0b section 4.2); a mismatched or malformed response is an <see cref="IOException"/>.
/// </summary>
public sealed class ModbusTcpClient : IDisposable
{
    private readonly Socket _socket;
    private ushort _transaction;

    private ModbusTcpClient(Socket socket) => _socket = socket;

    public static async Task<ModbusTcpClient> ConnectAsync(EndPoint server, CancellationToken ct = default)
    {
        var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await s.ConnectAsync(server, ct).ConfigureAwait(false);
        return new ModbusTcpClient(s);
    }

    /// <summary>Function 0x03 or 0x04 for <paramref name="quantity"/> registers from <paramref name="start"/>.</summary>
    public async Task<ModbusReadOutcome> ReadRegistersAsync(byte unitId, byte function, ushort start, ushort quantity, CancellationToken ct = default)
    {
        if (quantity is < 1 or > ModbusFrame.MaxRegistersPerRead)
        {
            throw new ArgumentOutOfRangeException(nameof(quantity), quantity, $"A Modbus register read asks for 1..{ModbusFrame.MaxRegistersPerRead} registers (MAP v1.1b3 section 6.3).");
        }
        var transaction = ++_transaction;
        await _socket.SendAsync(ModbusFrame.ReadRequest(transaction, unitId, function, start, quantity), ct).ConfigureAwait(false);
        var header = new byte[ModbusFrame.MbapBytes];
        await ReadExactlyAsync(header, ct).ConfigureAwait(false);
        var pduLength = ModbusFrame.PduLength(header);
        if (pduLength < 2 || ModbusFrame.TransactionId(header) != transaction || header[6] != unitId)
        {
            throw new IOException($"Modbus response does not match request {transaction} to unit {unitId}.");
        }
        var pdu = new byte[pduLength];
        await ReadExactlyAsync(pdu, ct).ConfigureAwait(false);
        if (pdu[0] == (function | 0x80))
        {
            return new ModbusReadOutcome.ServerException(pdu[1]);
        }
        if (pdu[0] != function || pdu[1] != 2 * quantity || pdu.Length != 2 + 2 * quantity)
        {
            throw new IOException($"Modbus response to function {function} for {quantity} registers is malformed.");
        }
        var values = new ushort[quantity];
        for (var i = 0; i < quantity; i++)
        {
            values[i] = BinaryPrimitives.ReadUInt16BigEndian(pdu.AsSpan(2 + 2 * i));
        }
        return new ModbusReadOutcome.Registers(values);
    }

    private async Task ReadExactlyAsync(Memory<byte> buffer, CancellationToken ct)
    {
        for (var got = 0; got < buffer.Length;)
        {
            var n = await _socket.ReceiveAsync(buffer[got..], ct).ConfigureAwait(false);
            if (n == 0)
            {
                throw new IOException("The Modbus server closed the connection mid-response.");
            }
            got += n;
        }
    }

    public void Dispose() => _socket.Dispose();
}
