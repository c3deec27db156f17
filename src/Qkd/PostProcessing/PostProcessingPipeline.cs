using System.Collections.Concurrent;
using System.Collections.Immutable;
using Qkd.Bits;
using Qkd.Classical;
using Qkd.KeyRate;

namespace Qkd.PostProcessing;

/// <summary>
/// From sifted keys to identical, secret, authenticated keys: runs parameter estimation, Cascade, verification
/// and privacy amplification on many blocks at once. Alice and Bob are separate: each runs its own workers and
/// sees the other only through its end of the classical channel, which is Wegman-Carter authenticated and
/// carries all blocks in flight (<see cref="PartyLoop"/>: one channel message per step advances every block).
/// </summary>
/// <remarks>
/// Entry point for the simulator (<c>qkd simulate --distill</c>): pass Alice's and Bob's sifted
/// <see cref="BitString"/>s per block, with the block's <see cref="OneDecoyCounts"/> when known.
/// </remarks>
public static class PostProcessingPipeline
{
    /// <summary>
    /// Distils one sifted key pair (e.g. a whole simulation run, with its decoy counts when the source is a
    /// weak-coherent laser) as a single block over an in-memory authenticated channel.
    /// </summary>
    public static Task<PostProcessingResult> DistillAsync(BitString alice, BitString bob, OneDecoyCounts? counts, PostProcessingOptions options, CancellationToken cancellationToken = default)
        => RunAsync([new SiftedBlock(Guard.NotNull(alice), Guard.NotNull(bob), counts)], options, null, cancellationToken);

    /// <summary>Runs over an in-memory channel with a fresh pre-shared authentication key.</summary>
    public static Task<PostProcessingResult> RunAsync(IReadOnlyList<SiftedBlock> blocks, PostProcessingOptions options, TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        Guard.NotNull(options);
        var (alice, bob) = InMemoryClassicalChannel.CreatePair();
        var psk = new BitString(options.PreSharedKeyBits);
        CryptoRandom.Shared.Fill(psk.MutableWords);
        return RunAsync(blocks, options, alice, bob, psk, time ?? TimeProvider.System, cancellationToken);
    }

    /// <summary>Runs over the given channel ends (e.g. decorated with latency or an attacker) and pre-shared key.</summary>
    public static async Task<PostProcessingResult> RunAsync(IReadOnlyList<SiftedBlock> blocks, PostProcessingOptions options,
        IClassicalChannel aliceEnd, IClassicalChannel bobEnd, BitString preSharedKey, TimeProvider time, CancellationToken cancellationToken = default)
    {
        Guard.NotNull(blocks);
        options = Guard.NotNull(options).Validated();
        Guard.NotNull(time);
        for (var i = 0; i < blocks.Count; i++)
        {
            Guard.SameLength(blocks[i].Alice.Length, blocks[i].Bob.Length, $"Block {i}: Alice's and Bob's sifted keys");
            Guard.InRange(blocks[i].Alice.Length, 64, 1 << 26);
        }
        var poolAlice = new AuthenticationKeyPool(preSharedKey);
        var poolBob = new AuthenticationKeyPool(preSharedKey);
        using var authAlice = new AuthenticatedClassicalChannel(aliceEnd, poolAlice);
        using var authBob = new AuthenticatedClassicalChannel(bobEnd, poolBob);
        using var abort = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);

        var shuffles = new ConcurrentDictionary<int, Lazy<CascadeShuffles>>();
        var shared = new BlockProtocol.Shared(options, n => shuffles.GetOrAdd(n, len => new Lazy<CascadeShuffles>(() => new CascadeShuffles(len, options.ShuffleSeed))).Value);
        var inFlight = Math.Max(1, Math.Min(options.MaxBlocksInFlight, blocks.Count));
        var alices = new BlockProtocol.Alice?[blocks.Count];
        var bobs = new BlockProtocol.Bob?[blocks.Count];
        var finish = new long[blocks.Count];
        var latency = options.SimulatedOneWayLatency.Ticks;
        var started = time.GetTimestamp();

        var aliceLoop = new PartyLoop(authAlice, blocks.Count, inFlight, latency, finish, abort,
            i => alices[i] = new BlockProtocol.Alice(blocks[i], shared), admitsBlocks: true);
        var bobLoop = new PartyLoop(authBob, blocks.Count, blocks.Count, latency, finish, abort,
            i => bobs[i] = new BlockProtocol.Bob(blocks[i], shared), admitsBlocks: false);
        await Task.WhenAll(Task.Run(aliceLoop.RunAsync, CancellationToken.None), Task.Run(bobLoop.RunAsync, CancellationToken.None)).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        var elapsed = time.GetElapsedTime(started).TotalSeconds;

        return Summarize(blocks, options, alices, bobs, finish, poolAlice, poolBob, aliceEnd,
            aliceLoop.MessagesSent + bobLoop.MessagesSent, elapsed);
    }

    private static void MaxInto(ref long target, long value)
    {
        long current;
        do
        {
            current = Interlocked.Read(ref target);
            if (value <= current)
            {
                return;
            }
        }
        while (Interlocked.CompareExchange(ref target, value, current) != current);
    }

    private static PostProcessingResult Summarize(IReadOnlyList<SiftedBlock> blocks, PostProcessingOptions options,
        BlockProtocol.Alice?[] alices, BlockProtocol.Bob?[] bobs, long[] finish,
        AuthenticationKeyPool poolAlice, AuthenticationKeyPool poolBob, IClassicalChannel aliceEnd,
        long channelMessages, double elapsedSeconds)
    {
        var reports = ImmutableArray.CreateBuilder<BlockReport>(blocks.Count);
        var aliceKeys = ImmutableArray.CreateBuilder<BitString?>(blocks.Count);
        var bobKeys = ImmutableArray.CreateBuilder<BitString?>(blocks.Count);
        long inputBits = 0, leaked = 0, roundTrips = 0;
        int frameErrors = 0, reconciled = 0, efficiencyCount = 0;
        double efficiencySum = 0, epsCorMax = 0;
        var spentBeforeReplenish = poolAlice.SpentBits + poolBob.SpentBits;
        var need = options.ReplenishAuthenticationKey ? poolAlice.SpentBits - 128 : 0;
        long replenished = 0, secretTotal = 0;
        for (var i = 0; i < blocks.Count; i++)
        {
            var a = alices[i] ?? new BlockProtocol.Alice(blocks[i], null!);
            var b = bobs[i] ?? new BlockProtocol.Bob(blocks[i], null!);
            var outcome = !a.IsFinished || !b.IsFinished ? BlockOutcome.AuthenticationFailure
                : a.Outcome == BlockOutcome.Secret && b.Outcome == BlockOutcome.Secret ? BlockOutcome.Secret
                : a.Outcome == BlockOutcome.Secret ? b.Outcome : a.Outcome;
            var n = a.ReconciledBits;
            var qber = n > 0 ? (double)b.Corrections / n : 0;
            var h = Entropy.Binary(qber);
            var f = n > 0 && h > 0 ? a.CascadeParityBits / (n * h) : double.NaN;
            if (outcome is BlockOutcome.Secret or BlockOutcome.FrameError)
            {
                reconciled++;
                frameErrors += outcome == BlockOutcome.FrameError ? 1 : 0;
                if (!double.IsNaN(f))
                {
                    efficiencySum += f;
                    efficiencyCount++;
                }
            }
            BitString? aliceKey = null, bobKey = null;
            var secretBits = 0;
            if (outcome == BlockOutcome.Secret && a.Secret is not null && b.Secret is not null)
            {
                aliceKey = a.Secret;
                bobKey = b.Secret;
                var take = (int)Math.Min(need, aliceKey.Length / 64 * 64);
                if (take > 0)
                {
                    poolAlice.Replenish(aliceKey.Slice(0, take));
                    poolBob.Replenish(bobKey.Slice(0, take));
                    aliceKey = aliceKey.Slice(take, aliceKey.Length - take);
                    bobKey = bobKey.Slice(take, bobKey.Length - take);
                    need -= take;
                    replenished += take;
                }
                secretBits = aliceKey.Length;
                secretTotal += secretBits;
            }
            aliceKeys.Add(aliceKey);
            bobKeys.Add(bobKey);
            inputBits += blocks[i].Alice.Length;
            var leakedBits = a.CascadeParityBits + (n > 0 ? ErrorVerification.TagBits : 0);
            leaked += leakedBits;
            var trips = b.CascadeRoundTrips + 3;
            roundTrips += trips;
            epsCorMax = Math.Max(epsCorMax, a.EpsilonCorrectness);
            reports.Add(new BlockReport(i, outcome, blocks[i].Alice.Length, a.SampleBits, a.QberEstimate, n, b.Corrections, qber,
                a.CascadeParityBits, leakedBits, f, trips, secretBits, a.EpsilonCorrectness, finish[i] / (double)TimeSpan.TicksPerSecond));
        }
        var makespan = 0.0;
        foreach (var r in reports)
        {
            makespan = Math.Max(makespan, r.SimulatedSeconds);
        }
        var maxMessageBytes = 1 << 24;
        var epsAuth = channelMessages * AuthenticatedClassicalChannel.ForgeryBound(maxMessageBytes);
        var report = new PostProcessingReport(options.MethodName, reports.MoveToImmutable(), inputBits, secretTotal, frameErrors,
            reconciled > 0 ? (double)frameErrors / reconciled : 0, efficiencyCount > 0 ? efficiencySum / efficiencyCount : double.NaN,
            leaked, roundTrips, channelMessages, aliceEnd.Traffic.TotalBytes, spentBeforeReplenish, replenished,
            options.EpsilonSecrecy, epsCorMax, epsAuth, elapsedSeconds,
            elapsedSeconds > 0 ? inputBits / elapsedSeconds : double.PositiveInfinity,
            makespan, makespan > 0 ? inputBits / makespan : double.PositiveInfinity);
        return new PostProcessingResult(aliceKeys.MoveToImmutable(), bobKeys.MoveToImmutable(), report);
    }
}
