using Qkd.Gateway.Sealing;
using Qkd.Gateway.Tests.Support;

namespace Qkd.Gateway.Tests.Sealing;

/// <summary>Seal/open in every mode: round trip, any flipped bit or wrong key fails, replays and stale epochs are refused.</summary>
public sealed class SealingRoundTripTests
{
    private const string Topic = "qkd/sealed/SAE_A/pac4200-1";
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly Lazy<MlKem768> Kem = new(MlKem768.Generate);

    public static TheoryData<SealingMode> Modes => [SealingMode.AesGcm, SealingMode.Otp, SealingMode.Hybrid, SealingMode.Ascon];

    private static MessageSealer Sealer(SealingMode mode, KeyRefreshPolicy? policy = null) =>
        new(mode, "SAE_A", "pac4200-1", policy, mode == SealingMode.Hybrid ? Kem.Value.EncapsulationKey : null, otpKeyBits: 2048);

    private static (MessageSealer Sealer, MessageOpener Opener, (Etsi.QkdKey, Etsi.QkdKey) Keys) Setup(SealingMode mode, ulong seed)
    {
        var sealer = Sealer(mode);
        var keys = TestKeys.Pair(seed, sealer.KeyRequestBits);
        sealer.Install(keys.Sender, T0);
        return (sealer, new MessageOpener(Kem.Value), keys);
    }

    private static byte[] Open(MessageOpener opener, byte[] message, Etsi.QkdKey receiverKey)
    {
        var outcome = opener.Open(Topic, message);
        if (outcome is OpenOutcome.NeedsKey need)
        {
            opener.Install(need.Header, receiverKey);
            outcome = opener.Open(Topic, message);
        }
        return Assert.IsType<OpenOutcome.Opened>(outcome).Plaintext;
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void SealThenOpen_ReturnsEveryMessageInOrder(SealingMode mode)
    {
        var (sealer, opener, (_, rx)) = Setup(mode, 11);
        var receiverKeys = new Dictionary<Guid, Etsi.QkdKey> { [rx.Id] = rx };
        for (var i = 0; i < 20; i++)
        {
            var plaintext = TestKeys.Bytes((ulong)(100 + i), 24);
            if (sealer.NeedsKey(T0, plaintext.Length))
            {
                var (tx, next) = TestKeys.Pair((ulong)(500 + i), sealer.KeyRequestBits);
                sealer.Install(tx, T0);
                receiverKeys[next.Id] = next;
            }
            var sealedMessage = sealer.Seal(plaintext, T0);
            Assert.False(sealedMessage.AsSpan().IndexOf(plaintext.AsSpan(0, 12)) >= 0, "plaintext visible in the sealed message");
            Assert.Equal(plaintext, Open(opener, sealedMessage, receiverKeys[SealedHeader.TryRead(sealedMessage, out _)!.KeyId]));
        }
        Assert.Equal(mode == SealingMode.Otp ? 20 / ((256 - EdgeAck.OtpReservedBytes) / 56) : 1, sealer.KeysInstalled);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void AnyFlippedBit_FailsToOpen_AndLeavesStateIntact(SealingMode mode)
    {
        var (sealer, opener, (_, rx)) = Setup(mode, 12);
        var first = sealer.Seal(TestKeys.Bytes(1, 24), T0);
        var header = SealedHeader.TryRead(first, out _)!;
        opener.Install(header, rx);
        for (var bit = 0; bit < first.Length * 8; bit++)
        {
            var flipped = (byte[])first.Clone();
            flipped[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.IsNotType<OpenOutcome.Opened>(opener.Open(Topic, flipped));
        }
        Assert.IsType<OpenOutcome.Opened>(opener.Open(Topic, first));
        var second = sealer.Seal(TestKeys.Bytes(2, 24), T0);
        Assert.IsType<OpenOutcome.Opened>(opener.Open(Topic, second));
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void WrongKey_FailsToOpen(SealingMode mode)
    {
        var (sealer, opener, (_, rx)) = Setup(mode, 13);
        var message = sealer.Seal(TestKeys.Bytes(3, 24), T0);
        var header = SealedHeader.TryRead(message, out _)!;
        var (_, other) = TestKeys.Pair(99, sealer.KeyRequestBits);
        opener.Install(header, new Etsi.QkdKey(header.KeyId, other.Material.ToArray()));
        var outcome = Assert.IsType<OpenOutcome.Rejected>(opener.Open(Topic, message));
        Assert.Equal(RejectReason.Forged, outcome.Reason);
        rx.Dispose();
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void Copy_OfAnAcceptedMessage_IsADuplicate_NeverOpenedTwice(SealingMode mode)
    {
        var (sealer, opener, (_, rx)) = Setup(mode, 14);
        var m0 = sealer.Seal(TestKeys.Bytes(4, 24), T0);
        var m1 = sealer.Seal(TestKeys.Bytes(5, 24), T0);
        Open(opener, m0, rx);
        Assert.IsType<OpenOutcome.Opened>(opener.Open(Topic, m1));
        Assert.IsType<OpenOutcome.Duplicate>(opener.Open(Topic, m1));
        Assert.IsType<OpenOutcome.Duplicate>(opener.Open(Topic, m0));
        // A copy with one bit changed is a forgery, not a duplicate.
        var bent = (byte[])m0.Clone();
        bent[^1] ^= 1;
        Assert.Equal(RejectReason.Forged, Assert.IsType<OpenOutcome.Rejected>(opener.Open(Topic, bent)).Reason);
    }

    [Theory]
    [InlineData(SealingMode.AesGcm)]
    [InlineData(SealingMode.Hybrid)]
    [InlineData(SealingMode.Ascon)]
    public void OutOfOrder_WithinTheWindow_Opens_OlderThanTheWindow_IsAReplay(SealingMode mode)
    {
        var (sealer, opener, (_, rx)) = Setup(mode, 15);
        var messages = Enumerable.Range(0, ReplayWindow.Size + 2).Select(i => sealer.Seal(TestKeys.Bytes((ulong)(6000 + i % 7), 24), T0)).ToList();
        Open(opener, messages[0], rx);
        Assert.IsType<OpenOutcome.Opened>(opener.Open(Topic, messages[3])); // 1 and 2 lost for now
        Assert.IsType<OpenOutcome.Opened>(opener.Open(Topic, messages[2])); // retransmitted later: still opens
        Assert.IsType<OpenOutcome.Duplicate>(opener.Open(Topic, messages[3]));
        Assert.IsType<OpenOutcome.Opened>(opener.Open(Topic, messages[^1])); // the window slides past 1
        Assert.Equal(RejectReason.Replay, Assert.IsType<OpenOutcome.Rejected>(opener.Open(Topic, messages[1])).Reason);
        Assert.IsType<OpenOutcome.Opened>(opener.Open(Topic, messages[^2]));
    }

    [Fact]
    public void EdgeAck_OfAnOpenedMessage_VerifiesUnderTheSendersEpochKey_AndNotUnderAnother()
    {
        foreach (var mode in new[] { SealingMode.AesGcm, SealingMode.Otp, SealingMode.Hybrid, SealingMode.Ascon })
        {
            var (sealer, opener, (_, rx)) = Setup(mode, 16);
            var m = sealer.Seal(TestKeys.Bytes(7, 24), T0);
            var header = SealedHeader.TryRead(m, out _)!;
            Open(opener, m, rx);
            var ack = opener.Acknowledgement(header)!;
            var ackTopic = EdgeAck.TopicOf("SAE_A", "pac4200-1");
            Assert.True(EdgeAck.Verify(ackTopic, ack, sealer.EpochAckKey));
            Assert.True(EdgeAck.TryRead(ack, out var keyId, out var sequence) && keyId == header.KeyId && sequence == header.Sequence);
            Assert.False(EdgeAck.Verify(EdgeAck.TopicOf("SAE_A", "pac4200-2"), ack, sealer.EpochAckKey));
            Assert.False(EdgeAck.Verify(ackTopic, ack, EdgeAck.DeriveKey(new byte[32], header.KeyId)));
        }
    }

    [Fact]
    public void AesGcm_RefreshesKeyAfterPolicyAge_AndOldEpochBecomesStale()
    {
        var sealer = Sealer(SealingMode.AesGcm, new KeyRefreshPolicy(TimeSpan.FromSeconds(30), 1000));
        var (tx1, rx1) = TestKeys.Pair(21, 256);
        var (tx2, rx2) = TestKeys.Pair(22, 256);
        sealer.Install(tx1, T0);
        var old = sealer.Seal(TestKeys.Bytes(6, 24), T0.AddSeconds(29));
        Assert.True(sealer.NeedsKey(T0.AddSeconds(30), 24));
        sealer.Install(tx2, T0.AddSeconds(30));
        var fresh = sealer.Seal(TestKeys.Bytes(7, 24), T0.AddSeconds(30));
        using var opener = new MessageOpener();
        Open(opener, old, rx1);
        Open(opener, fresh, rx2);
        Assert.Equal(RejectReason.StaleKey, Assert.IsType<OpenOutcome.Rejected>(opener.Open(Topic, old)).Reason);
    }

    [Fact]
    public void AesGcm_RefreshesKeyAfterNMessages()
    {
        var sealer = Sealer(SealingMode.AesGcm, new KeyRefreshPolicy(TimeSpan.FromHours(1), 3));
        sealer.Install(TestKeys.Pair(23, 256).Sender, T0);
        for (var i = 0; i < 3; i++)
        {
            Assert.False(sealer.NeedsKey(T0, 24));
            sealer.Seal(new byte[24], T0);
        }
        Assert.True(sealer.NeedsKey(T0, 24));
    }

    [Fact]
    public void Otp_ConsumesPadAndMacBitsPerMessage_AndRefusesWhenKeyRunsOut()
    {
        var sealer = Sealer(SealingMode.Otp);
        sealer.Install(TestKeys.Pair(24, 2048).Sender, T0);
        var perMessage = MessageSealer.OtpBytesPerMessage(24);
        var fits = (256 - EdgeAck.OtpReservedBytes) / perMessage;
        for (var i = 0; i < fits; i++)
        {
            sealer.Seal(new byte[24], T0);
        }
        Assert.Equal(fits * perMessage * 8L, sealer.KeyBitsConsumed);
        Assert.True(sealer.NeedsKey(T0, 24));
        Assert.Throws<InvalidOperationException>(() => sealer.Seal(new byte[24], T0));
    }

    [Fact]
    public void NoKey_SealThrowsInsteadOfSendingPlaintext()
    {
        foreach (var mode in new[] { SealingMode.AesGcm, SealingMode.Otp, SealingMode.Hybrid })
        {
            using var sealer = Sealer(mode);
            Assert.True(sealer.NeedsKey(T0, 24));
            Assert.Throws<InvalidOperationException>(() => sealer.Seal(new byte[24], T0));
        }
    }

    [Fact]
    public void Hybrid_FirstMessageCarriesKemCiphertext_LaterOnesDoNot_AndLosingItIsReported()
    {
        var (sealer, opener, (_, rx)) = Setup(SealingMode.Hybrid, 15);
        var m0 = sealer.Seal(new byte[24], T0);
        var m1 = sealer.Seal(new byte[24], T0);
        Assert.Equal(MlKem768.CiphertextLength, SealedHeader.TryRead(m0, out _)!.KemCiphertext!.Length);
        Assert.Null(SealedHeader.TryRead(m1, out _)!.KemCiphertext);
        Assert.Equal(RejectReason.MissingKemCiphertext, Assert.IsType<OpenOutcome.Rejected>(opener.Open(Topic, m1)).Reason);
        rx.Dispose();
    }

    [Fact]
    public void Hybrid_WrongMlKemKeyPair_FailsToOpenEvenWithTheRightQkdKey()
    {
        var (sealer, _, (_, rx)) = Setup(SealingMode.Hybrid, 16);
        var m0 = sealer.Seal(new byte[24], T0);
        using var stranger = new MessageOpener(MlKem768.Generate());
        stranger.Install(SealedHeader.TryRead(m0, out _)!, rx);
        Assert.Equal(RejectReason.Forged, Assert.IsType<OpenOutcome.Rejected>(stranger.Open(Topic, m0)).Reason);
    }

    [Fact]
    public void SteadyKeyDemand_MatchesSeed002AndTheOtpCount()
    {
        // Seed 002: one AES-256 key per 30 s per device -> 256/30 = 8.53 bit/s; 1.3 kbit/s then serves ~152 devices.
        var aes = MessageSealer.SteadyKeyDemandBitsPerSecond(SealingMode.AesGcm, 10, 24, KeyRefreshPolicy.Default, 8192);
        Assert.Equal(256.0 / 30, aes, 9);
        Assert.Equal(152, (int)(1300 / aes));
        // OTP, 24-byte samples at 10 Hz, 8192-bit keys: 17 messages of 56 bytes in the 992 pad bytes per key -> 10 * 8192 / 17 bit/s.
        Assert.Equal(10 * 8192 / 17.0, MessageSealer.SteadyKeyDemandBitsPerSecond(SealingMode.Otp, 10, 24, KeyRefreshPolicy.Default, 8192), 9);
        // N messages per key dominates when it is the faster trigger: 10 Hz, 5 per key -> 2 keys/s.
        Assert.Equal(512, MessageSealer.SteadyKeyDemandBitsPerSecond(SealingMode.Hybrid, 10, 24, new KeyRefreshPolicy(TimeSpan.FromSeconds(30), 5), 8192), 9);
    }
}
