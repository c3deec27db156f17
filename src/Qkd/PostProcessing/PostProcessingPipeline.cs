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
/// carries all blocks in flight (<see cref="BlockMultiplexer"/>). Worker w of each party handles blocks
/// w, w + K, w + 2K, ... (K blocks in flight), so both sides agree on the schedule without talking about it.
/// </summary>
/// <remarks>
/// Entry point for the simulator (<c>qkd simulate --distill</c>): pass Alice's and Bob's sifted
/// <see cref="BitString"/>s per block, with the block's <see cref="OneDecoyCounts"/> when known.
/// </remarks>
public static class PostProcessingPipeline
{
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
        using var muxAlice = new BlockMultiplexer(authAlice, options.SimulatedOneWayLatency);
        using var muxBob = new BlockMultiplexer(authBob, options.SimulatedOneWayLatency);
        using var readers = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        muxAlice.Start(readers.Token);
        muxBob.Start(readers.Token);

        var shuffles = new ConcurrentDictionary<int, CascadeShuffles>();
        var shared = new BlockProtocol.Shared(options, n => shuffles.GetOrAdd(n, len => new CascadeShuffles(len, options.ShuffleSeed)));
        var inFlight = Math.Max(1, Math.Min(options.MaxBlocksInFlight, blocks.Count));
        var aliceSides = new BlockProtocol.AliceSide?[blocks.Count];
        var bobSides = new BlockProtocol.BobSide?[blocks.Count];
        var finish = new long[blocks.Count];
        var traffic = new long[blocks.Count];
        var started = time.GetTimestamp();

        var workers = new List<Task>();
        for (var w = 0; w < inFlight; w++)
        {
            var worker = w;
            var aliceClock = new SimulatedClock();
            var bobClock = new SimulatedClock();
            workers.Add(Task.Run(async () =>
            {
                for (var i = worker; i < blocks.Count; i += inFlight)
                {
                    var channel = muxAlice.Open(i, aliceClock);
                    try
                    {
                        aliceSides[i] = await BlockProtocol.AliceAsync(blocks[i], channel, shared, cancellationToken).ConfigureAwait(false);
                    }
                    catch (ClassicalAuthenticationException)
                    {
                        aliceSides[i] = new BlockProtocol.AliceSide(BlockOutcome.AuthenticationFailure, null, 0, 0, 0, 0, 0, 0);
                    }
                    Interlocked.Add(ref traffic[i], channel.Traffic.TotalBytes);
                    MaxInto(ref finish[i], aliceClock.Ticks);
                }
            }, cancellationToken));
            workers.Add(Task.Run(async () =>
            {
                for (var i = worker; i < blocks.Count; i += inFlight)
                {
                    var channel = muxBob.Open(i, bobClock);
                    try
                    {
                        bobSides[i] = await BlockProtocol.BobAsync(blocks[i], channel, shared, cancellationToken).ConfigureAwait(false);
                    }
                    catch (ClassicalAuthenticationException)
                    {
                        bobSides[i] = new BlockProtocol.BobSide(BlockOutcome.AuthenticationFailure, null, 0, 0, 0);
                    }
                    Interlocked.Add(ref traffic[i], channel.Traffic.TotalBytes);
                    MaxInto(ref finish[i], bobClock.Ticks);
                }
            }, cancellationToken));
        }
        await Task.WhenAll(workers).ConfigureAwait(false);
        await muxAlice.FlushAsync(cancellationToken).ConfigureAwait(false);
        await muxBob.FlushAsync(cancellationToken).ConfigureAwait(false);
        await readers.CancelAsync().ConfigureAwait(false);
        await muxAlice.StopAsync().ConfigureAwait(false);
        await muxBob.StopAsync().ConfigureAwait(false);
        var elapsed = time.GetElapsedTime(started).TotalSeconds;

        return Summarize(blocks, options, aliceSides, bobSides, finish, traffic, poolAlice, poolBob, aliceEnd, bobEnd,
            muxAlice.MessagesSent + muxBob.MessagesSent, elapsed);
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
        BlockProtocol.AliceSide?[] aliceSides, BlockProtocol.BobSide?[] bobSides, long[] finish, long[] traffic,
        AuthenticationKeyPool poolAlice, AuthenticationKeyPool poolBob, IClassicalChannel aliceEnd, IClassicalChannel bobEnd,
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
            var a = aliceSides[i] ?? new BlockProtocol.AliceSide(BlockOutcome.AuthenticationFailure, null, 0, 0, 0, 0, 0, 0);
            var b = bobSides[i] ?? new BlockProtocol.BobSide(BlockOutcome.AuthenticationFailure, null, 0, 0, 0);
            var outcome = a.Outcome == BlockOutcome.Secret && b.Outcome == BlockOutcome.Secret ? BlockOutcome.Secret
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
            if (outcome == BlockOutcome.Secret && a.Key is not null && b.Key is not null)
            {
                aliceKey = a.Key;
                bobKey = b.Key;
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
                a.CascadeParityBits, leakedBits, f, trips, traffic[i], secretBits, a.EpsilonCorrectness, finish[i] / (double)TimeSpan.TicksPerSecond));
        }
        var makespan = 0.0;
        foreach (var r in reports)
        {
            makespan = Math.Max(makespan, r.SimulatedSeconds);
        }
        var maxMessageBytes = 1 << 24;
        var epsAuth = channelMessages * AuthenticatedClassicalChannel.ForgeryBound(maxMessageBytes);
        var report = new PostProcessingReport(options.Variant.Name, reports.MoveToImmutable(), inputBits, secretTotal, frameErrors,
            reconciled > 0 ? (double)frameErrors / reconciled : 0, efficiencyCount > 0 ? efficiencySum / efficiencyCount : double.NaN,
            leaked, roundTrips, channelMessages, aliceEnd.Traffic.TotalBytes, spentBeforeReplenish, replenished,
            options.EpsilonSecrecy, epsCorMax, epsAuth, elapsedSeconds,
            elapsedSeconds > 0 ? inputBits / elapsedSeconds : double.PositiveInfinity,
            makespan, makespan > 0 ? inputBits / makespan : double.PositiveInfinity);
        _ = bobEnd;
        return new PostProcessingResult(aliceKeys.MoveToImmutable(), bobKeys.MoveToImmutable(), report);
    }
}
