using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Qkd.Gateway.Modbus;

/// <summary>
/// A Modbus TCP server (the edge-side device) answering Read Holding/Input Registers from a
/// <see cref="Pac4200RegisterMap"/>; one task per connection, requests answered in order (Implementation Guide
/// v1.0b section 4.2: the server echoes the transaction ID and unit ID). Other functions get exception 0x01,
/// quantities outside 1..125 exception 0x03, unmodelled or split registers exception 0x02 (MAP v1.1b3 6.3, 6.4).
/// A malformed MBAP header closes the connection.
/// </summary>
public sealed class ModbusTcpServer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _mapGate = new();
    private readonly Pac4200RegisterMap _map;
    private readonly Task _loop;
    private long _requests;

    public ModbusTcpServer(IPEndPoint listen, Pac4200RegisterMap map)
    {
        _map = map;
        _listener = new TcpListener(listen);
        _listener.Start();
        _loop = AcceptAsync();
    }

    public IPEndPoint Endpoint => (IPEndPoint)_listener.LocalEndpoint;

    public long RequestsServed => Interlocked.Read(ref _requests);

    /// <summary>Changes the map under the server's lock (a reading arriving from the device).</summary>
    public void Update(Action<Pac4200RegisterMap> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        lock (_mapGate)
        {
            change(_map);
        }
    }

    private Task AcceptAsync() => AcceptLoop.RunAsync(_listener, s => _ = ServeAsync(s), _stop.Token);

    private async Task ServeAsync(Socket s)
    {
        using (s)
        {
            var header = new byte[ModbusFrame.MbapBytes];
            var pdu = new byte[253];
            try
            {
                while (await ReadExactlyAsync(s, header).ConfigureAwait(false))
                {
                    var pduLength = ModbusFrame.PduLength(header);
                    if (pduLength < 1 || !await ReadExactlyAsync(s, pdu.AsMemory(0, pduLength)).ConfigureAwait(false))
                    {
                        return;
                    }
                    var reply = Answer(ModbusFrame.TransactionId(header), header[6], pdu.AsSpan(0, pduLength));
                    // Counted before the reply leaves: a client that has its answer must see it counted.
                    Interlocked.Increment(ref _requests);
                    await s.SendAsync(reply, _stop.Token).ConfigureAwait(false);
                }
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException)
            {
            }
        }
    }

    private byte[] Answer(ushort transaction, byte unit, ReadOnlySpan<byte> pdu)
    {
        var function = pdu[0];
        if (function is not (ModbusFrame.ReadHoldingRegisters or ModbusFrame.ReadInputRegisters))
        {
            return ModbusFrame.ExceptionResponse(transaction, unit, function, ModbusFrame.IllegalFunction);
        }
        if (pdu.Length != 5)
        {
            return ModbusFrame.ExceptionResponse(transaction, unit, function, ModbusFrame.IllegalDataValue);
        }
        var start = BinaryPrimitives.ReadUInt16BigEndian(pdu[1..]);
        var quantity = BinaryPrimitives.ReadUInt16BigEndian(pdu[3..]);
        if (quantity is < 1 or > ModbusFrame.MaxRegistersPerRead)
        {
            return ModbusFrame.ExceptionResponse(transaction, unit, function, ModbusFrame.IllegalDataValue);
        }
        var registers = new ushort[quantity];
        bool ok;
        lock (_mapGate)
        {
            ok = _map.TryRead(start, registers);
        }
        return ok
            ? ModbusFrame.ReadResponse(transaction, unit, function, registers)
            : ModbusFrame.ExceptionResponse(transaction, unit, function, ModbusFrame.IllegalDataAddress);
    }

    private async Task<bool> ReadExactlyAsync(Socket s, Memory<byte> buffer)
    {
        for (var got = 0; got < buffer.Length;)
        {
            var n = await s.ReceiveAsync(buffer[got..], _stop.Token).ConfigureAwait(false);
            if (n == 0)
            {
                return false;
            }
            got += n;
        }
        return true;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }
}
