using System.Buffers.Binary;
using Qkd.Bits;
using Qkd.KeyRate;
using Qkd.PostProcessing.Ldpc;

namespace Qkd.PostProcessing;

/// <summary>
/// The per-block conversation as two message-driven state machines: parameter estimation (Alice discloses a
/// random sample, Bob answers with the error count), Cascade, verification (fresh polynomial hash), privacy
/// amplification (Alice sends the output length and a fresh Toeplitz seed). <see cref="IBlockParty.Start"/>
/// gives a party's first message (or null when it waits), <see cref="IBlockParty.Handle"/> consumes one message
/// from the other party and returns the reply (or null). Exactly one side holds the turn at any time.
/// </summary>
internal static class BlockProtocol
{
    internal sealed record Shared(PostProcessingOptions Options, Func<int, CascadeShuffles> Shuffles);

    /// <summary>One party's state machine for one block.</summary>
    internal interface IBlockParty
    {
        bool IsFinished { get; }

        byte[]? Start();

        byte[]? Handle(byte[] message);
    }

    /// <summary>Sample size k = round(fraction * n), within [1, n - 2].</summary>
    public static int SampleSize(int n, double fraction) => (int)Math.Clamp(Math.Round(fraction * n), 1, Math.Max(1, n - 2));

    /// <summary>QBER estimate from decoy counts: m_Z / n_Z.</summary>
    public static double DecoyQber(OneDecoyCounts counts) => counts.DetectionsZ > 0 ? Math.Clamp(counts.ErrorsZ / counts.DetectionsZ, 0, 0.5) : 0.5;

    internal sealed class Alice(SiftedBlock block, Shared shared) : IBlockParty
    {
        private enum Phase { Estimation, Cascade, Verification, Done }

        private Phase _phase;
        private BitString _key = block.Alice;
        private BitString? _mask;
        private CascadeAlice? _cascade;
        private LdpcAlice? _ldpc;

        public BlockOutcome Outcome { get; private set; } = BlockOutcome.AuthenticationFailure;
        public BitString? Secret { get; private set; }
        public int SampleBits { get; private set; }
        public int SampleErrors { get; private set; }
        public double QberEstimate { get; private set; }
        public int ReconciledBits { get; private set; }
        public long CascadeParityBits { get; private set; }
        public double EpsilonCorrectness { get; private set; }
        public bool IsFinished => _phase == Phase.Done;

        public byte[]? Start()
        {
            if (block.Counts is not null)
            {
                QberEstimate = DecoyQber(block.Counts);
                return QberEstimate > PostProcessing.QberEstimate.AbortThreshold ? Abort() : StartCascade();
            }
            SampleBits = SampleSize(_key.Length, shared.Options.SampleFraction);
            _mask = KeySampling.ChoosePositions(_key.Length, SampleBits, CryptoRandom.Shared);
            var maskBytes = _mask.ToBytes();
            var bitBytes = KeySampling.Select(_key, _mask).ToBytes();
            var message = new byte[4 + maskBytes.Length + bitBytes.Length];
            BinaryPrimitives.WriteInt32LittleEndian(message, SampleBits);
            maskBytes.CopyTo(message, 4);
            bitBytes.CopyTo(message, 4 + maskBytes.Length);
            _phase = Phase.Estimation;
            return message;
        }

        public byte[]? Handle(byte[] message)
        {
            switch (_phase)
            {
                case Phase.Estimation:
                    Guard.SameLength(message.Length, 4, "Parameter-estimation reply");
                    SampleErrors = (int)Guard.InRange(BinaryPrimitives.ReadInt32LittleEndian(message), 0, SampleBits);
                    _key = KeySampling.Remove(_key, _mask!);
                    var estimate = PostProcessing.QberEstimate.FromSample(SampleBits, SampleErrors, _key.Length, shared.Options.EpsilonSecrecy);
                    QberEstimate = estimate.Qber;
                    return estimate.ShouldAbort ? Abort() : StartCascade();
                case Phase.Cascade:
                    var answer = _ldpc is not null ? _ldpc.Respond(message) : _cascade!.Respond(message);
                    if (answer is not null)
                    {
                        return answer;
                    }
                    CascadeParityBits = _ldpc?.LeakedBits ?? _cascade!.LeakedBits;
                    _cascade?.Wipe();
                    if (_ldpc is { Failed: true })
                    {
                        _phase = Phase.Done;
                        Outcome = BlockOutcome.FrameError;
                        WipeWorkingKey();
                        return null;
                    }
                    var hashKey = CryptoRandom.Shared.NextUInt64();
                    var verify = new byte[16];
                    BinaryPrimitives.WriteUInt64LittleEndian(verify, hashKey);
                    BinaryPrimitives.WriteUInt64LittleEndian(verify.AsSpan(8), ErrorVerification.Tag(hashKey, _key));
                    _phase = Phase.Verification;
                    return verify;
                case Phase.Verification:
                    _phase = Phase.Done;
                    if (message.Length != 1 || message[0] != 1)
                    {
                        Outcome = BlockOutcome.FrameError;
                        WipeWorkingKey();
                        return null;
                    }
                    return Amplify();
                default:
                    throw new InvalidOperationException($"Block conversation of Alice received a message after it finished.");
            }
        }

        private byte[]? Abort()
        {
            Outcome = BlockOutcome.QberAboveThreshold;
            _phase = Phase.Done;
            WipeWorkingKey();
            return null;
        }

        private byte[] StartCascade()
        {
            ReconciledBits = _key.Length;
            EpsilonCorrectness = ErrorVerification.EpsilonCorrectness(ReconciledBits);
            if (shared.Options.Ldpc is { } ldpc)
            {
                _ldpc = new LdpcAlice(ldpc, QberEstimate, _key);
                _phase = Phase.Cascade;
                return _ldpc.Start();
            }
            var plan = new CascadePlan(shared.Options.Variant, QberEstimate, shared.Shuffles(_key.Length));
            _cascade = new CascadeAlice(plan, _key);
            _phase = Phase.Cascade;
            return _cascade.Start();
        }

        private byte[] Amplify()
        {
            var options = shared.Options;
            var n = ReconciledBits;
            var leaked = CascadeParityBits + ErrorVerification.TagBits;
            var length = block switch
            {
                { Counts: { } counts } => OneDecoyFiniteKey.SecretKeyLength(counts, leaked, options.EpsilonSecrecy, EpsilonCorrectness).SecretBits,
                { SinglePhoton: { } single } => DecoyKeyLength.SecretKeyLength(n, single, leaked, options.EpsilonSecrecy, EpsilonCorrectness),
                _ => Bb84FiniteKey.SecretKeyLength(n, SampleBits, (double)SampleErrors / SampleBits, leaked, options.EpsilonSecrecy, EpsilonCorrectness),
            };
            var secretBits = (int)Math.Clamp(length, 0, n);
            var seed = new BitString(ToeplitzHash.SeedBits(n, secretBits));
            CryptoRandom.Shared.Fill(seed.MutableWords);
            seed = BitString.FromWords(seed.Words, seed.Length);
            var seedBytes = seed.ToBytes();
            var message = new byte[4 + seedBytes.Length];
            BinaryPrimitives.WriteInt32LittleEndian(message, secretBits);
            seedBytes.CopyTo(message, 4);
            Secret = ToeplitzHash.Hash(seed, _key, secretBits);
            Outcome = BlockOutcome.Secret;
            WipeWorkingKey();
            return message;
        }

        private void WipeWorkingKey()
        {
            if (!ReferenceEquals(_key, block.Alice))
            {
                _key.Wipe();
            }
        }
    }

    internal sealed class Bob(SiftedBlock block, Shared shared) : IBlockParty
    {
        private enum Phase { Estimation, Cascade, Verification, Amplification, Done }

        private Phase _phase;
        private BitString _key = block.Bob;
        private CascadeBob? _cascade;
        private LdpcBob? _ldpc;

        public BlockOutcome Outcome { get; private set; } = BlockOutcome.AuthenticationFailure;
        public BitString? Secret { get; private set; }
        public long Corrections { get; private set; }
        public int CascadeRoundTrips { get; private set; }
        public bool IsFinished => _phase == Phase.Done;

        public byte[]? Start()
        {
            if (block.Counts is null)
            {
                _phase = Phase.Estimation;
                return null;
            }
            var qber = DecoyQber(block.Counts);
            if (qber > QberEstimate.AbortThreshold)
            {
                Outcome = BlockOutcome.QberAboveThreshold;
                _phase = Phase.Done;
                return null;
            }
            _key = block.Bob.Clone();
            StartCascade(qber);
            return null;
        }

        public byte[]? Handle(byte[] message)
        {
            switch (_phase)
            {
                case Phase.Estimation:
                    return Estimate(message);
                case Phase.Cascade when _ldpc is not null:
                    var status = _ldpc.Receive(message);
                    if (_ldpc.IsFinished)
                    {
                        Corrections = _ldpc.Corrections;
                        CascadeRoundTrips = _ldpc.Attempts;
                        _phase = _ldpc.Failed ? Phase.Done : Phase.Verification;
                        if (_ldpc.Failed)
                        {
                            Outcome = BlockOutcome.FrameError;
                            _key.Wipe();
                        }
                    }
                    return status;
                case Phase.Cascade:
                    var reply = _cascade!.Receive(message);
                    if (_cascade.IsFinished)
                    {
                        Corrections = _cascade.Corrections;
                        CascadeRoundTrips = _cascade.QueryMessages;
                        _phase = Phase.Verification;
                    }
                    return reply;
                case Phase.Verification:
                    Guard.SameLength(message.Length, 16, "Verification message");
                    var hashKey = BinaryPrimitives.ReadUInt64LittleEndian(message);
                    var aliceTag = BinaryPrimitives.ReadUInt64LittleEndian(message.AsSpan(8));
                    var ok = ErrorVerification.TagsEqual(ErrorVerification.Tag(hashKey, _key), aliceTag);
                    if (ok)
                    {
                        _phase = Phase.Amplification;
                    }
                    else
                    {
                        Outcome = BlockOutcome.FrameError;
                        _phase = Phase.Done;
                        _key.Wipe();
                    }
                    return [ok ? (byte)1 : (byte)0];
                case Phase.Amplification:
                    var n = _key.Length;
                    var secretBits = (int)Guard.InRange(BinaryPrimitives.ReadInt32LittleEndian(message), 0, n);
                    var seedBits = ToeplitzHash.SeedBits(n, secretBits);
                    Guard.SameLength(message.Length, 4 + (seedBits + 7) / 8, "Privacy-amplification message");
                    Secret = ToeplitzHash.Hash(BitString.FromBytes(message.AsSpan(4), seedBits), _key, secretBits);
                    Outcome = BlockOutcome.Secret;
                    _phase = Phase.Done;
                    _key.Wipe();
                    return null;
                default:
                    throw new InvalidOperationException("Block conversation of Bob received a message after it finished.");
            }
        }

        private byte[] Estimate(byte[] message)
        {
            var n0 = block.Bob.Length;
            var maskBytes = (n0 + 7) / 8;
            var sampleBits = (int)Guard.InRange(BinaryPrimitives.ReadInt32LittleEndian(message), 1, n0);
            Guard.SameLength(message.Length, 4 + maskBytes + (sampleBits + 7) / 8, "Parameter-estimation message");
            var mask = BitString.FromBytes(message.AsSpan(4, maskBytes), n0);
            Guard.SameLength(mask.PopCount(), sampleBits, "Sample mask weight");
            var alice = BitString.FromBytes(message.AsSpan(4 + maskBytes), sampleBits);
            var errors = KeySampling.Select(block.Bob, mask).HammingDistance(alice);
            var reply = new byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(reply, errors);
            _key = KeySampling.Remove(block.Bob, mask);
            var estimate = QberEstimate.FromSample(sampleBits, errors, _key.Length, shared.Options.EpsilonSecrecy);
            if (estimate.ShouldAbort)
            {
                Outcome = BlockOutcome.QberAboveThreshold;
                _phase = Phase.Done;
                _key.Wipe();
                return reply;
            }
            StartCascade(estimate.Qber);
            return reply;
        }

        private void StartCascade(double qber)
        {
            if (shared.Options.Ldpc is { } ldpc)
            {
                _ldpc = new LdpcBob(ldpc, qber, _key);
                _phase = Phase.Cascade;
                return;
            }
            var plan = new CascadePlan(shared.Options.Variant, qber, shared.Shuffles(_key.Length));
            _cascade = new CascadeBob(plan, _key);
            _phase = Phase.Cascade;
        }
    }
}
