using Qkd.Classical;

namespace Qkd.Tests.Classical;

public class InMemoryClassicalChannelTests
{
    [Fact]
    public async Task Messages_ArriveInOrder_AndAreCounted()
    {
        var (alice, bob) = InMemoryClassicalChannel.CreatePair();
        await alice.SendAsync(new byte[] { 1, 2, 3 });
        await alice.SendAsync(new byte[] { 4 });
        Assert.Equal(new byte[] { 1, 2, 3 }, await bob.ReceiveAsync());
        Assert.Equal(new byte[] { 4 }, await bob.ReceiveAsync());
        await bob.SendAsync(new byte[] { 9, 9 });
        Assert.Equal(new byte[] { 9, 9 }, await alice.ReceiveAsync());
        Assert.Equal(4, alice.Traffic.BytesSent);
        Assert.Equal(2, alice.Traffic.BytesReceived);
        Assert.Equal(1, alice.Traffic.SendTurns);
        Assert.Equal(1, bob.Traffic.SendTurns);
        Assert.Equal(Party.Bob, bob.Self);
    }

    [Fact]
    public async Task SentBuffer_CanBeReusedAfterSend()
    {
        var (alice, bob) = InMemoryClassicalChannel.CreatePair();
        var buffer = new byte[] { 7 };
        await alice.SendAsync(buffer);
        buffer[0] = 8;
        Assert.Equal(new byte[] { 7 }, await bob.ReceiveAsync());
    }

    [Fact]
    public async Task PooledMessage_CountsOnlyItsBytes_AndReachesAPlainReceiverAsAnExactCopy()
    {
        var (alice, bob) = InMemoryClassicalChannel.CreatePair();
        var rented = System.Buffers.ArrayPool<byte>.Shared.Rent(100);
        rented[0] = 3;
        rented[1] = 5;
        await alice.SendPooledAsync(rented, 2);
        Assert.Equal(new byte[] { 3, 5 }, await bob.ReceiveAsync());
        Assert.Equal(2, alice.Traffic.BytesSent);
        Assert.Equal(2, bob.Traffic.BytesReceived);
    }

    [Fact]
    public async Task Envelope_OfAPlainSend_IsTheWholeMessage_AndReleaseLeavesItAlone()
    {
        var (alice, bob) = InMemoryClassicalChannel.CreatePair();
        await alice.SendAsync(new byte[] { 1, 2, 3 });
        var envelope = await bob.ReceiveEnvelopeAsync();
        Assert.False(envelope.Pooled);
        Assert.Equal(new byte[] { 1, 2, 3 }, envelope.Message.ToArray());
        envelope.Release();
        Assert.Equal(new byte[] { 1, 2, 3 }, envelope.Buffer);
        Assert.Equal(3, bob.Traffic.BytesReceived);
    }
}
