using System.Buffers.Binary;
using Qkd.Classical;

namespace Qkd.PostProcessing;

/// <summary>
/// Wegman-Carter authentication of every classical message, as a decorator over any channel end. The sender
/// appends tag = H_k(seq, message) XOR pad, H the polynomial hash over GF(2^64) with the direction's hash key k,
/// seq the direction's message counter and pad a fresh 64-bit one-time pad from the
/// <see cref="AuthenticationKeyPool"/>; the receiver recomputes it with its own counter and pad and compares in
/// constant time. A forged, modified, injected, replayed or reordered message is accepted with probability at
/// most (d + 2) / 2^64 for a d-word message (the hash is (d+2)/2^64-almost-XOR-universal over (seq, message);
/// Wegman and Carter, J. Comput. Syst. Sci. 22, 265 (1981), Sec. 3). A failure throws
/// <see cref="ClassicalAuthenticationException"/>; the channel is unusable afterwards.
/// </summary>
public sealed class AuthenticatedClassicalChannel : IClassicalChannel, IDisposable
{
    /// <summary>Tag length [bytes].</summary>
    public const int TagBytes = 8;

    private readonly IClassicalChannel _inner;
    private readonly AuthenticationKeyPool _pool;
    private readonly SemaphoreSlim _sendGate = new(1, 1);
    private ulong _sent;
    private ulong _received;
    private volatile bool _failed;

    /// <summary>Wraps <paramref name="inner"/>, drawing pads from <paramref name="pool"/>.</summary>
    public AuthenticatedClassicalChannel(IClassicalChannel inner, AuthenticationKeyPool pool)
    {
        _inner = Guard.NotNull(inner);
        _pool = Guard.NotNull(pool);
    }

    /// <inheritdoc />
    public Party Self => _inner.Self;

    /// <inheritdoc />
    public ClassicalTraffic Traffic => _inner.Traffic;

    /// <summary>Messages authenticated in both directions.</summary>
    public long MessagesAuthenticated => (long)(_sent + _received);

    /// <summary>Upper bound on the probability that one forged message is accepted: (d + 2) / 2^64 for d-word messages.</summary>
    public static double ForgeryBound(int messageBytes) => PolynomialHash.CollisionBound((messageBytes + 7) / 8 + 1);

    /// <inheritdoc />
    public async ValueTask SendAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken = default)
    {
        ThrowIfFailed();
        await _sendGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_pool.TryTakePad(Self, out var pad))
            {
                _failed = true;
                throw new ClassicalAuthenticationException($"The authentication key of {Self} is exhausted after {_pool.SpentBits} bits; replenish the pool.");
            }
            var tag = PolynomialHash.Compute(_pool.HashKey(Self), _sent, message.Span) ^ pad;
            _sent++;
            var framed = new byte[message.Length + TagBytes];
            message.Span.CopyTo(framed);
            BinaryPrimitives.WriteUInt64LittleEndian(framed.AsSpan(message.Length), tag);
            await _inner.SendAsync(framed, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _sendGate.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask<byte[]> ReceiveAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfFailed();
        var framed = await _inner.ReceiveAsync(cancellationToken).ConfigureAwait(false);
        var peer = Self == Party.Alice ? Party.Bob : Party.Alice;
        if (framed.Length < TagBytes)
        {
            _failed = true;
            throw new ClassicalAuthenticationException($"A classical message to {Self} of {framed.Length} bytes is shorter than the {TagBytes}-byte tag.");
        }
        if (!_pool.TryTakePad(peer, out var pad))
        {
            _failed = true;
            throw new ClassicalAuthenticationException($"The authentication key of {Self} is exhausted after {_pool.SpentBits} bits; replenish the pool.");
        }
        var payloadLength = framed.Length - TagBytes;
        var expected = PolynomialHash.Compute(_pool.HashKey(peer), _received, framed.AsSpan(0, payloadLength)) ^ pad;
        _received++;
        var received = BinaryPrimitives.ReadUInt64LittleEndian(framed.AsSpan(payloadLength));
        if (!ErrorVerification.TagsEqual(expected, received))
        {
            _failed = true;
            throw new ClassicalAuthenticationException($"Classical message {_received - 1} from {peer} to {Self} failed authentication; the round is aborted.");
        }
        return framed[..payloadLength];
    }

    /// <summary>Releases the send lock.</summary>
    public void Dispose() => _sendGate.Dispose();

    private void ThrowIfFailed()
    {
        if (_failed)
        {
            throw new ClassicalAuthenticationException($"The authenticated channel of {Self} already failed; the round is aborted.");
        }
    }
}
