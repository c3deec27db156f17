using System.Buffers.Binary;
using Qkd.Bits;
using Qkd.Classical;
using Qkd.KeyRate.FiniteKey;
using Qkd.PostProcessing.Ldpc;

namespace Qkd.PostProcessing;

/// <summary>
/// The per-block conversation as two message-driven state machines: parameter estimation (Alice discloses a
/// random sample, Bob answers with the error count), Cascade (or one-way LDPC with blind rounds, every LDPC message
/// absorbed into the transcript like Cascade's; an LDPC frame error ends the block with no key), then one closing exchange: Alice sends the
/// verification hash (fresh polynomial hash key and tag), the privacy-amplification output length and Toeplitz
/// seed, and her authentication tag over the block's whole transcript; Bob checks both, amplifies and answers
/// with his status and his tag over the transcript including that answer; Alice checks it and amplifies.
/// <see cref="IBlockParty.Start"/> gives a party's first message (or null when it waits),
/// <see cref="IBlockParty.Handle"/> consumes one message from the other party and returns the reply (or null).
/// Exactly one side holds the turn at any time.
/// </summary>
/// <remarks>
/// Transcript authentication (Wegman-Carter 1981 with key recycling, Portmann 2014; the QKD practice of
/// Kiktenko, Malyshev, Gavreev, Bozhedarov, Pozhar, Anufriev, Fedorov, "Lightweight authentication for quantum
/// key distribution", IEEE Trans. Inf. Theory 66, 6354 (2020), Sec. III): every message of the block is hashed by
/// both parties into a <see cref="TranscriptHash"/>, and only two tags cross the channel, each one-time padded
/// with a pad reserved for this block. Nothing from the conversation is trusted before the other party's tag
/// has checked out: Bob releases key only after Alice's tag (which covers every message Alice sent and received,
/// the privacy-amplification seed included) matches his view, Alice only after Bob's does. Any tampered, dropped,
/// reordered or injected message of the block makes the two views differ, and the block ends with
/// <see cref="BlockOutcome.AuthenticationFailure"/> and no key. The cost is 128 bits of key per block.
/// </remarks>
// Why this file stays whole at ~480 lines: Alice's and Bob's state machines are two halves of one conversation
// (each message Alice writes is parsed a few lines away in Bob), and their shared base already holds the block,
// settings, pads and transcript; reading the protocol means reading both sides together. Reconciliation (Cascade,
// LDPC), hashing, amplification and authentication live in their own rooms.
internal static class BlockProtocol
{
    internal sealed record Shared(PostProcessingOptions Options, Func<int, CascadeShuffles> Shuffles);

    /// <summary>The transcript-hash key and the two one-time pads reserved for one block.</summary>
    internal readonly record struct BlockPads(ulong HashKey, ulong AlicePad, ulong BobPad);

    /// <summary>Bob's closing status byte.</summary>
    private const byte StatusFrameError = 0, StatusOk = 1, StatusAuthenticationFailure = 2;

    /// <summary>Bytes of a tag.</summary>
    private const int TagBytes = 8;

    /// <summary>One party's state machine for one block.</summary>
    internal interface IBlockParty
    {
        bool IsFinished { get; }

        BlockOutcome Outcome { get; }

        /// <summary>Words hashed into this block's transcript (for the forgery bound).</summary>
        long TranscriptWords { get; }

        byte[]? Start();

        byte[]? Handle(byte[] message);

        /// <summary>Ends the block without key (wiping working key material).</summary>
        void Abort(BlockOutcome reason);
    }

    /// <summary>Sample size k = round(fraction * n), within [1, n - 2].</summary>
    public static int SampleSize(int n, double fraction) => (int)Math.Clamp(Math.Round(fraction * n), 1, Math.Max(1, n - 2));

    /// <summary>QBER estimate from decoy counts: m_Z / n_Z.</summary>
    public static double DecoyQber(OneDecoyCounts counts) => counts.DetectionsZ > 0 ? Math.Clamp(counts.ErrorsZ / counts.DetectionsZ, 0, 0.5) : 0.5;

    /// <summary>
    /// What both parties of a block hold from the start: the block, the shared settings, and the block's pads and
    /// transcript, which are absent when the authentication key is exhausted (the party then ends at once).
    /// </summary>
    internal abstract class BlockParty
    {
        protected readonly SiftedBlock _block;
        protected readonly Shared _shared;
        protected readonly BlockPads _pads;
        protected readonly TranscriptHash? _transcript;

        protected BlockParty(SiftedBlock block, Shared shared, long index, BlockPads? pads)
        {
            _block = block;
            _shared = shared;
            if (pads is { } p)
            {
                _pads = p;
                _transcript = new TranscriptHash(p.HashKey, index);
            }
        }

        /// <summary>No pads were left for this block.</summary>
        protected bool KeyExhausted => _transcript is null;
    }

    internal sealed class Alice : BlockParty, IBlockParty
    {
        private enum Phase { Estimation, Cascade, Closing, Done }

        private Phase _phase;
        private BitString _key;
        private BitString? _mask;
        private BitString? _seed;
        private CascadeAlice? _cascade;
        private LdpcAlice? _ldpc;
        private int _secretBits;

        /// <summary>Alice's party of block <paramref name="index"/>; null pads: the authentication key is exhausted.</summary>
        public Alice(SiftedBlock block, Shared shared, long index, BlockPads? pads)
            : base(block, shared, index, pads)
        {
            _key = block.Alice;
            if (KeyExhausted)
            {
                Outcome = BlockOutcome.AuthenticationKeyExhausted;
                _phase = Phase.Done;
            }
        }

        public BlockOutcome Outcome { get; private set; } = BlockOutcome.AuthenticationFailure;
        public BitString? Secret { get; private set; }
        public int SampleBits { get; private set; }
        public int SampleErrors { get; private set; }
        public double QberEstimate { get; private set; }
        public int ReconciledBits { get; private set; }
        public long CascadeParityBits { get; private set; }
        public double EpsilonCorrectness { get; private set; }
        public bool IsFinished => _phase == Phase.Done;
        public long TranscriptWords => _transcript?.Words ?? 0;

        public byte[]? Start()
        {
            if (_phase == Phase.Done)
            {
                return null;
            }
            if (_block.Counts is not null)
            {
                QberEstimate = DecoyQber(_block.Counts);
                return QberEstimate > PostProcessing.QberEstimate.AbortThreshold ? End(BlockOutcome.QberAboveThreshold) : StartCascade();
            }
            SampleBits = SampleSize(_key.Length, _shared.Options.SampleFraction);
            _mask = KeySampling.ChoosePositions(_key.Length, SampleBits, _shared.Options.SecretRandom);
            var maskBytes = _mask.ToBytes();
            var bitBytes = KeySampling.Select(_key, _mask).ToBytes();
            var message = new byte[4 + maskBytes.Length + bitBytes.Length];
            BinaryPrimitives.WriteInt32LittleEndian(message, SampleBits);
            maskBytes.CopyTo(message, 4);
            bitBytes.CopyTo(message, 4 + maskBytes.Length);
            _phase = Phase.Estimation;
            return Sent(message);
        }

        public byte[]? Handle(byte[] message)
        {
            switch (_phase)
            {
                case Phase.Estimation:
                    _transcript!.Absorb(Party.Bob, message);
                    Guard.SameLength(message.Length, 4, "Parameter-estimation reply");
                    SampleErrors = (int)Guard.InRange(BinaryPrimitives.ReadInt32LittleEndian(message), 0, SampleBits);
                    _key = KeySampling.Remove(_key, _mask!);
                    var estimate = PostProcessing.QberEstimate.FromSample(SampleBits, SampleErrors, _key.Length, _shared.Options.EpsilonSecrecy);
                    QberEstimate = estimate.Qber;
                    return estimate.ShouldAbort ? End(BlockOutcome.QberAboveThreshold) : StartCascade();
                case Phase.Cascade:
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
                    return Close();
                case Phase.Closing:
                    return Closed(message);
                default:
                    return null;
            }
        }

        public void Abort(BlockOutcome reason) => End(reason);

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
                WipeWorkingKey();
            }
            return null;
        }

        private byte[] StartCascade()
        {
            ReconciledBits = _key.Length;
            EpsilonCorrectness = ErrorVerification.EpsilonCorrectness(ReconciledBits);
            if (_shared.Options.Ldpc is { } ldpc)
            {
                _ldpc = new LdpcAlice(ldpc, QberEstimate, _key, _shared.Options.SecretRandom);
                _phase = Phase.Cascade;
                return Sent(_ldpc.Start());
            }
            var plan = new CascadePlan(_shared.Options.Variant, QberEstimate, _shared.Shuffles(_key.Length));
            _cascade = new CascadeAlice(plan, _key);
            _phase = Phase.Cascade;
            return Sent(_cascade.Start());
        }

        /// <summary>Verification hash, privacy-amplification length and seed, and Alice's transcript tag, in one message.</summary>
        private byte[] Close()
        {
            var options = _shared.Options;
            var n = ReconciledBits;
            var leaked = CascadeParityBits + ErrorVerification.TagBits;
            var length = _block switch
            {
                { Counts: { } counts } => OneDecoyFiniteKey.SecretKeyLength(counts, leaked, options.EpsilonSecrecy, EpsilonCorrectness).SecretBits,
                { VacuumWeak: { } vw } => VacuumWeakSignalKey.SecretKeyLength(vw, leaked, options.EpsilonSecrecy, EpsilonCorrectness),
                { SinglePhoton: { } single } => DecoyKeyLength.SecretKeyLength(n, single, leaked, options.EpsilonSecrecy, EpsilonCorrectness),
                _ => Bb84FiniteKey.SecretKeyLength(n, SampleBits, (double)SampleErrors / SampleBits, leaked, options.EpsilonSecrecy, EpsilonCorrectness),
            };
            _secretBits = (int)Math.Clamp(length, 0, n);
            var seed = new BitString(ToeplitzHash.SeedBits(n, _secretBits));
            options.SecretRandom.Fill(seed.MutableWords);
            _seed = BitString.FromWords(seed.Words, seed.Length);
            var seedBytes = _seed.ToBytes();
            var hashKey = options.SecretRandom.NextUInt64();
            var body = new byte[20 + seedBytes.Length];
            BinaryPrimitives.WriteUInt64LittleEndian(body, hashKey);
            BinaryPrimitives.WriteUInt64LittleEndian(body.AsSpan(8), ErrorVerification.Tag(hashKey, _key));
            BinaryPrimitives.WriteInt32LittleEndian(body.AsSpan(16), _secretBits);
            seedBytes.CopyTo(body, 20);
            _transcript!.Absorb(Party.Alice, body);
            var message = new byte[body.Length + TagBytes];
            body.CopyTo(message, 0);
            BinaryPrimitives.WriteUInt64LittleEndian(message.AsSpan(body.Length), _transcript.Tag(_pads.AlicePad));
            _phase = Phase.Closing;
            return message;
        }

        /// <summary>Bob's status and tag: amplify only when his tag covers the transcript as Alice saw it.</summary>
        private byte[]? Closed(byte[] message)
        {
            if (message.Length != 1 + TagBytes)
            {
                return End(BlockOutcome.AuthenticationFailure);
            }
            _transcript!.Absorb(Party.Bob, message.AsSpan(0, 1));
            var tag = BinaryPrimitives.ReadUInt64LittleEndian(message.AsSpan(1));
            if (!ErrorVerification.TagsEqual(_transcript.Tag(_pads.BobPad), tag))
            {
                return End(BlockOutcome.AuthenticationFailure);
            }
            switch (message[0])
            {
                case StatusOk:
                    Secret = ToeplitzHash.Hash(_seed!, _key, _secretBits);
                    return End(BlockOutcome.Secret);
                case StatusFrameError:
                    return End(BlockOutcome.FrameError);
                default:
                    return End(BlockOutcome.AuthenticationFailure);
            }
        }

        private void WipeWorkingKey()
        {
            if (!ReferenceEquals(_key, _block.Alice))
            {
                _key.Wipe();
            }
        }
    }

    internal sealed class Bob : BlockParty, IBlockParty
    {
        private enum Phase { Estimation, Cascade, Closing, Done }

        private Phase _phase;
        private BitString _key;
        private CascadeBob? _cascade;
        private LdpcBob? _ldpc;

        /// <summary>Bob's party of block <paramref name="index"/>; null pads: the authentication key is exhausted.</summary>
        public Bob(SiftedBlock block, Shared shared, long index, BlockPads? pads)
            : base(block, shared, index, pads)
        {
            _key = block.Bob;
            if (KeyExhausted)
            {
                Outcome = BlockOutcome.AuthenticationKeyExhausted;
                _phase = Phase.Done;
            }
        }

        public BlockOutcome Outcome { get; private set; } = BlockOutcome.AuthenticationFailure;
        public BitString? Secret { get; private set; }
        public long Corrections { get; private set; }
        public int CascadeRoundTrips { get; private set; }
        public bool IsFinished => _phase == Phase.Done;
        public long TranscriptWords => _transcript?.Words ?? 0;

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
            var qber = DecoyQber(_block.Counts);
            if (qber > QberEstimate.AbortThreshold)
            {
                End(BlockOutcome.QberAboveThreshold);
                return null;
            }
            _key = _block.Bob.Clone();
            StartCascade(qber);
            return null;
        }

        public byte[]? Handle(byte[] message)
        {
            switch (_phase)
            {
                case Phase.Estimation:
                    _transcript!.Absorb(Party.Alice, message);
                    return Sent(Estimate(message));
                case Phase.Cascade when _ldpc is not null:
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
                case Phase.Cascade:
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
                    return Close(message);
                default:
                    return null;
            }
        }

        public void Abort(BlockOutcome reason) => End(reason);

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
                if (!ReferenceEquals(_key, _block.Bob))
                {
                    _key.Wipe();
                }
            }
        }

        /// <summary>Checks Alice's tag and the verification hash, amplifies, and answers with the status and Bob's tag.</summary>
        private byte[] Close(byte[] message)
        {
            byte status;
            var n = _key.Length;
            if (message.Length < 20 + TagBytes)
            {
                status = StatusAuthenticationFailure;
                _transcript!.Absorb(Party.Alice, message);
            }
            else
            {
                var body = message.AsSpan(0, message.Length - TagBytes);
                _transcript!.Absorb(Party.Alice, body);
                var aliceTag = BinaryPrimitives.ReadUInt64LittleEndian(message.AsSpan(body.Length));
                var secretBits = BinaryPrimitives.ReadInt32LittleEndian(body[16..]);
                if (!ErrorVerification.TagsEqual(_transcript.Tag(_pads.AlicePad), aliceTag)
                    || secretBits < 0 || secretBits > n || body.Length != 20 + (ToeplitzHash.SeedBits(n, secretBits) + 7) / 8)
                {
                    status = StatusAuthenticationFailure;
                }
                else
                {
                    var hashKey = BinaryPrimitives.ReadUInt64LittleEndian(body);
                    var verificationTag = BinaryPrimitives.ReadUInt64LittleEndian(body[8..]);
                    status = ErrorVerification.TagsEqual(ErrorVerification.Tag(hashKey, _key), verificationTag) ? StatusOk : StatusFrameError;
                    if (status == StatusOk)
                    {
                        Secret = ToeplitzHash.Hash(BitString.FromBytes(body[20..], ToeplitzHash.SeedBits(n, secretBits)), _key, secretBits);
                    }
                }
            }
            var reply = new byte[1 + TagBytes];
            reply[0] = status;
            _transcript.Absorb(Party.Bob, reply.AsSpan(0, 1));
            BinaryPrimitives.WriteUInt64LittleEndian(reply.AsSpan(1), _transcript.Tag(_pads.BobPad));
            End(status switch
            {
                StatusOk => BlockOutcome.Secret,
                StatusFrameError => BlockOutcome.FrameError,
                _ => BlockOutcome.AuthenticationFailure,
            });
            return reply;
        }

        private byte[] Estimate(byte[] message)
        {
            var n0 = _block.Bob.Length;
            var maskBytes = (n0 + 7) / 8;
            var sampleBits = (int)Guard.InRange(BinaryPrimitives.ReadInt32LittleEndian(message), 1, n0);
            Guard.SameLength(message.Length, 4 + maskBytes + (sampleBits + 7) / 8, "Parameter-estimation message");
            var mask = BitString.FromBytes(message.AsSpan(4, maskBytes), n0);
            Guard.SameLength(mask.PopCount(), sampleBits, "Sample mask weight");
            var alice = BitString.FromBytes(message.AsSpan(4 + maskBytes), sampleBits);
            var errors = KeySampling.Select(_block.Bob, mask).HammingDistance(alice);
            var reply = new byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(reply, errors);
            _key = KeySampling.Remove(_block.Bob, mask);
            var estimate = QberEstimate.FromSample(sampleBits, errors, _key.Length, _shared.Options.EpsilonSecrecy);
            if (estimate.ShouldAbort)
            {
                End(BlockOutcome.QberAboveThreshold);
                return reply;
            }
            StartCascade(estimate.Qber);
            return reply;
        }

        private void StartCascade(double qber)
        {
            if (_shared.Options.Ldpc is { } ldpc)
            {
                _ldpc = new LdpcBob(ldpc, qber, _key);
                _phase = Phase.Cascade;
                return;
            }
            var plan = new CascadePlan(_shared.Options.Variant, qber, _shared.Shuffles(_key.Length));
            _cascade = new CascadeBob(plan, _key);
            _phase = Phase.Cascade;
        }
    }
}
