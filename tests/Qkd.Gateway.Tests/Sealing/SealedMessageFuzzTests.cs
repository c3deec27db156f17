using FsCheck.Xunit;
using Qkd.Gateway.Etsi;
using Qkd.Gateway.Sealing;
using Qkd.Gateway.Tests.Support;

namespace Qkd.Gateway.Tests.Sealing;

/// <summary>
/// Issue 13, "Fuzzing": random and mutated inputs to the sealed-message parser and opener never throw and never
/// deliver a plaintext that was not sealed as such. Inputs per property are MaxTest (FsCheck); the total is in
/// docs/gateway.md ("How it is tested").
/// </summary>
public sealed class SealedMessageFuzzTests
{
    private const string Topic = "qkd/sealed/SAE_A/pac4200-1";
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly Lazy<MlKem768> Kem = new(MlKem768.Generate);
    private static readonly Lazy<MlDsa65> Signer = new(MlDsa65.Generate);

    /// <summary>Genuine messages of every mode (first and second of an epoch) and the receiver keys that open them.</summary>
    private static readonly Lazy<(SealingMode Mode, byte[] Message, byte[] Plaintext, byte[] Key, Guid KeyId)[]> Corpus = new(() =>
    {
        var list = new List<(SealingMode, byte[], byte[], byte[], Guid)>();
        foreach (var mode in new[] { SealingMode.AesGcm, SealingMode.Otp, SealingMode.Hybrid })
        {
            using var sealer = new MessageSealer(mode, "SAE_A", "pac4200-1", KeyRefreshPolicy.Default, Kem.Value.EncapsulationKey, 2048, Signer.Value);
            var (tx, rx) = TestKeys.Pair((ulong)mode + 70, sealer.KeyRequestBits);
            sealer.Install(tx, T0);
            for (var i = 0; i < 2; i++)
            {
                var plaintext = TestKeys.Bytes((ulong)(200 + i + 10 * (int)mode), 24);
                list.Add((mode, sealer.Seal(plaintext, T0), plaintext, rx.Material.ToArray(), rx.Id));
            }
            rx.Dispose();
        }
        return [.. list];
    });

    private static MessageOpener Opener(SealingMode mode) =>
        new(new ReceiverPolicy([new SenderTrust("SAE_A", mode, mode == SealingMode.Hybrid ? Signer.Value.PublicKey : null)]), Kem.Value);

    /// <summary>Opens like the slave gateway does: fetch the key on NeedsKey (here: the genuine key if the ID matches, else refuse).</summary>
    private static OpenOutcome OpenLikeTheGateway(MessageOpener opener, string topic, byte[] message, byte[] key, Guid keyId)
    {
        var outcome = opener.Open(topic, message);
        if (outcome is OpenOutcome.NeedsKey need)
        {
            if (need.Header.KeyId != keyId)
            {
                return new OpenOutcome.Rejected(RejectReason.KeyUnavailable, need.Header);
            }
            opener.Install(need.Header, new QkdKey(keyId, (byte[])key.Clone()));
            outcome = opener.Open(topic, message);
        }
        return outcome;
    }

    [Property(MaxTest = 5000, Replay = "(11,13)")]
    public bool RandomBytes_NeverOpen_NeverThrow(byte[] input, byte mode)
    {
        var m = (SealingMode)(1 + mode % 3);
        using var opener = Opener(m);
        var buffer = input ?? [];
        if (buffer.Length > 2 && mode % 2 == 0)
        {
            buffer[0] = SealedHeader.CurrentVersion; // get past the version byte half of the time
        }
        var genuine = Corpus.Value.First(c => c.Mode == m);
        return OpenLikeTheGateway(opener, Topic, buffer, genuine.Key, genuine.KeyId) is not OpenOutcome.Opened;
    }

    /// <summary>
    /// A genuine message with one to four bytes changed, cut or extended, or moved to another topic, opened by a fresh
    /// receiver that holds the genuine key: it never throws, and opens only if it is byte-for-byte the genuine message
    /// on the genuine topic, with the genuine plaintext.
    /// </summary>
    [Property(MaxTest = 20000, Replay = "(17,19)")]
    public bool MutatedGenuineMessage_OpensOnlyUnchanged(byte pick, int[] positions, byte[] values, sbyte resize, bool otherTopic)
    {
        var corpus = Corpus.Value;
        var (mode, genuine, plaintext, key, keyId) = corpus[pick % corpus.Length];
        var mutated = (byte[])genuine.Clone();
        var ps = positions ?? [];
        var vs = values ?? [];
        for (var i = 0; i < Math.Min(4, Math.Min(ps.Length, vs.Length)); i++)
        {
            mutated[(int)((uint)ps[i] % (uint)mutated.Length)] ^= vs[i];
        }
        if (resize < 0)
        {
            mutated = mutated[..Math.Max(0, mutated.Length + resize)];
        }
        else if (resize > 100)
        {
            mutated = [.. mutated, .. new byte[resize - 100]];
        }
        var topic = otherTopic ? "qkd/sealed/SAE_A/pac4200-2" : Topic;
        using var opener = Opener(mode);
        // The second message of an epoch needs the first one to have set the epoch up (hybrid: the KEM ciphertext).
        var first = corpus.First(c => c.Mode == mode);
        if (!ReferenceEquals(first.Message, genuine))
        {
            Assert.IsType<OpenOutcome.Opened>(OpenLikeTheGateway(opener, Topic, first.Message, key, keyId));
        }
        var outcome = OpenLikeTheGateway(opener, topic, mutated, key, keyId);
        var unchanged = !otherTopic && mutated.AsSpan().SequenceEqual(genuine);
        return outcome is OpenOutcome.Opened o ? unchanged && o.Plaintext.AsSpan().SequenceEqual(plaintext) : !unchanged;
    }

    [Property(MaxTest = 5000, Replay = "(23,29)")]
    public bool HeaderParser_NeverThrows_AndWhatItAcceptsWritesBackIdentically(byte[] input)
    {
        var buffer = input ?? [];
        if (buffer.Length > 0)
        {
            buffer[0] = SealedHeader.CurrentVersion;
        }
        var h = SealedHeader.TryRead(buffer, out var length);
        if (h is null)
        {
            return true;
        }
        var back = new byte[h.Length];
        h.Write(back);
        return length == h.Length && buffer.AsSpan(0, length).SequenceEqual(back);
    }
}
