using System.Buffers.Binary;
using Qkd.Bits;
using Qkd.Classical;
using Qkd.KeyRate;

namespace Qkd.PostProcessing;

/// <summary>
/// The per-block conversation, one method per party, over that block's channel: parameter estimation (Alice
/// discloses a random sample, Bob answers with the error count), Cascade, verification (fresh polynomial hash),
/// privacy amplification (Alice sends the output length and a fresh Toeplitz seed).
/// </summary>
internal static class BlockProtocol
{
    internal sealed record Shared(PostProcessingOptions Options, Func<int, CascadeShuffles> Shuffles);

    internal sealed record AliceSide(BlockOutcome Outcome, BitString? Key, int SampleBits, double QberEstimate, int ReconciledBits,
        long CascadeParityBits, int SecretBits, double EpsilonCorrectness);

    internal sealed record BobSide(BlockOutcome Outcome, BitString? Key, long Corrections, int CascadeRoundTrips, long CascadeBytes);

    public static async Task<AliceSide> AliceAsync(SiftedBlock block, IClassicalChannel channel, Shared shared, CancellationToken ct)
    {
        var options = shared.Options;
        var key = block.Alice;
        var sampleBits = 0;
        var sampleErrors = 0;
        double qberEstimate;
        if (block.Counts is null)
        {
            sampleBits = SampleSize(key.Length, options.SampleFraction);
            var mask = KeySampling.ChoosePositions(key.Length, sampleBits, CryptoRandom.Shared);
            var disclosed = KeySampling.Select(key, mask);
            var maskBytes = mask.ToBytes();
            var bitBytes = disclosed.ToBytes();
            var message = new byte[4 + maskBytes.Length + bitBytes.Length];
            BinaryPrimitives.WriteInt32LittleEndian(message, sampleBits);
            maskBytes.CopyTo(message, 4);
            bitBytes.CopyTo(message, 4 + maskBytes.Length);
            await channel.SendAsync(message, ct).ConfigureAwait(false);
            var reply = await channel.ReceiveAsync(ct).ConfigureAwait(false);
            sampleErrors = BinaryPrimitives.ReadInt32LittleEndian(reply);
            key = KeySampling.Remove(key, mask);
            var estimate = QberEstimate.FromSample(sampleBits, sampleErrors, key.Length, options.EpsilonSecrecy);
            qberEstimate = estimate.Qber;
            if (estimate.ShouldAbort)
            {
                return new AliceSide(BlockOutcome.QberAboveThreshold, null, sampleBits, qberEstimate, 0, 0, 0, 0);
            }
        }
        else
        {
            qberEstimate = DecoyQber(block.Counts);
            if (qberEstimate > QberEstimate.AbortThreshold)
            {
                return new AliceSide(BlockOutcome.QberAboveThreshold, null, 0, qberEstimate, 0, 0, 0, 0);
            }
        }

        var n = key.Length;
        var plan = new CascadePlan(options.Variant, qberEstimate, shared.Shuffles(n));
        var parityBits = await CascadeReconciler.RunAliceAsync(plan, key, channel, ct).ConfigureAwait(false);

        var hashKey = CryptoRandom.Shared.NextUInt64();
        var tag = ErrorVerification.Tag(hashKey, key);
        var verify = new byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(verify, hashKey);
        BinaryPrimitives.WriteUInt64LittleEndian(verify.AsSpan(8), tag);
        await channel.SendAsync(verify, ct).ConfigureAwait(false);
        var verdict = await channel.ReceiveAsync(ct).ConfigureAwait(false);
        var epsCor = ErrorVerification.EpsilonCorrectness(n);
        if (verdict.Length != 1 || verdict[0] != 1)
        {
            return new AliceSide(BlockOutcome.FrameError, null, sampleBits, qberEstimate, n, parityBits, 0, epsCor);
        }

        var leaked = parityBits + ErrorVerification.TagBits;
        var length = block.Counts is null
            ? Bb84FiniteKey.SecretKeyLength(n, sampleBits, (double)sampleErrors / sampleBits, leaked, options.EpsilonSecrecy, epsCor)
            : OneDecoyFiniteKey.SecretKeyLength(block.Counts, leaked, options.EpsilonSecrecy, epsCor).SecretBits;
        var secretBits = (int)Math.Clamp(length, 0, n);
        var seed = new BitString(ToeplitzHash.SeedBits(n, secretBits));
        CryptoRandom.Shared.Fill(seed.MutableWords);
        var seedBytes = seed.ToBytes();
        var pa = new byte[4 + seedBytes.Length];
        BinaryPrimitives.WriteInt32LittleEndian(pa, secretBits);
        seedBytes.CopyTo(pa, 4);
        await channel.SendAsync(pa, ct).ConfigureAwait(false);
        var secret = ToeplitzHash.Hash(seed, key, secretBits);
        if (!ReferenceEquals(key, block.Alice))
        {
            key.Wipe();
        }
        return new AliceSide(BlockOutcome.Secret, secret, sampleBits, qberEstimate, n, parityBits, secretBits, epsCor);
    }

    public static async Task<BobSide> BobAsync(SiftedBlock block, IClassicalChannel channel, Shared shared, CancellationToken ct)
    {
        var options = shared.Options;
        BitString key;
        double qberEstimate;
        if (block.Counts is null)
        {
            var message = await channel.ReceiveAsync(ct).ConfigureAwait(false);
            var n0 = block.Bob.Length;
            var sampleBits = BinaryPrimitives.ReadInt32LittleEndian(message);
            var maskBytes = (n0 + 7) / 8;
            Guard.SameLength(message.Length, 4 + maskBytes + (sampleBits + 7) / 8, "Parameter-estimation message");
            var mask = BitString.FromBytes(message.AsSpan(4, maskBytes), n0);
            Guard.SameLength(mask.PopCount(), sampleBits, "Sample mask weight");
            var alice = BitString.FromBytes(message.AsSpan(4 + maskBytes), sampleBits);
            var mine = KeySampling.Select(block.Bob, mask);
            var errors = mine.HammingDistance(alice);
            var reply = new byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(reply, errors);
            await channel.SendAsync(reply, ct).ConfigureAwait(false);
            key = KeySampling.Remove(block.Bob, mask);
            var estimate = QberEstimate.FromSample(sampleBits, errors, key.Length, options.EpsilonSecrecy);
            qberEstimate = estimate.Qber;
            if (estimate.ShouldAbort)
            {
                return new BobSide(BlockOutcome.QberAboveThreshold, null, 0, 0, 0);
            }
        }
        else
        {
            qberEstimate = DecoyQber(block.Counts);
            if (qberEstimate > QberEstimate.AbortThreshold)
            {
                return new BobSide(BlockOutcome.QberAboveThreshold, null, 0, 0, 0);
            }
            key = block.Bob.Clone();
        }

        var n = key.Length;
        var plan = new CascadePlan(options.Variant, qberEstimate, shared.Shuffles(n));
        var cascade = await CascadeReconciler.RunBobAsync(plan, key, channel, ct).ConfigureAwait(false);

        var verify = await channel.ReceiveAsync(ct).ConfigureAwait(false);
        Guard.SameLength(verify.Length, 16, "Verification message");
        var hashKey = BinaryPrimitives.ReadUInt64LittleEndian(verify);
        var aliceTag = BinaryPrimitives.ReadUInt64LittleEndian(verify.AsSpan(8));
        var ok = ErrorVerification.TagsEqual(ErrorVerification.Tag(hashKey, key), aliceTag);
        await channel.SendAsync(new[] { ok ? (byte)1 : (byte)0 }, ct).ConfigureAwait(false);
        if (!ok)
        {
            key.Wipe();
            return new BobSide(BlockOutcome.FrameError, null, cascade.Corrections, cascade.RoundTrips, cascade.BytesExchanged);
        }

        var pa = await channel.ReceiveAsync(ct).ConfigureAwait(false);
        var secretBits = BinaryPrimitives.ReadInt32LittleEndian(pa);
        Guard.InRange(secretBits, 0, n);
        var seedBits = ToeplitzHash.SeedBits(n, secretBits);
        Guard.SameLength(pa.Length, 4 + (seedBits + 7) / 8, "Privacy-amplification message");
        var seed = BitString.FromBytes(pa.AsSpan(4), seedBits);
        var secret = ToeplitzHash.Hash(seed, key, secretBits);
        key.Wipe();
        return new BobSide(BlockOutcome.Secret, secret, cascade.Corrections, cascade.RoundTrips, cascade.BytesExchanged);
    }

    /// <summary>Sample size k = max(1, round(fraction * n)), at most n - 2.</summary>
    public static int SampleSize(int n, double fraction) => (int)Math.Clamp(Math.Round(fraction * n), 1, Math.Max(1, n - 2));

    /// <summary>QBER estimate from decoy counts: m_Z / n_Z.</summary>
    private static double DecoyQber(OneDecoyCounts counts) => counts.DetectionsZ > 0 ? Math.Clamp(counts.ErrorsZ / counts.DetectionsZ, 0, 0.5) : 0.5;
}
