using FsCheck;
using FsCheck.Xunit;
using Qkd.Bits;
using Qkd.Classical;
using Qkd.PostProcessing;

namespace Qkd.Tests.PostProcessing;

public class AuthenticatedClassicalChannelTests
{
    /// <summary>An attacker in the middle: flips one bit of the k-th message Alice sends, or injects a message first.</summary>
    private sealed class Tampering(IClassicalChannel inner, int messageIndex, int bit, bool inject) : IClassicalChannel
    {
        private int _sent;

        public Party Self => inner.Self;

        public ClassicalTraffic Traffic => inner.Traffic;

        public async ValueTask SendAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken = default)
        {
            if (_sent++ == messageIndex)
            {
                if (inject)
                {
                    await inner.SendAsync(new byte[message.Length], cancellationToken);
                }
                else
                {
                    var copy = message.ToArray();
                    copy[(bit / 8) % copy.Length] ^= (byte)(1 << (bit % 8));
                    message = copy;
                }
            }
            await inner.SendAsync(message, cancellationToken);
        }

        public ValueTask<byte[]> ReceiveAsync(CancellationToken cancellationToken = default) => inner.ReceiveAsync(cancellationToken);
    }

    private static BitString Psk(ulong seed, int bits = 4096)
    {
        var random = new SimRandom(seed);
        return BitString.Random(bits, ref random);
    }

    [Fact]
    public async Task Messages_RoundTrip_AndConsume64BitsEach()
    {
        var (a, b) = InMemoryClassicalChannel.CreatePair();
        var poolA = new AuthenticationKeyPool(Psk(1));
        var poolB = new AuthenticationKeyPool(Psk(1));
        using var alice = new AuthenticatedClassicalChannel(a, poolA);
        using var bob = new AuthenticatedClassicalChannel(b, poolB);
        await alice.SendAsync(new byte[] { 1, 2, 3 });
        await alice.SendAsync(Array.Empty<byte>());
        Assert.Equal(new byte[] { 1, 2, 3 }, await bob.ReceiveAsync());
        Assert.Empty(await bob.ReceiveAsync());
        await bob.SendAsync(new byte[] { 9 });
        Assert.Equal(new byte[] { 9 }, await alice.ReceiveAsync());
        Assert.Equal(128 + 3 * 64, poolA.SpentBits);
        Assert.Equal(poolA.SpentBits, poolB.SpentBits);
    }

    [Property(MaxTest = 50)]
    public bool AnyFlippedBit_IsDetected(NonNegativeInt messageIndex, NonNegativeInt bit, ulong seed)
    {
        var index = messageIndex.Get % 3;
        var (a, b) = InMemoryClassicalChannel.CreatePair();
        using var alice = new AuthenticatedClassicalChannel(new Tampering(a, index, bit.Get, inject: false), new AuthenticationKeyPool(Psk(seed)));
        using var bob = new AuthenticatedClassicalChannel(b, new AuthenticationKeyPool(Psk(seed)));
        var random = new SimRandom(seed);
        for (var i = 0; i < 3; i++)
        {
            var message = new byte[1 + (int)random.NextBelow(40)];
            alice.SendAsync(message).AsTask().GetAwaiter().GetResult();
        }
        try
        {
            for (var i = 0; i < 3; i++)
            {
                bob.ReceiveAsync().AsTask().GetAwaiter().GetResult();
            }
            return false;
        }
        catch (ClassicalAuthenticationException)
        {
            return true;
        }
    }

    [Fact]
    public async Task InjectedMessage_IsDetected()
    {
        var (a, b) = InMemoryClassicalChannel.CreatePair();
        using var alice = new AuthenticatedClassicalChannel(new Tampering(a, 0, 0, inject: true), new AuthenticationKeyPool(Psk(2)));
        using var bob = new AuthenticatedClassicalChannel(b, new AuthenticationKeyPool(Psk(2)));
        await alice.SendAsync(new byte[] { 5, 6 });
        await Assert.ThrowsAsync<ClassicalAuthenticationException>(async () => await bob.ReceiveAsync());
        await Assert.ThrowsAsync<ClassicalAuthenticationException>(async () => await bob.ReceiveAsync());
    }

    [Fact]
    public async Task ReplayedMessage_IsDetected()
    {
        var (a, b) = InMemoryClassicalChannel.CreatePair();
        var (eveIn, eveOut) = InMemoryClassicalChannel.CreatePair();
        using var alice = new AuthenticatedClassicalChannel(a, new AuthenticationKeyPool(Psk(3)));
        using var bob = new AuthenticatedClassicalChannel(eveOut, new AuthenticationKeyPool(Psk(3)));
        await alice.SendAsync(new byte[] { 7 });
        var captured = await b.ReceiveAsync();
        await eveIn.SendAsync(captured);
        await eveIn.SendAsync(captured);
        Assert.Equal(new byte[] { 7 }, await bob.ReceiveAsync());
        await Assert.ThrowsAsync<ClassicalAuthenticationException>(async () => await bob.ReceiveAsync());
    }

    [Fact]
    public async Task ExhaustedKey_RefusesToSend_UntilReplenished()
    {
        var (a, _) = InMemoryClassicalChannel.CreatePair();
        var pool = new AuthenticationKeyPool(Psk(4, 256));
        using var alice = new AuthenticatedClassicalChannel(a, pool);
        await alice.SendAsync(new byte[] { 1 });
        await Assert.ThrowsAsync<ClassicalAuthenticationException>(async () => await alice.SendAsync(new byte[] { 2 }));
        pool.Replenish(Psk(5, 128));
        Assert.Equal(1, pool.PadsLeft(Party.Alice));
        Assert.Equal(128, pool.ReplenishedBits);
    }
}
