using System.Collections.Concurrent;
using System.Collections.Immutable;
using Qkd.Bits;
using Qkd.Classical;
using Qkd.KeyRate;
using Qkd.KeyRate.FiniteKey;

namespace Qkd.PostProcessing;

/// <summary>
/// From sifted keys to identical, secret, authenticated keys: runs parameter estimation, Cascade, verification
/// and privacy amplification on many blocks at once. Alice and Bob are separate: each runs its own workers and
/// sees the other only through its end of the classical channel, which carries all blocks in flight
/// (<see cref="PartyLoop"/>: one channel message per step advances every block). Each block's transcript is
/// Wegman-Carter authenticated with two one-time-padded tags (<see cref="BlockProtocol"/>): 128 bits of
/// authentication key per block, whatever the number of Cascade round trips.
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
    public static Task<PostProcessingResult> DistillAsync(BitString alice, BitString bob, OneDecoyCounts? counts, PostProcessingOptions options, TimeProvider time, CancellationToken cancellationToken = default)
        => RunAsync([new SiftedBlock(Guard.NotNull(alice), Guard.NotNull(bob), counts)], options, time, cancellationToken);

    /// <summary>
    /// Runs over in-memory channels with a fresh pre-shared authentication key (from <see cref="PostProcessingOptions.SecretRandom"/>), one
    /// channel pair per lane (<see cref="PostProcessingOptions.Lanes"/>); <paramref name="time"/> (the caller's clock)
    /// times the run and the receive timeouts.
    /// </summary>
    public static Task<PostProcessingResult> RunAsync(IReadOnlyList<SiftedBlock> blocks, PostProcessingOptions options, TimeProvider time, CancellationToken cancellationToken = default)
    {
        Guard.NotNull(blocks);
        options = Guard.NotNull(options).Validated();
        // Both parties' loops are non-blocking, so the in-memory channel hands each message over on the sender's
        // thread: the ping-pong runs without a thread wake-up per message (docs/postprocessing.md, pipeline speed).
        var lanes = new (IClassicalChannel Alice, IClassicalChannel Bob)[Math.Min(options.Lanes, Math.Max(1, blocks.Count))];
        for (var l = 0; l < lanes.Length; l++)
        {
            var (alice, bob) = InMemoryClassicalChannel.CreatePair(inlineHandOff: true);
            lanes[l] = (alice, bob);
        }
        var psk = new BitString(options.PreSharedKeyBits);
        options.SecretRandom.Fill(psk.MutableWords);
        return RunAsync(blocks, options, lanes, psk, Guard.NotNull(time), cancellationToken);
    }

    /// <summary>Runs over the given channel ends (e.g. decorated with latency or an attacker) and pre-shared key, on one lane.</summary>
    public static Task<PostProcessingResult> RunAsync(IReadOnlyList<SiftedBlock> blocks, PostProcessingOptions options,
        IClassicalChannel aliceEnd, IClassicalChannel bobEnd, BitString preSharedKey, TimeProvider time, CancellationToken cancellationToken = default)
        => RunAsync(blocks, options, [(Guard.NotNull(aliceEnd), Guard.NotNull(bobEnd))], preSharedKey, time, cancellationToken);

    /// <summary>
    /// Runs over the given channel pairs, one lane each (<see cref="PostProcessingOptions.Lanes"/> is not read: the
    /// pairs are the lanes), with the given pre-shared key.
    /// </summary>
    /// <remarks>
    /// Blocks run in batches (<see cref="PostProcessingOptions.BatchBlocks"/>). Before a batch starts, both parties
    /// reserve its blocks' authentication pads in block order, so block i gets the same pads whichever lane runs it and
    /// whenever, and no pad goes to two blocks. Within a batch, lane l runs blocks l, l + L, l + 2L, ... end to end on
    /// its own channel pair, all lanes at once. Between two batches both parties move the authentication key the batch
    /// spent from its first delivered keys back into their pools (in block order, so the pools stay equal), so a long
    /// run pays for its own authentication and does not starve.
    /// </remarks>
    public static async Task<PostProcessingResult> RunAsync(IReadOnlyList<SiftedBlock> blocks, PostProcessingOptions options,
        IReadOnlyList<(IClassicalChannel Alice, IClassicalChannel Bob)> lanes, BitString preSharedKey, TimeProvider time, CancellationToken cancellationToken = default)
    {
        Guard.NotNull(blocks);
        options = Guard.NotNull(options).Validated();
        Guard.NotNull(time);
        Guard.NotNull(lanes);
        Guard.InRange(lanes.Count, 1, PostProcessingOptions.MaxLanes);
        for (var l = 0; l < lanes.Count; l++)
        {
            Guard.NotNull(lanes[l].Alice);
            Guard.NotNull(lanes[l].Bob);
        }
        for (var i = 0; i < blocks.Count; i++)
        {
            Guard.SameLength(blocks[i].Alice.Length, blocks[i].Bob.Length, $"Block {i}: Alice's and Bob's sifted keys");
            Guard.InRange(blocks[i].Alice.Length, 64, 1 << 26);
        }
        var poolAlice = new AuthenticationKeyPool(preSharedKey);
        var poolBob = new AuthenticationKeyPool(preSharedKey);
        using var abort = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);

        var shuffles = new ConcurrentDictionary<int, Lazy<CascadeShuffles>>();
        var shared = new BlockProtocol.Shared(options, n => shuffles.GetOrAdd(n, len => new Lazy<CascadeShuffles>(() => new CascadeShuffles(len, options.ShuffleSeed))).Value);
        var laneCount = lanes.Count;
        var inFlightPerLane = (options.MaxBlocksInFlight + laneCount - 1) / laneCount;
        var blocksPerLane = Math.Max(1, (Math.Min(options.BatchBlocks, blocks.Count) + laneCount - 1) / laneCount);
        // Each lane its own Cascade buffer pools, sized for its blocks in flight: no contention between the lanes.
        var laneShared = new BlockProtocol.Shared[laneCount];
        for (var l = 0; l < laneCount; l++)
        {
            laneShared[l] = shared with { Buffers = CascadeBuffers.ForBlocksInFlight(Math.Min(inFlightPerLane, blocksPerLane)) };
        }
        var alices = new AliceBlockParty?[blocks.Count];
        var bobs = new BobBlockParty?[blocks.Count];
        var finish = new long[blocks.Count];
        var latency = options.SimulatedOneWayLatency.Ticks;
        // One partner thread for the run, shared by both parties' loops (with the inline hand-off they take turns); lanes
        // already keep the cores busy, so only a single lane gets one.
        using var partner = options.ParallelFrames && FramePartner.Useful && laneCount == 1 && options.MaxBlocksInFlight > 1 && blocks.Count > 1 ? new FramePartner() : null;
        var accounting = new Accounting(blocks.Count);
        long messages = 0;
        var started = time.GetTimestamp();
        var batch = 0;
        long batchStart = 0;
        for (var first = 0; first < blocks.Count; first += options.BatchBlocks, batch++)
        {
            var count = Math.Min(options.BatchBlocks, blocks.Count - first);
            var offset = first;
            var alicePads = TakePads(poolAlice, count);
            var bobPads = TakePads(poolBob, count);
            var batchFinish = new long[count];
            var loops = new List<(PartyLoop Alice, PartyLoop Bob, long[] Finish, int Lane)>(laneCount);
            for (var l = 0; l < laneCount && l < count; l++)
            {
                var lane = l;
                var laneBlocks = (count - lane + laneCount - 1) / laneCount;
                var laneFinish = new long[laneBlocks];
                var inFlight = Math.Max(1, Math.Min(inFlightPerLane, laneBlocks));
                var aliceLoop = new PartyLoop(lanes[lane].Alice, laneBlocks, inFlight, latency, laneFinish, abort,
                    i => alices[offset + lane + i * laneCount] = new AliceBlockParty(blocks[offset + lane + i * laneCount], laneShared[lane],
                        offset + lane + i * laneCount, alicePads[lane + i * laneCount]),
                    admitsBlocks: true, batch, options.ReceiveTimeout, time, options.MaxMessagesPerBlock, partner, laneShared[lane].Buffers.Messages);
                var bobLoop = new PartyLoop(lanes[lane].Bob, laneBlocks, laneBlocks, latency, laneFinish, abort,
                    i => bobs[offset + lane + i * laneCount] = new BobBlockParty(blocks[offset + lane + i * laneCount], laneShared[lane],
                        offset + lane + i * laneCount, bobPads[lane + i * laneCount]),
                    admitsBlocks: false, batch, options.ReceiveTimeout, time, options.MaxMessagesPerBlock, partner, laneShared[lane].Buffers.Messages);
                loops.Add((aliceLoop, bobLoop, laneFinish, lane));
            }
            var tasks = new Task[2 * loops.Count];
            for (var l = 0; l < loops.Count; l++)
            {
                tasks[2 * l] = Task.Run(loops[l].Alice.RunAsync, CancellationToken.None);
                tasks[(2 * l) + 1] = Task.Run(loops[l].Bob.RunAsync, CancellationToken.None);
            }
            await Task.WhenAll(tasks).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            foreach (var (aliceLoop, bobLoop, laneFinish, lane) in loops)
            {
                messages += aliceLoop.MessagesSent + bobLoop.MessagesSent;
                for (var i = 0; i < laneFinish.Length; i++)
                {
                    batchFinish[lane + i * laneCount] = laneFinish[i];
                }
            }
            var batchEnd = batchStart;
            for (var i = 0; i < count; i++)
            {
                finish[first + i] = batchStart + batchFinish[i];
                batchEnd = Math.Max(batchEnd, finish[first + i]);
            }
            batchStart = batchEnd;
            accounting.Settle(blocks, alices, bobs, first, count, poolAlice, poolBob, options.ReplenishAuthenticationKey);
        }
        var elapsed = time.GetElapsedTime(started).TotalSeconds;
        long bytes = 0;
        foreach (var (alice, _) in lanes)
        {
            bytes += alice.Traffic.TotalBytes;
        }
        return Summarize(blocks, options, alices, bobs, finish, accounting, poolAlice, bytes, messages, elapsed);
    }

    /// <summary>
    /// The pads of a batch's blocks, taken from one party's pool in block order (null from the first block that finds
    /// none: the key is exhausted). Both parties do the same, so block i gets the same pads on both sides, on any lane.
    /// </summary>
    private static BlockProtocol.BlockPads?[] TakePads(AuthenticationKeyPool pool, int count)
    {
        var pads = new BlockProtocol.BlockPads?[count];
        for (var i = 0; i < count; i++)
        {
            pads[i] = pool.TryTakeBlockPads(out var alicePad, out var bobPad) ? new BlockProtocol.BlockPads(pool.HashKey, alicePad, bobPad) : null;
        }
        return pads;
    }

    /// <summary>Per-block outcome and delivered keys, settled batch by batch (authentication key moved back into the pools).</summary>
    private sealed class Accounting(int blocks)
    {
        public readonly BlockOutcome[] Outcomes = new BlockOutcome[blocks];
        public readonly BitString?[] AliceKeys = new BitString?[blocks];
        public readonly BitString?[] BobKeys = new BitString?[blocks];
        public long Replenished;
        private long _owed;

        public void Settle(IReadOnlyList<SiftedBlock> input, AliceBlockParty?[] alices, BobBlockParty?[] bobs, int first, int count,
            AuthenticationKeyPool poolAlice, AuthenticationKeyPool poolBob, bool replenish)
        {
            for (var i = first; i < first + count; i++)
            {
                var a = alices[i];
                var b = bobs[i];
                var outcome = a is null || b is null || !a.IsFinished || !b.IsFinished ? BlockOutcome.ChannelFailure
                    : a.Outcome == BlockOutcome.Secret && b.Outcome == BlockOutcome.Secret ? BlockOutcome.Secret
                    : a.Outcome == BlockOutcome.Secret ? b.Outcome : a.Outcome;
                if (a is not null && (a.Outcome == BlockOutcome.AuthenticationKeyExhausted || b?.Outcome == BlockOutcome.AuthenticationKeyExhausted))
                {
                    outcome = BlockOutcome.AuthenticationKeyExhausted;
                }
                else if (a is not null)
                {
                    _owed += AuthenticationKeyPool.BitsPerBlock;
                }
                Outcomes[i] = outcome;
                if (outcome == BlockOutcome.Secret && a!.Secret is { } aliceKey && b!.Secret is { } bobKey)
                {
                    var take = replenish ? (int)Math.Min(_owed, aliceKey.Length / 64 * 64) : 0;
                    if (take > 0)
                    {
                        poolAlice.Replenish(aliceKey.Slice(0, take));
                        poolBob.Replenish(bobKey.Slice(0, take));
                        aliceKey = aliceKey.Slice(take, aliceKey.Length - take);
                        bobKey = bobKey.Slice(take, bobKey.Length - take);
                        _owed -= take;
                        Replenished += take;
                    }
                    AliceKeys[i] = aliceKey;
                    BobKeys[i] = bobKey;
                }
                else
                {
                    a?.Secret?.Wipe();
                    b?.Secret?.Wipe();
                }
            }
        }
    }

    private static PostProcessingResult Summarize(IReadOnlyList<SiftedBlock> blocks, PostProcessingOptions options,
        AliceBlockParty?[] alices, BobBlockParty?[] bobs, long[] finish, Accounting accounting,
        AuthenticationKeyPool poolAlice, long bytesExchanged, long channelMessages, double elapsedSeconds)
    {
        var reports = ImmutableArray.CreateBuilder<BlockReport>(blocks.Count);
        long inputBits = 0, deliveringInputBits = 0, leaked = 0, roundTrips = 0, secretTotal = 0, grossSecret = 0;
        int frameErrors = 0, reconciled = 0, efficiencyCount = 0;
        double efficiencySum = 0, epsCorMax = 0, epsAuth = 0;
        var reasons = new SortedDictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < blocks.Count; i++)
        {
            var a = alices[i];
            var b = bobs[i];
            var outcome = accounting.Outcomes[i];
            var n = a?.ReconciledBits ?? 0;
            var corrections = b?.Corrections ?? 0;
            var parities = a?.CascadeParityBits ?? 0;
            var qber = n > 0 ? (double)corrections / n : 0;
            var h = Entropy.Binary(qber);
            var f = n > 0 && h > 0 ? parities / (n * h) : double.NaN;
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
            else
            {
                var key = ReasonName(outcome);
                reasons[key] = reasons.GetValueOrDefault(key) + 1;
            }
            var secretBits = accounting.AliceKeys[i]?.Length ?? 0;
            secretTotal += secretBits;
            if (outcome == BlockOutcome.Secret)
            {
                grossSecret += a!.Secret?.Length ?? 0;
            }
            if (secretBits > 0 || (outcome == BlockOutcome.Secret && a!.Secret is { Length: > 0 }))
            {
                deliveringInputBits += blocks[i].Alice.Length;
            }
            inputBits += blocks[i].Alice.Length;
            var leakedBits = parities + (n > 0 ? ErrorVerification.TagBits : 0);
            leaked += leakedBits;
            var trips = (b?.CascadeRoundTrips ?? 0) + (n > 0 ? 2 : 0) + (a?.SampleBits > 0 ? 1 : 0);
            roundTrips += trips;
            epsCorMax = Math.Max(epsCorMax, a?.EpsilonCorrectness ?? 0);
            // Two tags per block, each forged with probability at most (d + 1) / 2^64 (TranscriptHash).
            epsAuth += 2 * PolynomialHash.CollisionBound(Math.Max(a?.TranscriptWords ?? 0, b?.TranscriptWords ?? 0));
            reports.Add(new BlockReport(i, outcome, blocks[i].Alice.Length, a?.SampleBits ?? 0, a?.QberEstimate ?? 0, n, corrections, qber,
                parities, leakedBits, f, trips, secretBits, a?.EpsilonCorrectness ?? 0, finish[i] / (double)TimeSpan.TicksPerSecond));
        }
        var makespan = 0.0;
        foreach (var r in reports)
        {
            makespan = Math.Max(makespan, r.SimulatedSeconds);
        }
        var aborted = 0;
        foreach (var count in reasons.Values)
        {
            aborted += count;
        }
        var report = new PostProcessingReport(options.MethodName, reports.MoveToImmutable(), inputBits, secretTotal, frameErrors,
            reconciled > 0 ? (double)frameErrors / reconciled : 0, efficiencyCount > 0 ? efficiencySum / efficiencyCount : double.NaN,
            leaked, roundTrips, channelMessages, bytesExchanged, poolAlice.SpentBits, accounting.Replenished,
            options.EpsilonSecrecy, epsCorMax, epsAuth, elapsedSeconds,
            elapsedSeconds > 0 ? deliveringInputBits / elapsedSeconds : double.PositiveInfinity,
            makespan, makespan > 0 ? inputBits / makespan : double.PositiveInfinity)
        {
            GrossSecretBits = grossSecret,
            AbortedBlocks = aborted,
            AbortReasons = reasons.ToImmutableSortedDictionary(StringComparer.Ordinal),
            AuthenticationKeyExhausted = reasons.ContainsKey(ReasonName(BlockOutcome.AuthenticationKeyExhausted)),
            AuthenticationKeyLeftBits = (long)poolAlice.PadsLeft * 64,
        };
        return new PostProcessingResult([.. accounting.AliceKeys], [.. accounting.BobKeys], report);
    }

    /// <summary>The JSON name of an abort reason: qberAboveThreshold, authenticationFailure, authenticationKeyExhausted, channelFailure, reconciliationDiverged.</summary>
    public static string ReasonName(BlockOutcome outcome)
    {
        var name = outcome.ToString();
        return char.ToLowerInvariant(name[0]) + name[1..];
    }
}
