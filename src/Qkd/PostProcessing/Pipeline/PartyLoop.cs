using System.Buffers.Binary;
using Qkd.Classical;

namespace Qkd.PostProcessing;

/// <summary>
/// One party's event loop over its end of the classical channel, keeping many blocks in flight: every channel
/// message carries one frame per block that has something to say, the frames of a received message are
/// handled one after the other (or in parallel, <see cref="PostProcessingOptions.ParallelFrames"/>), and all replies leave together in the next message. One channel round trip thus
/// advances every block in flight by one step, so latency is paid per step of the slowest block, not per
/// parity. Alice admits blocks (up to K in flight, in index order, a new one whenever one finishes); Bob follows
/// and answers every channel message (with no frames when he has nothing to say), so the channel is a strict
/// ping-pong and Alice knows, when an answer leaves her with nothing to send, that the blocks still open are stuck.
/// Message layout: int64 simulated send time [100 ns ticks], int32 batch number (messages of an earlier batch are
/// skipped), int32 frame count, then per frame int32 block
/// index, int32 sequence number (the sender's frame count for that block), int32 length (-1: the sender aborted
/// the block) and the payload.
/// </summary>
/// <remarks>
/// The framing is not authenticated: the blocks' transcript tags are (<see cref="BlockProtocol"/>). Anything a
/// man in the middle does to a frame therefore ends that block without key: a frame out of sequence, for a block
/// the receiver already finished, or that its state machine rejects aborts the block at once and tells the other
/// party; any other change surfaces as a tag mismatch at the block's close. A message that never arrives stalls
/// the conversation: the receive timeout ends it (<see cref="BlockOutcome.ChannelFailure"/> for the open blocks).
/// Simulated time: each party keeps a logical clock; a received message sets it to
/// max(own, send time + one-way latency) (Lamport clocks), so the clock at the end is the latency cost of the
/// whole run, independent of how fast the host computes.
/// </remarks>
internal sealed class PartyLoop(IClassicalChannel channel, int blockCount, int inFlight, long latencyTicks, long[] finishTicks,
    CancellationTokenSource abort, Func<int, BlockProtocol.IBlockParty> create, bool admitsBlocks, int epoch, TimeSpan receiveTimeout, TimeProvider time, int maxFramesPerBlock, bool parallelFrames)
{
    private const int HeaderBytes = 16;
    private const int FrameHeaderBytes = 12;
    private const int AbortLength = -1;
    private readonly BlockProtocol.IBlockParty?[] _parties = new BlockProtocol.IBlockParty?[blockCount];
    private readonly int[] _sentFrames = new int[blockCount];
    private readonly int[] _receivedFrames = new int[blockCount];
    private readonly bool[] _done = new bool[blockCount];
    private readonly List<(int Block, byte[]? Payload)> _outgoing = [];
    private long _clock;
    private int _finished;
    private int _nextAdmission;

    /// <summary>Channel messages this party sent.</summary>
    public long MessagesSent { get; private set; }

    /// <summary>The party of block <paramref name="block"/> (created on first use).</summary>
    public BlockProtocol.IBlockParty? this[int block] => _parties[block];

    public async Task RunAsync()
    {
        try
        {
            if (admitsBlocks)
            {
                while (_nextAdmission < Math.Min(inFlight, blockCount))
                {
                    Party(_nextAdmission++);
                }
            }
            else
            {
                for (var i = 0; i < blockCount; i++)
                {
                    Party(i);
                }
            }
            var answer = false;
            while (true)
            {
                if (_outgoing.Count > 0 || answer)
                {
                    // Each message is a fresh array never touched again: the in-memory channel may keep it without a copy.
                    var outgoing = Encode();
                    if (channel is InMemoryClassicalChannel memory)
                    {
                        await memory.SendOwnedAsync(outgoing, abort.Token).ConfigureAwait(false);
                    }
                    else
                    {
                        await channel.SendAsync(outgoing, abort.Token).ConfigureAwait(false);
                    }
                    MessagesSent++;
                    _outgoing.Clear();
                }
                if (_finished == blockCount)
                {
                    return;
                }
                answer = false;
                byte[] message;
                using (var timeout = new CancellationTokenSource(receiveTimeout, time))
                using (var linked = CancellationTokenSource.CreateLinkedTokenSource(abort.Token, timeout.Token))
                {
                    try
                    {
                        do
                        {
                            message = await channel.ReceiveAsync(linked.Token).ConfigureAwait(false);
                        }
                        while (IsStale(message));
                    }
                    catch (OperationCanceledException) when (timeout.IsCancellationRequested && !abort.IsCancellationRequested)
                    {
                        AbortOpen(BlockOutcome.ChannelFailure, notify: false);
                        return;
                    }
                }
                Handle(message);
                answer = !admitsBlocks;
                if (admitsBlocks && _outgoing.Count == 0 && _finished < blockCount)
                {
                    // Bob has answered every message Alice sent and neither side has anything to say: the open
                    // blocks lost a frame on the way. End them and tell Bob.
                    AbortOpen(BlockOutcome.AuthenticationFailure, notify: true);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The other party failed (or the caller cancelled): unfinished blocks stay unfinished.
        }
        catch (Exception e) when (e is System.Threading.Channels.ChannelClosedException or IOException)
        {
            AbortOpen(BlockOutcome.ChannelFailure, notify: false);
        }
        catch
        {
            // Whatever failed here, the other party must not wait for a message that will never come.
            await abort.CancelAsync().ConfigureAwait(false);
            throw;
        }
    }

    private BlockProtocol.IBlockParty Party(int block)
    {
        var party = _parties[block];
        if (party is null)
        {
            party = create(block);
            _parties[block] = party;
            Emit(block, party, party.Start(), wasFinished: false);
        }
        return party;
    }

    private void AbortOpen(BlockOutcome reason, bool notify)
    {
        for (var i = 0; i < blockCount; i++)
        {
            if (_parties[i] is { IsFinished: false } party)
            {
                party.Abort(reason);
                if (notify)
                {
                    _outgoing.Add((i, null));
                }
                Finished(i, admit: false);
            }
        }
    }

    private void Emit(int block, BlockProtocol.IBlockParty party, byte[]? reply, bool wasFinished)
    {
        if (reply is not null)
        {
            _outgoing.Add((block, reply));
        }
        else if (!wasFinished && party.IsFinished && party.Outcome is not (BlockOutcome.Secret or BlockOutcome.FrameError or BlockOutcome.AuthenticationKeyExhausted))
        {
            // Ended here without a word (a rejected frame, an estimate above threshold): the other party may still wait.
            _outgoing.Add((block, null));
        }
        if (!wasFinished && party.IsFinished)
        {
            Finished(block, admit: true);
        }
    }

    private void Finished(int block, bool admit)
    {
        if (_done[block])
        {
            return;
        }
        _done[block] = true;
        _finished++;
        long current;
        do
        {
            current = Interlocked.Read(ref finishTicks[block]);
        }
        while (_clock > current && Interlocked.CompareExchange(ref finishTicks[block], _clock, current) != current);
        if (admit && admitsBlocks && _nextAdmission < blockCount)
        {
            Party(_nextAdmission++);
        }
    }

    private void Handle(byte[] message)
    {
        if (!TryParse(message, out var frames))
        {
            // An unparseable message: none of its frames can be trusted to belong anywhere.
            AbortOpen(BlockOutcome.AuthenticationFailure, notify: true);
            return;
        }
        var count = frames.Length;
        var parties = new BlockProtocol.IBlockParty?[count];
        var replies = new byte[]?[count];
        var wasFinished = new bool[count];
        for (var i = 0; i < count; i++)
        {
            var (block, seq, payload) = frames[i];
            if (block >= blockCount || (block >= _nextAdmission && admitsBlocks))
            {
                continue; // a block Alice never opened: injected.
            }
            var party = Party(block);
            wasFinished[i] = party.IsFinished;
            if (party.IsFinished)
            {
                continue; // nothing a frame says can change a finished block.
            }
            if (payload is null || seq != _receivedFrames[block]++ || seq >= maxFramesPerBlock || Array.IndexOf(parties, party, 0, i) >= 0)
            {
                // (A block speaks at most once per message: a second frame for it was injected. A conversation longer
                // than any honest one, e.g. Cascade chasing parities a man in the middle changed, is cut off.)
                if (Array.IndexOf(parties, party, 0, i) is var earlier and >= 0)
                {
                    parties[earlier] = null;
                }
                // The other party aborted the block, or a frame was dropped, replayed, reordered or injected.
                party.Abort(BlockOutcome.AuthenticationFailure);
                if (payload is not null)
                {
                    _outgoing.Add((block, null));
                }
                continue;
            }
            parties[i] = party;
        }
        if (parallelFrames && count > 1)
        {
            Parallel.For(0, count, i => replies[i] = HandleOne(parties[i], frames[i].Payload));
        }
        else
        {
            for (var i = 0; i < count; i++)
            {
                replies[i] = HandleOne(parties[i], frames[i].Payload);
            }
        }
        for (var i = 0; i < count; i++)
        {
            var block = frames[i].Block;
            if (block < blockCount && _parties[block] is { } party)
            {
                Emit(block, party, replies[i], wasFinished[i]);
            }
        }
    }

    private static byte[]? HandleOne(BlockProtocol.IBlockParty? party, byte[]? payload)
    {
        if (party is null || payload is null)
        {
            return null;
        }
        try
        {
            return party.Handle(payload);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IndexOutOfRangeException or OverflowException)
        {
            // Malformed content (a length or count out of range): the frame was not what the block expects.
            party.Abort(BlockOutcome.AuthenticationFailure);
            return null;
        }
    }

    /// <summary>A message of an earlier batch on the same channel (an answer to a last abort notice): skipped.</summary>
    private bool IsStale(byte[] message) => message.Length >= HeaderBytes && BinaryPrimitives.ReadInt32LittleEndian(message.AsSpan(8)) < epoch;

    private bool TryParse(byte[] message, out (int Block, int Seq, byte[]? Payload)[] frames)
    {
        frames = [];
        if (message.Length < HeaderBytes)
        {
            return false;
        }
        var count = BinaryPrimitives.ReadInt32LittleEndian(message.AsSpan(12));
        if (BinaryPrimitives.ReadInt32LittleEndian(message.AsSpan(8)) != epoch || count < 0 || count > (message.Length - HeaderBytes) / FrameHeaderBytes)
        {
            return false;
        }
        var parsed = new (int, int, byte[]?)[count];
        var offset = HeaderBytes;
        for (var i = 0; i < count; i++)
        {
            if (offset + FrameHeaderBytes > message.Length)
            {
                return false;
            }
            var block = BinaryPrimitives.ReadInt32LittleEndian(message.AsSpan(offset));
            var seq = BinaryPrimitives.ReadInt32LittleEndian(message.AsSpan(offset + 4));
            var length = BinaryPrimitives.ReadInt32LittleEndian(message.AsSpan(offset + 8));
            if (block < 0 || length < AbortLength || (long)offset + FrameHeaderBytes + Math.Max(0, length) > message.Length)
            {
                return false;
            }
            parsed[i] = (block, seq, length == AbortLength ? null : message.AsSpan(offset + FrameHeaderBytes, length).ToArray());
            offset += FrameHeaderBytes + Math.Max(0, length);
        }
        _clock = Math.Max(_clock, BinaryPrimitives.ReadInt64LittleEndian(message) + latencyTicks);
        frames = parsed;
        return true;
    }

    private byte[] Encode()
    {
        var size = HeaderBytes;
        foreach (var (_, payload) in _outgoing)
        {
            size += FrameHeaderBytes + (payload?.Length ?? 0);
        }
        var message = new byte[size];
        BinaryPrimitives.WriteInt64LittleEndian(message, _clock);
        BinaryPrimitives.WriteInt32LittleEndian(message.AsSpan(8), epoch);
        BinaryPrimitives.WriteInt32LittleEndian(message.AsSpan(12), _outgoing.Count);
        var offset = HeaderBytes;
        foreach (var (block, payload) in _outgoing)
        {
            BinaryPrimitives.WriteInt32LittleEndian(message.AsSpan(offset), block);
            BinaryPrimitives.WriteInt32LittleEndian(message.AsSpan(offset + 4), _sentFrames[block]++);
            BinaryPrimitives.WriteInt32LittleEndian(message.AsSpan(offset + 8), payload?.Length ?? AbortLength);
            payload?.CopyTo(message, offset + FrameHeaderBytes);
            offset += FrameHeaderBytes + (payload?.Length ?? 0);
        }
        return message;
    }
}
