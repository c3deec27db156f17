using System.Net;
using Qkd.Gateway.Modbus;
using Qkd.Gateway.Sensors;
using Qkd.Gateway.Tests.Support;
using Qkd.Gateway.Tests.Tunnel;

namespace Qkd.Gateway.Tests.Modbus;

/// <summary>Modbus TCP against the simulated PAC4200, directly and through the QKD tunnel (real KMS network, real sockets).</summary>
public sealed class ModbusThroughTunnelTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private static Pac4200RegisterMap SeededMap(ulong seed, out PowerSample sample)
    {
        var sim = new PowerMonitorSimulator(seed, 0);
        sample = sim.Next(1_700_000_000_000_000);
        var map = new Pac4200RegisterMap();
        map.Load(sample);
        return map;
    }

    [Fact]
    public async Task ReadThroughTunnel_ReturnsTheSameRegistersAsDirect_AndTheSimulatedValues()
    {
        await using var bed = await Testbed.StartAsync();
        await bed.SupplyAsync(seed: 61, bits: 2048);
        await using var device = new ModbusTcpServer(new IPEndPoint(IPAddress.Loopback, 0), SeededMap(61, out var sample));
        await using var pair = TunnelPair.Start(bed, device.Endpoint);
        using var direct = await ModbusTcpClient.ConnectAsync(device.Endpoint);
        using var tunnelled = await ModbusTcpClient.ConnectAsync(pair.Plant.LocalEndpoint);
        for (var poll = 0; poll < 20; poll++)
        {
            var function = poll % 2 == 0 ? ModbusFrame.ReadHoldingRegisters : ModbusFrame.ReadInputRegisters;
            var viaTunnel = Assert.IsType<ModbusReadOutcome.Registers>(await tunnelled.ReadRegistersAsync(1, function, Pac4200RegisterMap.VoltageL1N, 42).WaitAsync(Timeout));
            var viaDirect = Assert.IsType<ModbusReadOutcome.Registers>(await direct.ReadRegistersAsync(1, function, Pac4200RegisterMap.VoltageL1N, 42).WaitAsync(Timeout));
            Assert.Equal(viaDirect.Values, viaTunnel.Values);
            var floats = Pac4200RegisterMap.Floats(viaTunnel.Values);
            Assert.Equal(sample.VoltageV, floats[0]);
            Assert.Equal(sample.CurrentA, floats[(Pac4200RegisterMap.CurrentL1 - 1) / 2]);
            Assert.Equal(sample.ActivePowerW, floats[(Pac4200RegisterMap.ActivePowerL1 - 1) / 2]);
        }
        Assert.Equal(1, pair.Plant.Metrics.KeysConsumed);
        Assert.Equal(40, device.RequestsServed);
    }

    [Fact]
    public async Task ReadThroughTunnel_SeesReadingsAsTheyChange()
    {
        await using var bed = await Testbed.StartAsync();
        await bed.SupplyAsync(seed: 62, bits: 2048);
        await using var device = new ModbusTcpServer(new IPEndPoint(IPAddress.Loopback, 0), new Pac4200RegisterMap());
        await using var pair = TunnelPair.Start(bed, device.Endpoint);
        using var poller = await ModbusTcpClient.ConnectAsync(pair.Plant.LocalEndpoint);
        var sim = new PowerMonitorSimulator(62, 0);
        for (var i = 0; i < 10; i++)
        {
            var sample = sim.Next(1_700_000_000_000_000 + i * 100_000L);
            device.Update(m => m.Load(sample));
            var read = Assert.IsType<ModbusReadOutcome.Registers>(await poller.ReadRegistersAsync(1, ModbusFrame.ReadHoldingRegisters, Pac4200RegisterMap.ActivePowerL1, 2).WaitAsync(Timeout));
            Assert.Equal(sample.ActivePowerW, Pac4200RegisterMap.Floats(read.Values)[0]);
        }
    }

    [Theory]
    [InlineData(2, 2)] // starts inside Voltage L1-N
    [InlineData(43, 2)] // THD registers are not modelled
    [InlineData(1, 41)] // ends inside Power Factor L3
    public async Task Read_SplitOrUnmodelledRegisters_IsIllegalDataAddress(ushort start, ushort quantity)
    {
        await using var device = new ModbusTcpServer(new IPEndPoint(IPAddress.Loopback, 0), SeededMap(63, out _));
        using var client = await ModbusTcpClient.ConnectAsync(device.Endpoint);
        var outcome = await client.ReadRegistersAsync(1, ModbusFrame.ReadHoldingRegisters, start, quantity).WaitAsync(Timeout);
        Assert.Equal(ModbusFrame.IllegalDataAddress, Assert.IsType<ModbusReadOutcome.ServerException>(outcome).Code);
    }

    [Fact]
    public async Task Read_UnsupportedFunction_IsIllegalFunction()
    {
        await using var device = new ModbusTcpServer(new IPEndPoint(IPAddress.Loopback, 0), SeededMap(64, out _));
        using var client = await ModbusTcpClient.ConnectAsync(device.Endpoint);
        var outcome = await client.ReadRegistersAsync(1, 0x01, 1, 2).WaitAsync(Timeout);
        Assert.Equal(ModbusFrame.IllegalFunction, Assert.IsType<ModbusReadOutcome.ServerException>(outcome).Code);
    }

    [Fact]
    public void ReadRequest_MatchesTheSpecExample()
    {
        // MAP v1.1b3 section 6.3 example: read registers 108-110 = request 03 006B 0003; MBAP (Implementation Guide 3.1.3) length 6.
        var adu = ModbusFrame.ReadRequest(0x0001, 0x11, ModbusFrame.ReadHoldingRegisters, 0x006B, 3);
        Assert.Equal(Convert.FromHexString("000100000006110300" + "6B0003"), adu);
    }
}
