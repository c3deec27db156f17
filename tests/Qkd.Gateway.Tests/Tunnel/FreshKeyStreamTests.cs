using System.Net.Sockets;
using Microsoft.Extensions.Time.Testing;
using Qkd.Gateway.Tests.Support;
using Qkd.Gateway.Tunnel;

namespace Qkd.Gateway.Tests.Tunnel;

/// <summary>Fresh-key streams (ours): a running carried connection moves onto new TLS 1.3 connections under new QKD keys.</summary>
public sealed class FreshKeyStreamTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private static readonly TunnelSettings FreshKey = new() { FreshKeyStreams = true, FreshKeyInterval = TimeSpan.FromSeconds(30), RekeyInterval = TimeSpan.Zero };

    [Fact]
    public async Task FreshKeys_WhileBytesFlowBothWays_EveryByteArrivesInOrder_AndEachMoveSpendsOneKey()
    {
        await using var bed = await Testbed.StartAsync();
        await bed.SupplyAsync(seed: 61, bits: 256 * 40);
        await using var echo = new EchoServer();
        var clock = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        await using var pair = TunnelPair.Start(bed, echo.Endpoint, FreshKey, FreshKey, clock);
        using var s = await pair.ConnectAsync();
        // The writer streams a repeating pseudo-random pattern until told to stop; the reader checks every byte
        // against its position, so a lost, doubled or reordered byte anywhere across a move fails the test.
        var pattern = TestKeys.Bytes(62, 1 << 20);
        using var stop = new CancellationTokenSource();
        long written = 0;
        var writer = Task.Run(async () =>
        {
            const int Piece = 16 << 10;
            while (!stop.IsCancellationRequested)
            {
                var at = (int)(written % pattern.Length);
                await s.SendAsync(pattern.AsMemory(at, Math.Min(Piece, pattern.Length - at)));
                written += Math.Min(Piece, pattern.Length - at);
            }
        });
        long verified = 0;
        using var stopReading = new CancellationTokenSource();
        var reader = Task.Run(async () =>
        {
            var buffer = new byte[64 << 10];
            try
            {
                while (true)
                {
                    var n = await s.ReceiveAsync(buffer, SocketFlags.None, stopReading.Token);
                    Assert.True(n > 0, $"the tunnel closed after {verified} bytes");
                    for (var i = 0; i < n; i++)
                    {
                        Assert.True(buffer[i] == pattern[(verified + i) % pattern.Length], $"byte {verified + i} differs");
                    }
                    Interlocked.Add(ref verified, n);
                }
            }
            catch (OperationCanceledException)
            {
            }
        });
        for (var move = 1; move <= 3; move++)
        {
            var target = move;
            await UntilAsync(() => pair.Plant.Metrics.FreshKeys >= target, () => clock.Advance(FreshKey.FreshKeyInterval));
        }
        await stop.CancelAsync();
        await writer.WaitAsync(Timeout);
        await UntilAsync(() => reader.IsCompleted || Interlocked.Read(ref verified) == written);
        await stopReading.CancelAsync();
        await reader.WaitAsync(Timeout);
        Assert.Equal(written, verified);
        Assert.True(written > 1 << 20, $"only {written} bytes flowed during the moves");

        var moves = pair.Plant.Metrics.FreshKeys;
        Assert.True(moves >= 3, $"expected at least 3 fresh keys in the stream, got {moves}");
        Assert.Equal(0, pair.Plant.Metrics.FreshKeyFailures);
        Assert.Equal(1 + moves, pair.Plant.Metrics.KeysConsumed);
        await UntilAsync(() => pair.Edge.Metrics.FreshKeys == moves);
        Assert.Equal(1 + moves, pair.Edge.Metrics.KeysConsumed);
        Assert.Equal(1, pair.Plant.Metrics.ConnectionsEstablished);
        Assert.Equal(1, echo.Accepted);
        // The plant counts a chunk after its TLS write returned, possibly after the echo reached the reader.
        await UntilAsync(() => pair.Plant.Metrics.BytesOut == written);
        Assert.Equal(written, pair.Plant.Metrics.BytesOut);
    }

    [Fact]
    public async Task NoFreshKeyFromKme_StreamStaysOnItsSession_AndTheFailureIsCounted()
    {
        await using var bed = await Testbed.StartAsync();
        await bed.SupplyAsync(seed: 64, bits: 256); // one key: the stream's first
        await using var echo = new EchoServer();
        var clock = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var noWait = FreshKey with { KeyWait = TimeSpan.Zero };
        await using var pair = TunnelPair.Start(bed, echo.Endpoint, noWait, noWait, clock);
        using var s = await pair.ConnectAsync();
        await RoundTripAsync(s, 65);
        await UntilAsync(() => pair.Plant.Metrics.FreshKeyFailures > 0, () => clock.Advance(FreshKey.FreshKeyInterval));
        await RoundTripAsync(s, 66);
        Assert.Equal(0, pair.Plant.Metrics.FreshKeys);
        Assert.Equal(1, pair.Plant.Metrics.KeysConsumed);
    }

    [Fact]
    public async Task FreshKeyConnector_AgainstStandardListener_FailsTheHandshake_AndForwardsNothing()
    {
        await using var bed = await Testbed.StartAsync();
        await bed.SupplyAsync(seed: 67, bits: 2048);
        await using var echo = new EchoServer();
        await using var pair = TunnelPair.Start(bed, echo.Endpoint, FreshKey, new TunnelSettings());
        using var s = await pair.ConnectAsync();
        await s.SendAsync(new byte[] { 1, 2, 3 });
        Assert.Equal(0, await SocketIo.ReadUntilClosedAsync(s).WaitAsync(Timeout));
        Assert.Equal(1, pair.Plant.Metrics.ConnectionsRefused);
        Assert.Equal(0, echo.Accepted);
    }

    [Fact]
    public async Task StandardConnector_AgainstFreshKeyListener_IsRefused_AndForwardsNothing()
    {
        await using var bed = await Testbed.StartAsync();
        await bed.SupplyAsync(seed: 68, bits: 2048);
        await using var echo = new EchoServer();
        await using var pair = TunnelPair.Start(bed, echo.Endpoint, new TunnelSettings(), FreshKey);
        using var s = await pair.ConnectAsync();
        await s.SendAsync(new byte[] { 1, 2, 3 });
        Assert.Equal(0, await SocketIo.ReadUntilClosedAsync(s).WaitAsync(Timeout));
        Assert.Equal(0, pair.Edge.Metrics.ConnectionsEstablished);
        Assert.Equal(0, echo.Accepted);
    }

    [Fact]
    public void SegmentHeader_RoundTrips_AndRejectsOtherMagicOrVersion()
    {
        var stream = Guid.NewGuid();
        var header = SegmentWire.Header(stream, 7);
        Assert.True(SegmentWire.TryParseHeader(header, out var parsed, out var number));
        Assert.Equal(stream, parsed);
        Assert.Equal(7u, number);
        var badVersion = (byte[])header.Clone();
        badVersion[4] = 2;
        Assert.False(SegmentWire.TryParseHeader(badVersion, out _, out _));
        var badMagic = (byte[])header.Clone();
        badMagic[0] = (byte)'X';
        Assert.False(SegmentWire.TryParseHeader(badMagic, out _, out _));
        Assert.False(SegmentWire.TryParseHeader(header.AsSpan(1), out _, out _));
    }

    private static async Task RoundTripAsync(Socket s, ulong seed)
    {
        var chunk = TestKeys.Bytes(seed, 500);
        await s.SendAsync(chunk);
        var back = new byte[chunk.Length];
        Assert.Equal(chunk.Length, await SocketIo.ReadExactlyAsync(s, back).WaitAsync(Timeout));
        Assert.Equal(chunk, back);
    }

    private static Task UntilAsync(Func<bool> done, Action? step = null) => Poll.UntilAsync(done, Timeout, step);
}
