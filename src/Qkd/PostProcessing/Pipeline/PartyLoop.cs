using System.Buffers;
using Qkd.Classical;

namespace Qkd.PostProcessing;

/// <summary>
/// One party's event loop over its end of the classical channel, keeping many blocks in flight: every channel
/// message carries one frame per block that has something to say, the frames of a received message are
/// handled one after the other or shared with a second thread (<see cref="FramePartner"/>, <see cref="PostProcessingOptions.ParallelFrames"/>), and all replies leave together in the next message. One channel round trip thus
/// advances every block in flight by one step, so latency is paid per step of the slowest block, not per
/// parity. Alice admits blocks (up to K in flight, in index order, a new one whenever one finishes); Bob follows
/// and answers every channel message (with no frames when he has nothing to say), so the channel is a strict
/// ping-pong and Alice knows, when an answer leaves her with nothing to send, that the blocks still open are stuck.
/// The message layout is <see cref="PipelineFrames"/>.
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
    CancellationTokenSource abort, Func<int, BlockProtocol.IBlockParty> create, bool admitsBlocks, int epoch, TimeSpan receiveTimeout, TimeProvider time, int maxFramesPerBlock, FramePartner? partner, MessageRecycler? recycler = null)
    : FramePartner.IWork
{
    private readonly BlockProtocol.IBlockParty?[] _parties = new BlockProtocol.IBlockParty?[blockCount];
    private readonly int[] _sentFrames = new int[blockCount];
    private readonly int[] _receivedFrames = new int[blockCount];
    private readonly bool[] _done = new bool[blockCount];
    private readonly List<(int Block, byte[]? Payload)> _outgoing = [];
    private readonly List<PipelineFrames.Frame> _frames = [];
    private readonly long[] _seenInMessage = new long[blockCount];
    private readonly int[] _seenAtFrame = new int[blockCount];
    private Handled[] _handled = new Handled[16];
    private long _messagesHandled;
    private long _clock;
    private int _finished;
    private int _nextAdmission;

    /// <summary>Channel messages this party sent.</summary>
    public long MessagesSent { get; private set; }

    /// <summary>The party of block <paramref name="block"/> (created on first use).</summary>
    public BlockProtocol.IBlockParty? this[int block] => _parties[block];

    public async Task RunAsync()
    {
        // One receive timeout for the loop, re-armed before every receive (no timer and linked source per message).
        using var timeout = new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(abort.Token, timeout.Token);
        try
        {
            AdmitFirstBlocks();
            var answer = false;
            while (true)
            {
                if (_outgoing.Count > 0 || answer)
                {
                    await SendOutgoingAsync().ConfigureAwait(false);
                }
                if (_finished == blockCount)
                {
                    return;
                }
                answer = false;
                if (await ReceiveCurrentAsync(timeout, linked.Token).ConfigureAwait(false) is not { } message)
                {
                    return;
                }
                try
                {
                    Handle(message.Message);
                }
                finally
                {
                    // No block party keeps a reference into a message after handling it.
                    message.Release();
                }
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

    /// <summary>Alice admits the first blocks in flight (more as they finish); Bob creates every block's party.</summary>
    private void AdmitFirstBlocks()
    {
        if (admitsBlocks)
        {
            while (_nextAdmission < Math.Min(inFlight, blockCount))
            {
                Party(_nextAdmission++);
            }
            return;
        }
        for (var i = 0; i < blockCount; i++)
        {
            Party(i);
        }
    }

    /// <summary>Sends the frames gathered for this round as one channel message.</summary>
    private async Task SendOutgoingAsync()
    {
        if (channel is InMemoryClassicalChannel memory)
        {
            // A pooled buffer handed over to the receiver, which returns it to the pool once read: no
            // fresh (often large-object-heap) array per message.
            var size = PipelineFrames.EncodedSize(_outgoing);
            var rented = ArrayPool<byte>.Shared.Rent(size);
            PipelineFrames.Encode(rented.AsSpan(0, size), _clock, epoch, _outgoing, _sentFrames);
            await memory.SendPooledAsync(rented, size, abort.Token).ConfigureAwait(false);
        }
        else
        {
            var outgoing = new byte[PipelineFrames.EncodedSize(_outgoing)];
            PipelineFrames.Encode(outgoing, _clock, epoch, _outgoing, _sentFrames);
            await channel.SendAsync(outgoing, abort.Token).ConfigureAwait(false);
        }
        MessagesSent++;
        if (recycler is not null)
        {
            // The replies are copied into the channel message: their arrays can serve the next replies.
            foreach (var (_, payload) in _outgoing)
            {
                if (payload is not null)
                {
                    recycler.Return(payload);
                }
            }
        }
        _outgoing.Clear();
    }

    /// <summary>
    /// The next message of this run (stale ones from an earlier run dropped); null when none came within the
    /// receive timeout (<paramref name="timeout"/>, re-armed here; <paramref name="token"/> is it linked with the
    /// run's abort), after ending the open blocks as channel failures.
    /// </summary>
    private async Task<InMemoryClassicalChannel.Envelope?> ReceiveCurrentAsync(CancellationTokenSource timeout, CancellationToken token)
    {
        timeout.CancelAfter(receiveTimeout);
        try
        {
            while (true)
            {
                var message = await ReceiveAsync(token).ConfigureAwait(false);
                if (!PipelineFrames.IsStale(message.Message.Span, epoch))
                {
                    return message;
                }
                message.Release();
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !abort.IsCancellationRequested)
        {
            AbortOpen(BlockOutcome.ChannelFailure, notify: false);
            return null;
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

    /// <summary>The next message; from the in-memory channel without a copy (released by the caller).</summary>
    private ValueTask<InMemoryClassicalChannel.Envelope> ReceiveAsync(CancellationToken cancellationToken)
        => channel is InMemoryClassicalChannel memory ? memory.ReceiveEnvelopeAsync(cancellationToken) : ReceiveCopyAsync(cancellationToken);

    private async ValueTask<InMemoryClassicalChannel.Envelope> ReceiveCopyAsync(CancellationToken cancellationToken)
    {
        var message = await channel.ReceiveAsync(cancellationToken).ConfigureAwait(false);
        return new InMemoryClassicalChannel.Envelope(message, message.Length, pooled: false);
    }

    private void Handle(ReadOnlyMemory<byte> message)
    {
        if (!PipelineFrames.TryParse(message, epoch, _frames, out var sendTicks))
        {
            // An unparseable message: none of its frames can be trusted to belong anywhere.
            AbortOpen(BlockOutcome.AuthenticationFailure, notify: true);
            return;
        }
        _clock = Math.Max(_clock, sendTicks + latencyTicks);
        _messagesHandled++;
        var frames = _frames;
        var count = frames.Count;
        if (_handled.Length < count)
        {
            _handled = new Handled[Math.Max(count, 2 * _handled.Length)];
        }
        var handled = _handled;
        for (var i = 0; i < count; i++)
        {
            var frame = frames[i];
            handled[i] = default;
            if (frame.Block >= blockCount || (frame.Block >= _nextAdmission && admitsBlocks))
            {
                continue; // a block Alice never opened: injected.
            }
            var party = Party(frame.Block);
            handled[i].WasFinished = party.IsFinished;
            if (party.IsFinished)
            {
                continue; // nothing a frame says can change a finished block.
            }
            var earlier = _seenInMessage[frame.Block] == _messagesHandled ? _seenAtFrame[frame.Block] : -1;
            _seenInMessage[frame.Block] = _messagesHandled;
            _seenAtFrame[frame.Block] = i;
            if (frame.Aborted || frame.Seq != _receivedFrames[frame.Block]++ || frame.Seq >= maxFramesPerBlock || earlier >= 0)
            {
                // (A block speaks at most once per message: a second frame for it was injected. A conversation longer
                // than any honest one, e.g. Cascade chasing parities a man in the middle changed, is cut off.)
                if (earlier >= 0)
                {
                    handled[earlier].Party = null;
                }
                // The other party aborted the block, or a frame was dropped, replayed, reordered or injected.
                party.Abort(BlockOutcome.AuthenticationFailure);
                if (!frame.Aborted)
                {
                    _outgoing.Add((frame.Block, null));
                }
                continue;
            }
            handled[i].Party = party;
        }
        if (partner is not null)
        {
            partner.Run(this, count);
        }
        else
        {
            for (var i = 0; i < count; i++)
            {
                Run(i);
            }
        }
        for (var i = 0; i < count; i++)
        {
            // The steps that draw the run's secret randomness, one after the other in frame order (whether the frames
            // ran in parallel or not), so a replayable source gives the same keys in every mode.
            if (handled[i].Party is { ReplyPending: true } pending)
            {
                handled[i].Reply = Step(pending, default, complete: true);
            }
        }
        for (var i = 0; i < count; i++)
        {
            var block = frames[i].Block;
            if (block < blockCount && _parties[block] is { } party)
            {
                Emit(block, party, handled[i].Reply, handled[i].WasFinished);
            }
        }
    }

    /// <summary>Handles frame <paramref name="item"/> of the current message (on this thread or the partner's).</summary>
    public void Run(int item)
    {
        var frame = _frames[item];
        if (_handled[item].Party is { } party && !frame.Aborted)
        {
            _handled[item].Reply = Step(party, frame.Payload, complete: false);
        }
    }

    /// <summary>
    /// One step of a block's party: handling a frame's payload, or (<paramref name="complete"/>) completing a reply
    /// that needs the secret randomness; malformed content ends the block.
    /// </summary>
    private static byte[]? Step(BlockProtocol.IBlockParty party, ReadOnlyMemory<byte> payload, bool complete)
    {
        try
        {
            return complete ? party.CompleteReply() : party.Handle(payload.Span);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IndexOutOfRangeException or OverflowException)
        {
            // Malformed content (a length or count out of range): the frame was not what the block expects.
            party.Abort(BlockOutcome.AuthenticationFailure);
            return null;
        }
    }

    /// <summary>What became of one received frame: the party that handles it (null: none), whether it had finished before, its reply.</summary>
    private struct Handled
    {
        public BlockProtocol.IBlockParty? Party;
        public bool WasFinished;
        public byte[]? Reply;
    }
}
