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
}
