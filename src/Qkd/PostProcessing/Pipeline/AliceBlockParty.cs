using Qkd.Bits;
using Qkd.Classical;
using Qkd.PostProcessing.Ldpc;

namespace Qkd.PostProcessing;

/// <summary>
/// Alice's state machine for one block (<see cref="BlockProtocol"/>): she discloses the sample
/// (<see cref="EstimationExchange"/>), answers Cascade's questions or drives LDPC's rounds, then closes
/// (<see cref="ClosingExchange"/>) and amplifies once Bob's tag checks out.
/// </summary>
internal sealed class AliceBlockParty : BlockProtocol.BlockParty, BlockProtocol.IBlockParty
{
    private BitString _key;
    private BitString? _mask;
    private BitString? _seed;
    private CascadeAlice? _cascade;
    private LdpcAlice? _ldpc;
    private int _secretBits;
    private Phase? _pending;

    /// <summary>This block's own secret randomness (<see cref="ISecretRandom.ForBlock"/>), whatever lane runs it.</summary>
    private readonly ISecretRandom _random;

    /// <summary>Alice's party of block <paramref name="index"/>; null pads: the authentication key is exhausted.</summary>
    public AliceBlockParty(SiftedBlock block, BlockProtocol.Shared shared, long index, BlockProtocol.BlockPads? pads)
        : base(block, shared, index, pads)
    {
        _key = block.Alice;
        _random = shared.Options.SecretRandom.ForBlock(index);
    }

    public int SampleBits { get; private set; }
    public int SampleErrors { get; private set; }
    public double QberEstimate { get; private set; }
    public int ReconciledBits { get; private set; }
    public long CascadeParityBits { get; private set; }
    public double EpsilonCorrectness { get; private set; }

    public byte[]? Start()
    {
        if (_phase == Phase.Done)
        {
            return null;
        }
        if (_block.Counts is not null)
        {
            QberEstimate = BlockProtocol.DecoyQber(_block.Counts);
            return QberEstimate > PostProcessing.QberEstimate.AbortThreshold ? End(BlockOutcome.QberAboveThreshold) : StartReconciliation();
        }
        SampleBits = BlockProtocol.SampleSize(_key.Length, _shared.Options.SampleFraction);
        _mask = KeySampling.ChoosePositions(_key.Length, SampleBits, _random);
        _phase = Phase.Estimation;
        return Sent(EstimationExchange.WriteSample(_key, _mask, SampleBits));
    }

    public byte[]? Handle(ReadOnlySpan<byte> message)
    {
        switch (_phase)
        {
            case Phase.Estimation:
                _transcript!.Absorb(Party.Bob, message);
                SampleErrors = EstimationExchange.ReadErrors(message, SampleBits);
                _key = KeySampling.Remove(_key, _mask!);
                var estimate = PostProcessing.QberEstimate.FromSample(SampleBits, SampleErrors, _key.Length, _shared.Options.EpsilonSecrecy);
                QberEstimate = estimate.Qber;
                if (estimate.ShouldAbort)
                {
                    return End(BlockOutcome.QberAboveThreshold);
                }
                // LDPC's first message fills the punctured bits from the secret randomness: a pending reply.
                return _shared.Options.Ldpc is null ? StartReconciliation() : Pending(Phase.Reconciliation);
            case Phase.Reconciliation:
                _transcript!.Absorb(Party.Bob, message);
                var answer = _ldpc is not null ? _ldpc.Respond(message) : _cascade!.Respond(message);
                if (answer is not null)
                {
                    return Sent(answer);
                }
                CascadeParityBits = _ldpc?.LeakedBits ?? _cascade!.LeakedBits;
                _cascade?.Wipe();
                if (_ldpc is { Failed: true })
                {
                    // Bob could not decode after the last blind round: the frame is lost, no key.
                    return End(BlockOutcome.FrameError);
                }
                // The closing message carries the Toeplitz seed and the verification hash key: a pending reply.
                return Pending(Phase.Closing);
            case Phase.Closing:
                var outcome = ClosingExchange.CheckBob(message, _transcript!, _pads.BobPad);
                if (outcome == BlockOutcome.Secret)
                {
                    Secret = ToeplitzHash.Hash(_seed!, _key, _secretBits);
                }
                return End(outcome);
            default:
                return null;
        }
    }

    public void Abort(BlockOutcome reason) => End(reason);

    public bool ReplyPending => _pending is not null && _phase != Phase.Done;

    public byte[]? CompleteReply()
    {
        var next = _pending;
        _pending = null;
        if (_phase == Phase.Done || next is null)
        {
            return null;
        }
        return next == Phase.Closing ? Close() : StartReconciliation();
    }

    /// <summary>Leaves the reply to <see cref="CompleteReply"/>, which starts <paramref name="next"/>.</summary>
    private byte[]? Pending(Phase next)
    {
        _pending = next;
        return null;
    }

    private byte[] Sent(byte[] message)
    {
        _transcript!.Absorb(Party.Alice, message);
        return message;
    }

    private byte[]? End(BlockOutcome outcome)
    {
        if (_phase != Phase.Done)
        {
            Outcome = outcome;
            _phase = Phase.Done;
            _cascade?.Wipe();
            if (!ReferenceEquals(_key, _block.Alice))
            {
                _key.Wipe();
            }
        }
        return null;
    }

    private byte[] StartReconciliation()
    {
        ReconciledBits = _key.Length;
        EpsilonCorrectness = ErrorVerification.EpsilonCorrectness(ReconciledBits);
        _phase = Phase.Reconciliation;
        if (_shared.Options.Ldpc is { } ldpc)
        {
            _ldpc = new LdpcAlice(ldpc, QberEstimate, _key, _random);
            return Sent(_ldpc.Start());
        }
        var plan = new CascadePlan(_shared.Options.Variant, QberEstimate, _shared.Shuffles(_key.Length));
        _cascade = new CascadeAlice(plan, _key, _shared.Buffers.Words, _shared.Buffers.Messages);
        return Sent(_cascade.Start());
    }

    /// <summary>Verification hash, privacy-amplification length and seed, and Alice's transcript tag, in one message.</summary>
    private byte[] Close()
    {
        var options = _shared.Options;
        _secretBits = ClosingExchange.SecretLength(_block, ReconciledBits, SampleBits, SampleErrors, CascadeParityBits + ErrorVerification.TagBits,
            options.EpsilonSecrecy, EpsilonCorrectness);
        // The seed is drawn before the verification hash key, in this order (a replayed secret-randomness source gives
        // the same keys).
        var seed = new BitString(ToeplitzHash.SeedBits(ReconciledBits, _secretBits));
        _random.Fill(seed.MutableWords);
        seed.ClearTail();
        _seed = seed;
        var hashKey = _random.NextUInt64();
        _phase = Phase.Closing;
        return ClosingExchange.WriteAlice(hashKey, _key, seed, _secretBits, _transcript!, _pads.AlicePad);
    }
}
