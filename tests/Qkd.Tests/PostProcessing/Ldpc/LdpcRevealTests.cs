using System.Buffers.Binary;
using Qkd.Bits;
using Qkd.Classical;
using Qkd.PostProcessing;
using Qkd.PostProcessing.Ldpc;

namespace Qkd.Tests.PostProcessing.Ldpc;

/// <summary>
/// Symmetric blind reconciliation (<see cref="LdpcRevealOrder.LeastReliable"/>; Kiktenko et al., Phys. Rev. Applied 8,
/// 044017 (2017)): Bob names the bits his decoder is least sure of, Alice reveals her values there.
/// </summary>
public class LdpcRevealTests
{
    /// <summary>A first syndrome below what decodes, so blind rounds follow.</summary>
    private static readonly LdpcOptions Short = LdpcOptions.Default with { StartEfficiency = 0.95, StartEfficiencyAtHighQber = 0.95 };

    /// <summary>Deterministic secret randomness (tests only: the punctured fill must repeat between two runs).</summary>
    private sealed class Replayed(ulong seed) : ISecretRandom
    {
        private SimRandom _random = new(seed);

        public void Fill(Span<ulong> destination) => _random.Fill(destination);

        public void Fill(Span<byte> destination)
        {
            for (var i = 0; i < destination.Length; i++)
            {
                destination[i] = (byte)_random.NextUInt64();
            }
        }

        public ulong NextUInt64() => _random.NextUInt64();

        public ISecretRandom ForBlock(long block) => new Replayed(unchecked((seed * 0x9E3779B97F4A7C15UL) + (ulong)block + 1));
    }

    private static (BitString Alice, BitString Bob) Frame(ulong seed, int n, double q)
    {
        var random = SimRandom.ForStream(seed, 12);
        var alice = BitString.Random(n, ref random);
        var bob = alice.Clone();
        BinarySymmetricChannel.Apply(bob, q, ref random);
        return (alice, bob);
    }

    private static int[] Positions(byte[] request)
    {
        var positions = new int[BinaryPrimitives.ReadInt32LittleEndian(request.AsSpan(1))];
        Assert.Equal(5 + 4 * positions.Length, request.Length);
        for (var i = 0; i < positions.Length; i++)
        {
            positions[i] = BinaryPrimitives.ReadInt32LittleEndian(request.AsSpan(5 + 4 * i));
        }
        return positions;
    }

    [Fact]
    public void LeastReliable_PicksSmallestMagnitudes_SkipsKnownBits_TiesToLowerPosition()
    {
        short[] beliefs = [5, -1, 0, 3, -3, 7, 1];
        byte[] known = [0, 0, 1, 0, 0, 0, 0];
        var positions = new int[3];
        Assert.Equal(3, LdpcReliability.LeastReliable(beliefs, known, positions));
        Assert.Equal([1, 3, 6], positions);
    }

    [Fact]
    public void RevealRequest_DependsOnlyOnTheErrorPattern()
    {
        // Bob decodes e = x XOR y from the error syndrome, so the positions he names are the same for (x, y) and
        // (x XOR c, y XOR c) with any c: they carry nothing about the key beyond the errors (the leak argument).
        const int n = 20_000;
        var (alice, bob) = Frame(7, n, 0.03);
        var random = new SimRandom(8);
        var c = BitString.Random(n, ref random);
        var alice2 = alice.Clone();
        var bob2 = bob.Clone();
        for (var i = 0; i < n; i++)
        {
            alice2[i] ^= c[i];
            bob2[i] ^= c[i];
        }
        var request = new LdpcBob(Short, 0.03, bob).Receive(new LdpcAlice(Short, 0.03, alice, new Replayed(9)).Start());
        var request2 = new LdpcBob(Short, 0.03, bob2).Receive(new LdpcAlice(Short, 0.03, alice2, new Replayed(9)).Start());
        Assert.Equal(0, request[0]);
        Assert.True(Positions(request).Length > 0);
        Assert.Equal(request, request2);
    }

    [Fact]
    public void Reconcile_LeakIsSyndromeMinusPuncturedPlusOneBitPerRevealedValue_PositionsCostNothing()
    {
        const int n = 20_000;
        var (alice, bob) = Frame(11, n, 0.03);
        var a = new LdpcAlice(Short, 0.03, alice, new Replayed(0x51));
        var b = new LdpcBob(Short, 0.03, bob);
        var message = a.Start();
        var plan = a.Plan!;
        var shortened = new HashSet<int>(plan.ShortenedPositions);
        var requested = new HashSet<int>();
        var revealed = 0L;
        var round = 0;
        while (true)
        {
            var status = b.Receive(message);
            var reply = a.Respond(status);
            if (reply is null)
            {
                break;
            }
            var positions = Positions(status);
            // Bob sizes the request by his unsatisfied checks: at least the minimum, at most the round's size.
            var cap = plan.RevealInRound(round++);
            Assert.InRange(positions.Length, Math.Min(Short.MinimumRevealBits, cap), cap);
            Assert.Equal(positions.Length, BinaryPrimitives.ReadInt32LittleEndian(reply.AsSpan(1)));
            foreach (var v in positions)
            {
                Assert.DoesNotContain(v, shortened);
                Assert.True(requested.Add(v), $"position {v} requested twice");
            }
            Assert.Equal(2, reply[0]);
            revealed += BinaryPrimitives.ReadInt32LittleEndian(reply.AsSpan(1));
            message = reply;
        }
        Assert.True(b.Attempts > 1, "the first syndrome decoded: no reveal to count");
        Assert.False(a.Failed);
        Assert.Equal(alice, bob);
        Assert.Equal(requested.Count, revealed);
        Assert.Equal(plan.InitialLeakBits + revealed, a.LeakedBits);
        Assert.Equal(a.LeakedBits, b.LeakedBits);
    }

    [Fact]
    public void RevealRequest_FrameNearDecoding_AsksForFewerValuesThanTheRoundsSize()
    {
        // Bob asks for ceil(0.03 x unsatisfied checks) values (at least 8, at most the round's size): a frame that
        // stalls with few unsatisfied checks pays for a few bits instead of the whole round.
        const int n = 20_000;
        var smaller = 0;
        for (var i = 0UL; i < 6 && smaller == 0; i++)
        {
            var (alice, bob) = Frame(300 + i, n, 0.02);
            var a = new LdpcAlice(LdpcOptions.Default, 0.02, alice, new Replayed(300 + i));
            var b = new LdpcBob(LdpcOptions.Default, 0.02, bob);
            var message = a.Start();
            for (var round = 0; message is not null; round++)
            {
                var status = b.Receive(message);
                if (status[0] == 0 && status.Length > 1)
                {
                    var positions = Positions(status);
                    Assert.InRange(positions.Length, LdpcOptions.Default.MinimumRevealBits, a.Plan!.RevealInRound(round));
                    smaller += positions.Length < a.Plan.RevealInRound(round) ? 1 : 0;
                }
                message = a.Respond(status);
            }
            Assert.Equal(alice, bob);
        }
        Assert.True(smaller > 0, "every request asked for the round's full size");
    }

    /// <summary>Both parties in process with a replayed punctured fill, so both orders see the same frame.</summary>
    private static (bool Decoded, long LeakedBits, int Attempts) Reconcile(LdpcOptions options, double q, BitString alice, BitString bob, ulong seed)
    {
        var a = new LdpcAlice(options, q, alice, new Replayed(seed));
        var b = new LdpcBob(options, q, bob);
        for (var message = a.Start(); message is not null; message = a.Respond(b.Receive(message)))
        {
        }
        return (!a.Failed, a.LeakedBits, b.Attempts);
    }

    [Fact]
    public void LeastReliable_DecodesFramesTheFixedOrderCannot_AtEqualLeak()
    {
        // The same plan and the same four blind rounds in both orders, so the same leak budget M - p + 4 d (a frame
        // that fails leaks exactly that in both); the first attempt is the same decoding in both. Of the frames that
        // need the rounds, the least reliable bits decode frames the fixed order (punctured, then key bits) cannot
        // (10 of 12 against 6 of 12 when written; with no punctured reserve the fixed order decodes none).
        const int n = 20_000;
        const double q = 0.05;
        // The punctured reserve of the fixed order's own schedule (0.15), so its reveals start with punctured bits.
        // Rounds of the full size (RevealPerUnsatisfiedCheck 0), so both orders have the same budget.
        var options = LdpcOptions.Default with
        {
            StartEfficiency = 1.0, StartEfficiencyAtHighQber = 1.0, BlindRounds = 4, RevealEfficiencyStep = 0.02, RevealGrowthRounds = 0, PunctureReserve = 0.15,
            RevealPerUnsatisfiedCheck = 0,
        };
        var plan = LdpcFramePlan.Choose(n, q, options);
        var budget = plan.InitialLeakBits + 4L * plan.RevealPerRound;
        int fixedDecoded = 0, leastDecoded = 0, onlyLeast = 0, needed = 0;
        for (var i = 0UL; i < 12; i++)
        {
            var (alice, bob) = Frame(100 + i, n, q);
            var bobFixed = bob.Clone();
            var fixedOrder = Reconcile(options with { RevealOrder = LdpcRevealOrder.Fixed }, q, alice, bobFixed, i);
            var least = Reconcile(options, q, alice, bob, i);
            Assert.InRange(least.LeakedBits, plan.InitialLeakBits, budget);
            Assert.InRange(fixedOrder.LeakedBits, plan.InitialLeakBits, budget);
            if (least.Attempts == 1)
            {
                Assert.Equal(1, fixedOrder.Attempts);
                continue;
            }
            needed++;
            var fixedOk = fixedOrder.Decoded && alice.Equals(bobFixed);
            var leastOk = least.Decoded && alice.Equals(bob);
            Assert.Equal(budget, fixedOk ? budget : fixedOrder.LeakedBits);
            Assert.Equal(budget, leastOk ? budget : least.LeakedBits);
            fixedDecoded += fixedOk ? 1 : 0;
            leastDecoded += leastOk ? 1 : 0;
            onlyLeast += leastOk && !fixedOk ? 1 : 0;
        }
        Assert.True(needed >= 8, $"only {needed} of 12 frames needed the blind rounds");
        Assert.True(onlyLeast >= 2 && leastDecoded > fixedDecoded,
            $"least reliable decoded {leastDecoded} of {needed} ({onlyLeast} the fixed order could not), fixed order {fixedDecoded}");
    }

    public static TheoryData<string> Malformations() => new() { "descending", "repeated", "shortened", "outside", "count", "empty", "oversized" };

    [Theory]
    [MemberData(nameof(Malformations))]
    public void TamperedRevealRequest_Malformed_AliceRefuses(string malformation)
    {
        // The pipeline turns the exception into an aborted block (no key), like any malformed message.
        const int n = 20_000;
        var (alice, bob) = Frame(21, n, 0.03);
        var a = new LdpcAlice(Short, 0.03, alice, new Replayed(0x51));
        var request = new LdpcBob(Short, 0.03, bob).Receive(a.Start());
        var positions = Positions(request);
        Assert.True(positions.Length >= 2);
        var plan = a.Plan!;
        void Write(int index, int value) => BinaryPrimitives.WriteInt32LittleEndian(request.AsSpan(5 + 4 * index), value);
        switch (malformation)
        {
            case "descending":
                Write(0, positions[1]);
                Write(1, positions[0]);
                break;
            case "repeated":
                Write(1, positions[0]);
                break;
            case "shortened":
                var s = plan.ShortenedPositions.Where(v => v > positions[^2] && (positions.Length < 2 || v != positions[^1])).Min();
                Write(positions.Length - 1, s);
                break;
            case "outside":
                Write(positions.Length - 1, plan.Code.Length);
                break;
            case "empty":
                request = request[..5];
                BinaryPrimitives.WriteInt32LittleEndian(request.AsSpan(1), 0);
                break;
            case "oversized":
                // One more valid position than the round allows.
                var cap = plan.RevealInRound(0);
                request = new byte[5 + 4 * (cap + 1)];
                BinaryPrimitives.WriteInt32LittleEndian(request.AsSpan(1), cap + 1);
                for (var i = 0; i <= cap; i++)
                {
                    Write(i, plan.KeyPositions[i]);
                }
                break;
            default:
                BinaryPrimitives.WriteInt32LittleEndian(request.AsSpan(1), positions.Length - 1);
                break;
        }
        Assert.ThrowsAny<ArgumentException>(() => a.Respond(request));
    }

    /// <summary>Eve on Bob's end: moves the last position of the first reveal request she sees by one (same length).</summary>
    private sealed class ShiftsAPosition(IClassicalChannel inner) : IClassicalChannel
    {
        public int? Block { get; private set; }

        public Party Self => inner.Self;

        public ClassicalTraffic Traffic => inner.Traffic;

        public ValueTask SendAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken = default)
        {
            var bytes = message.ToArray();
            // PartyLoop's layout: 16-byte header (frame count at 12), then per frame block, seq, length (int32 each), payload.
            var offset = 16;
            for (var f = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(12)); f > 0 && Block is null; f--)
            {
                var length = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(offset + 8));
                var payload = bytes.AsSpan(offset + 12, Math.Max(0, length));
                if (length >= 9 && payload[0] == 0 && length == 5 + 4 * BinaryPrimitives.ReadInt32LittleEndian(payload[1..]))
                {
                    var last = payload[(length - 4)..];
                    BinaryPrimitives.WriteInt32LittleEndian(last, BinaryPrimitives.ReadInt32LittleEndian(last) + 1);
                    Block = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(offset));
                }
                offset += 12 + Math.Max(0, length);
            }
            return inner.SendAsync(bytes, cancellationToken);
        }

        public ValueTask<byte[]> ReceiveAsync(CancellationToken cancellationToken = default) => inner.ReceiveAsync(cancellationToken);
    }

    [Fact]
    public async Task TamperedRevealRequest_BlockAbortsWithNoKey_OtherBlockDelivers()
    {
        var blocks = BinarySymmetricChannel.Blocks(20_000, 0.03, 2, 5);
        var (a, b) = InMemoryClassicalChannel.CreatePair();
        var eve = new ShiftsAPosition(b);
        var options = new PostProcessingOptions
        {
            Ldpc = Short, MaxBlocksInFlight = 2, ReceiveTimeout = TimeSpan.FromSeconds(5), ReplenishAuthenticationKey = false,
        };
        var random = new SimRandom(5);
        var result = await PostProcessingPipeline.RunAsync(blocks, options, a, eve, BitString.Random(1 << 14, ref random), TimeProvider.System);
        Assert.NotNull(eve.Block);
        var report = result.Report;
        Assert.False(report.AbortReasons.ContainsKey("channelFailure"), "the tampered block stalled instead of aborting");
        for (var i = 0; i < report.Blocks.Length; i++)
        {
            if (i == eve.Block)
            {
                Assert.NotEqual(BlockOutcome.Secret, report.Blocks[i].Outcome);
                Assert.Null(result.AliceKeys[i]);
                Assert.Null(result.BobKeys[i]);
            }
            else
            {
                Assert.Equal(BlockOutcome.Secret, report.Blocks[i].Outcome);
                Assert.Equal(result.AliceKeys[i], result.BobKeys[i]);
            }
        }
    }
}
