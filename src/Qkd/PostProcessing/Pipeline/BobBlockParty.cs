using Qkd.Bits;
using Qkd.Classical;
using Qkd.PostProcessing.Ldpc;

namespace Qkd.PostProcessing;

/// <summary>
/// Bob's state machine for one block (<see cref="BlockProtocol"/>): he answers the sample
/// (<see cref="EstimationExchange"/>), asks Cascade's questions or decodes LDPC, then checks Alice's closing message,
/// amplifies and answers with his status and tag (<see cref="ClosingExchange"/>).
/// </summary>
internal sealed class BobBlockParty : BlockProtocol.BlockParty, BlockProtocol.IBlockParty
{
    private BitString _key;
    private CascadeBob? _cascade;
    private LdpcBob? _ldpc;

    /// <summary>Bob's party of block <paramref name="index"/>; null pads: the authentication key is exhausted.</summary>
    public BobBlockParty(SiftedBlock block, BlockProtocol.Shared shared, long index, BlockProtocol.BlockPads? pads)
        : base(block, shared, index, pads)
    {
        _key = block.Bob;
    }

    public long Corrections { get; private set; }
    public int CascadeRoundTrips { get; private set; }

    public byte[]? Start()
    {
        if (_phase == Phase.Done)
        {
            return null;
        }
        if (_block.Counts is null)
        {
            _phase = Phase.Estimation;
            return null;
        }
        var qber = BlockProtocol.DecoyQber(_block.Counts);
        if (qber > QberEstimate.AbortThreshold)
        {
            End(BlockOutcome.QberAboveThreshold);
            return null;
        }
        _key = _block.Bob.Clone();
        StartReconciliation(qber);
        return null;
    }

    public byte[]? Handle(ReadOnlySpan<byte> message)
    {
        switch (_phase)
        {
            case Phase.Estimation:
                _transcript!.Absorb(Party.Alice, message);
                return Sent(Estimate(message));
            case Phase.Reconciliation when _ldpc is not null:
                _transcript!.Absorb(Party.Alice, message);
                var status = Sent(_ldpc.Receive(message));
                if (_ldpc.IsFinished)
                {
                    Corrections = _ldpc.Corrections;
                    CascadeRoundTrips = _ldpc.Attempts;
                    if (_ldpc.Failed)
                    {
                        End(BlockOutcome.FrameError);
                    }
                    else
                    {
                        _phase = Phase.Closing;
                    }
                }
                return status;
            case Phase.Reconciliation:
                _transcript!.Absorb(Party.Alice, message);
                var reply = _cascade!.Receive(message);
                if (_cascade.Diverged)
                {
                    End(BlockOutcome.ReconciliationDiverged);
                    return null;
                }
                if (_cascade.IsFinished)
                {
                    Corrections = _cascade.Corrections;
                    CascadeRoundTrips = _cascade.QueryMessages;
                    _phase = Phase.Closing;
                }
                return Sent(reply);
            case Phase.Closing:
                var closing = ClosingExchange.CheckAlice(message, _key, _transcript!, _pads.AlicePad, out var secret);
                Secret = secret;
                var answer = ClosingExchange.WriteBob(closing, _transcript!, _pads.BobPad);
                End(ClosingExchange.OutcomeOf(closing));
                return answer;
            default:
                return null;
        }
    }

    public void Abort(BlockOutcome reason) => End(reason);

    /// <summary>Bob draws no secret randomness: his replies are never pending.</summary>
    public bool ReplyPending => false;

    public byte[]? CompleteReply() => null;

    private byte[] Sent(byte[] message)
    {
        _transcript!.Absorb(Party.Bob, message);
        return message;
    }

    private void End(BlockOutcome outcome)
    {
        if (_phase != Phase.Done)
        {
            Outcome = outcome;
            _phase = Phase.Done;
            _cascade?.Release();
            if (!ReferenceEquals(_key, _block.Bob))
            {
                _key.Wipe();
            }
        }
    }

    private byte[] Estimate(ReadOnlySpan<byte> message)
    {
        var answer = EstimationExchange.Answer(message, _block.Bob, out var sampleBits, out var errors, out _key);
        var estimate = QberEstimate.FromSample(sampleBits, errors, _key.Length, _shared.Options.EpsilonSecrecy);
        if (estimate.ShouldAbort)
        {
            End(BlockOutcome.QberAboveThreshold);
            return answer;
        }
        StartReconciliation(estimate.Qber);
        return answer;
    }

    private void StartReconciliation(double qber)
    {
        _phase = Phase.Reconciliation;
        if (_shared.Options.Ldpc is { } ldpc)
        {
            _ldpc = new LdpcBob(ldpc, qber, _key);
            return;
        }
        var plan = new CascadePlan(_shared.Options.Variant, qber, _shared.Shuffles(_key.Length));
        _cascade = new CascadeBob(plan, _key, _shared.Buffers);
    }
}
