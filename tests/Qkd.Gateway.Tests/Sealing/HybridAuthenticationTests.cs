using System.Buffers.Binary;
using System.Security.Cryptography;
using Qkd.Gateway.Etsi;
using Qkd.Gateway.Sealing;
using Qkd.Gateway.Tests.Support;

namespace Qkd.Gateway.Tests.Sealing;

/// <summary>
/// Issue 13, "Gateway on a hostile network": hybrid integrity does not rest on the QKD key alone, modes are pinned per
/// sender, unknown senders are refused, the topic is authenticated, OTP offsets are contiguous.
/// </summary>
public sealed class HybridAuthenticationTests
{
    private const string Topic = "qkd/sealed/SAE_A/pac4200-1";
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly Lazy<MlKem768> Kem = new(MlKem768.Generate);
    private static readonly Lazy<MlDsa65> SenderKey = new(MlDsa65.Generate);

    private static MessageOpener PinnedOpener(SealingMode mode) =>
        new(new ReceiverPolicy([new SenderTrust("SAE_A", mode, mode == SealingMode.Hybrid ? SenderKey.Value.PublicKey : null)]), Kem.Value);

    private static MessageSealer HybridSealer(MlDsa65? signer) =>
        new(SealingMode.Hybrid, "SAE_A", "pac4200-1", KeyRefreshPolicy.Default, Kem.Value.EncapsulationKey, signer: signer);

    private static OpenOutcome OpenWithKey(MessageOpener opener, string topic, byte[] message, QkdKey key)
    {
        var outcome = opener.Open(topic, message);
        if (outcome is OpenOutcome.NeedsKey need)
        {
            opener.Install(need.Header, key);
            outcome = opener.Open(topic, message);
        }
        return outcome;
    }

    [Fact]
    public void Hybrid_SignedBySender_Opens()
    {
        var (tx, rx) = TestKeys.Pair(41, 256);
        using var sealer = HybridSealer(SenderKey.Value);
        sealer.Install(tx, T0);
        using var opener = PinnedOpener(SealingMode.Hybrid);
        var m0 = sealer.Seal(TestKeys.Bytes(1, 24), T0);
        Assert.Equal(MlDsa65.SignatureLength, SealedHeader.TryRead(m0, out _)!.KemSignature!.Length);
        Assert.Equal(TestKeys.Bytes(1, 24), Assert.IsType<OpenOutcome.Opened>(OpenWithKey(opener, Topic, m0, rx)).Plaintext);
        Assert.IsType<OpenOutcome.Opened>(opener.Open(Topic, sealer.Seal(TestKeys.Bytes(2, 24), T0)));
    }

    /// <summary>
    /// A trusted relay knows K_qkd. Without the signature it could encapsulate to the receiver itself, derive the session
    /// key and have any message accepted (the unpinned opener shows it); the pinned receiver refuses the epoch.
    /// </summary>
    [Fact]
    public void Hybrid_RelayKnowingTheQkdKey_CannotStartAnEpochUnderItsOwnEncapsulation()
    {
        var (relayCopy, rx) = TestKeys.Pair(42, 256);
        var (_, rxAgain) = TestKeys.Pair(42, 256);
        using var relay = HybridSealer(signer: null);
        relay.Install(relayCopy, T0);
        var forged = relay.Seal(TestKeys.Bytes(3, 24), T0);

        using var unpinned = new MessageOpener(Kem.Value);
        Assert.IsType<OpenOutcome.Opened>(OpenWithKey(unpinned, Topic, forged, rx));

        using var pinned = PinnedOpener(SealingMode.Hybrid);
        Assert.Equal(RejectReason.BadSignature, Assert.IsType<OpenOutcome.Rejected>(pinned.Open(Topic, forged)).Reason);

        // Signing with a key of its own does not help either.
        using var relaySigned = HybridSealer(MlDsa65.Generate());
        var (relayCopy2, _) = TestKeys.Pair(42, 256);
        relaySigned.Install(relayCopy2, T0);
        Assert.Equal(RejectReason.BadSignature, Assert.IsType<OpenOutcome.Rejected>(pinned.Open(Topic, relaySigned.Seal(TestKeys.Bytes(3, 24), T0))).Reason);
        rxAgain.Dispose();
    }

    [Fact]
    public void Hybrid_SignatureOfAnotherEpoch_DoesNotVerify()
    {
        using var sealer = HybridSealer(SenderKey.Value);
        sealer.Install(TestKeys.Pair(43, 256).Sender, T0);
        var genuine = sealer.Seal(TestKeys.Bytes(4, 24), T0);
        var h = SealedHeader.TryRead(genuine, out _)!;
        // Same ciphertext and signature, claimed for another key ID (the statement binds the key ID).
        var moved = (byte[])genuine.Clone();
        new Guid(TestKeys.Bytes(99, 16)).TryWriteBytes(moved.AsSpan(5, 16), bigEndian: true, out _);
        using var opener = PinnedOpener(SealingMode.Hybrid);
        Assert.NotEqual(h.KeyId, SealedHeader.TryRead(moved, out _)!.KeyId);
        Assert.Equal(RejectReason.BadSignature, Assert.IsType<OpenOutcome.Rejected>(opener.Open(Topic, moved)).Reason);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(MlKem768.CiphertextLength - 1)]
    [InlineData(MlKem768.CiphertextLength + 1)]
    public void Hybrid_KemCiphertextOfWrongLength_IsMalformed_NeverDecapsulatedToASecret(int length)
    {
        using var sealer = HybridSealer(SenderKey.Value);
        sealer.Install(TestKeys.Pair(44, 256).Sender, T0);
        var genuine = sealer.Seal(TestKeys.Bytes(5, 24), T0);
        var kemAt = SealedHeader.FixedLength + "SAE_A".Length + "pac4200-1".Length;
        var rest = genuine.AsSpan(kemAt + 2 + MlKem768.CiphertextLength);
        var forged = new byte[kemAt + 2 + length + rest.Length];
        genuine.AsSpan(0, kemAt).CopyTo(forged);
        BinaryPrimitives.WriteUInt16BigEndian(forged.AsSpan(kemAt), (ushort)length);
        rest.CopyTo(forged.AsSpan(kemAt + 2 + length));
        Assert.Null(SealedHeader.TryRead(forged, out _));
        using var opener = new MessageOpener(Kem.Value);
        Assert.Equal(RejectReason.Malformed, Assert.IsType<OpenOutcome.Rejected>(opener.Open(Topic, forged)).Reason);
    }

    [Fact]
    public void ModeOtherThanPinned_IsRefusedBeforeAnyKeyIsAskedFor()
    {
        using var downgrade = new MessageSealer(SealingMode.AesGcm, "SAE_A", "pac4200-1");
        downgrade.Install(TestKeys.Pair(45, 256).Sender, T0);
        using var opener = PinnedOpener(SealingMode.Hybrid);
        Assert.Equal(RejectReason.ModeNotAllowed, Assert.IsType<OpenOutcome.Rejected>(opener.Open(Topic, downgrade.Seal(TestKeys.Bytes(6, 24), T0))).Reason);
    }

    [Fact]
    public void UnknownSender_IsRefusedBeforeAnyKeyIsAskedFor()
    {
        using var stranger = new MessageSealer(SealingMode.AesGcm, "SAE_X", "pac4200-1");
        stranger.Install(TestKeys.Pair(46, 256).Sender, T0);
        using var opener = PinnedOpener(SealingMode.AesGcm);
        Assert.Equal(RejectReason.UnknownSender,
            Assert.IsType<OpenOutcome.Rejected>(opener.Open("qkd/sealed/SAE_X/pac4200-1", stranger.Seal(TestKeys.Bytes(7, 24), T0))).Reason);
    }

    [Fact]
    public void TopicIsAuthenticated_MessageOnAnotherTopic_IsRefused_AndTheTagCoversTheTopic()
    {
        var (tx, rx) = TestKeys.Pair(47, 256);
        var keyBytes = rx.Material.ToArray();
        using var sealer = new MessageSealer(SealingMode.AesGcm, "SAE_A", "pac4200-1");
        sealer.Install(tx, T0);
        var m = sealer.Seal(TestKeys.Bytes(8, 24), T0);
        using var opener = PinnedOpener(SealingMode.AesGcm);
        Assert.Equal(RejectReason.WrongTopic, Assert.IsType<OpenOutcome.Rejected>(opener.Open("qkd/sealed/SAE_A/pac4200-2", m)).Reason);

        SealedHeader.TryRead(m, out var headerLength);
        var body = m.AsSpan(headerLength, 24).ToArray();
        var tag = m.AsSpan(headerLength + 24).ToArray();
        var nonce = m.AsSpan(33, 12).ToArray();
        var headerOnly = m.AsSpan(0, headerLength).ToArray();
        var plain = new byte[24];
        using var aes = new AesGcm(keyBytes, 16);
        Assert.Throws<AuthenticationTagMismatchException>(() => aes.Decrypt(nonce, body, tag, plain, headerOnly));
        aes.Decrypt(nonce, body, tag, plain, StreamTopic.AssociatedData(Topic, headerOnly));
        Assert.Equal(TestKeys.Bytes(8, 24), plain);
        rx.Dispose();
    }

    [Fact]
    public void Otp_OffsetsMustContinueExactlyWhereTheLastAcceptedMessageEnded()
    {
        var (tx, rx) = TestKeys.Pair(48, 2048);
        using var sealer = new MessageSealer(SealingMode.Otp, "SAE_A", "pac4200-1", otpKeyBits: 2048);
        sealer.Install(tx, T0);
        var m0 = sealer.Seal(TestKeys.Bytes(9, 8), T0);
        var m1 = sealer.Seal(TestKeys.Bytes(10, 8), T0);
        var m2 = sealer.Seal(TestKeys.Bytes(11, 8), T0);
        using var opener = PinnedOpener(SealingMode.Otp);
        Assert.Equal(RejectReason.OffsetGap, Assert.IsType<OpenOutcome.Rejected>(OpenWithKey(opener, Topic, m1, rx)).Reason);
        Assert.IsType<OpenOutcome.Opened>(opener.Open(Topic, m0));
        Assert.Equal(RejectReason.OffsetGap, Assert.IsType<OpenOutcome.Rejected>(opener.Open(Topic, m2)).Reason);
        Assert.IsType<OpenOutcome.Opened>(opener.Open(Topic, m1));
        Assert.IsType<OpenOutcome.Opened>(opener.Open(Topic, m2));
        Assert.IsType<OpenOutcome.Duplicate>(opener.Open(Topic, m1)); // an authentic copy: acknowledged again, never opened twice
    }

    [Fact]
    public void SenderTrust_HybridWithoutPublicKey_IsAConfigurationError()
    {
        Assert.Throws<ArgumentException>(() => new SenderTrust("SAE_A", SealingMode.Hybrid));
        Assert.Throws<ArgumentException>(() => new SenderTrust("SAE_A", SealingMode.Hybrid, new byte[10]));
        Assert.Throws<ArgumentException>(() => new ReceiverPolicy([new SenderTrust("SAE_A", SealingMode.Otp), new SenderTrust("SAE_A", SealingMode.AesGcm)]));
    }

    [Fact]
    public void MlDsa65_SeedRoundTrip_SignsWithTheSameKey()
    {
        var key = SenderKey.Value;
        var again = MlDsa65.FromSeed(key.ExportSeed());
        Assert.Equal(key.PublicKey, again.PublicKey);
        var sig = again.Sign("ctx"u8, "message"u8);
        Assert.True(MlDsa65.Verify(key.PublicKey, "ctx"u8, "message"u8, sig));
        Assert.False(MlDsa65.Verify(key.PublicKey, "other"u8, "message"u8, sig));
        Assert.False(MlDsa65.Verify(key.PublicKey, "ctx"u8, "massage"u8, sig));
    }
}
