using System.Buffers.Binary;
using Qkd.Classical;

namespace Qkd.PostProcessing;

/// <summary>
/// One party's event loop over its end of the classical channel, keeping many blocks in flight: every channel
/// message carries one frame per block that has something to say, the frames of a received message are
/// handled in parallel, and all replies leave together in the next message. One channel round trip thus
/// advances every block in flight by one step, so latency is paid per step of the slowest block, not per
/// parity, and the Wegman-Carter tag is paid per channel message, not per block message.
/// Alice admits blocks (up to K in flight, in index order, a new one whenever one finishes); Bob follows.
/// Message layout: int64 simulated send time [100 ns ticks], int32 frame count, then per frame int32 block
/// index, int32 length and the payload.
/// </summary>
/// <remarks>
/// Simulated time: each party keeps a logical clock; a received message sets it to
/// max(own, send time + one-way latency) (Lamport clocks), so the clock at the end is the latency cost of the
/// whole run, independent of how fast the host computes. A failure on either side (authentication, exhausted
/// key, malformed message) cancels both loops: in a deployment the failing side closes the connection.
/// </remarks>
internal sealed class PartyLoop(IClassicalChannel channel, int blockCount, int inFlight, long latencyTicks, long[] finishTicks,
    CancellationTokenSource abort, Func<int, BlockProtocol.IBlockParty> create, bool admitsBlocks)
{
    private const int FrameHeaderBytes = 8;
    private readonly BlockProtocol.IBlockParty?[] _parties = new BlockProtocol.IBlockParty?[blockCount];
    private readonly List<(int Block, byte[] Payload)> _outgoing = [];
    private long _clock;
    private int _finished;
    private int _nextAdmission;

    /// <summary>Channel messages this party sent.</summary>
    public long MessagesSent { get; private set; }

    public async Task RunAsync()
    {
        try
        {
            if (admitsBlocks)
            {
                while (_nextAdmission < Math.Min(inFlight, blockCount))
                {
                    Admit();
                }
            }
            else
            {
                for (var i = 0; i < blockCount; i++)
                {
                    Party(i);
                }
            }
            while (true)
            {
                if (_outgoing.Count > 0)
                {
                    await channel.SendAsync(Encode(), abort.Token).ConfigureAwait(false);
                    MessagesSent++;
                    _outgoing.Clear();
                }
                if (_finished == blockCount)
                {
                    return;
                }
                var message = await channel.ReceiveAsync(abort.Token).ConfigureAwait(false);
                Handle(message);
            }
        }
        catch (OperationCanceledException)
        {
            // The other party failed (or the caller cancelled): unfinished blocks stay unfinished.
        }
        catch (Exception e)
        {
            // Whatever failed here, the other party must not wait for a message that will never come.
            await abort.CancelAsync().ConfigureAwait(false);
            if (e is not ClassicalAuthenticationException)
            {
                throw;
            }
        }
    }

    private BlockProtocol.IBlockParty Party(int block)
    {
        var party = _parties[block];
        if (party is null)
        {
            party = create(block);
            _parties[block] = party;
            Emit(block, party, party.Start());
        }
        return party;
    }

    private void Admit()
    {
        var block = _nextAdmission++;
        Party(block);
    }

    private void Emit(int block, BlockProtocol.IBlockParty party, byte[]? reply)
    {
        if (reply is not null)
        {
            _outgoing.Add((block, reply));
        }
        if (party.IsFinished)
        {
            _finished++;
            long current;
            do
            {
                current = Interlocked.Read(ref finishTicks[block]);
            }
            while (_clock > current && Interlocked.CompareExchange(ref finishTicks[block], _clock, current) != current);
            if (admitsBlocks && _nextAdmission < blockCount)
            {
                Admit();
            }
        }
    }

    private void Handle(byte[] message)
    {
        if (message.Length < 12)
        {
            throw new ArgumentException($"A classical message of {message.Length} bytes is shorter than its 12-byte header.");
        }
        _clock = Math.Max(_clock, BinaryPrimitives.ReadInt64LittleEndian(message) + latencyTicks);
        var count = BinaryPrimitives.ReadInt32LittleEndian(message.AsSpan(8));
        var frames = new (int Block, byte[] Payload)[count];
        var offset = 12;
        for (var i = 0; i < count; i++)
        {
            if (offset + FrameHeaderBytes > message.Length)
            {
                throw new ArgumentException($"Frame {i} of a classical message overruns its {message.Length} bytes.");
            }
            var block = BinaryPrimitives.ReadInt32LittleEndian(message.AsSpan(offset));
            var length = BinaryPrimitives.ReadInt32LittleEndian(message.AsSpan(offset + 4));
            if ((uint)block >= (uint)blockCount || length < 0 || offset + FrameHeaderBytes + length > message.Length)
            {
                throw new ArgumentException($"Frame {i} of a classical message names block {block} with {length} bytes, outside the run.");
            }
            frames[i] = (block, message.AsSpan(offset + FrameHeaderBytes, length).ToArray());
            offset += FrameHeaderBytes + length;
        }
        var parties = new BlockProtocol.IBlockParty[count];
        for (var i = 0; i < count; i++)
        {
            parties[i] = Party(frames[i].Block);
        }
        var replies = new byte[count][];
        if (count == 1)
        {
            replies[0] = parties[0].Handle(frames[0].Payload)!;
        }
        else
        {
            Parallel.For(0, count, i => replies[i] = parties[i].Handle(frames[i].Payload)!);
        }
        for (var i = 0; i < count; i++)
        {
            Emit(frames[i].Block, parties[i], replies[i]);
        }
    }

    private byte[] Encode()
    {
        var size = 12;
        foreach (var (_, payload) in _outgoing)
        {
            size += FrameHeaderBytes + payload.Length;
        }
        var message = new byte[size];
        BinaryPrimitives.WriteInt64LittleEndian(message, _clock);
        BinaryPrimitives.WriteInt32LittleEndian(message.AsSpan(8), _outgoing.Count);
        var offset = 12;
        foreach (var (block, payload) in _outgoing)
        {
            BinaryPrimitives.WriteInt32LittleEndian(message.AsSpan(offset), block);
            BinaryPrimitives.WriteInt32LittleEndian(message.AsSpan(offset + 4), payload.Length);
            payload.CopyTo(message, offset + FrameHeaderBytes);
            offset += FrameHeaderBytes + payload.Length;
        }
        return message;
    }
}
