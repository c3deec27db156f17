using System.Security.Cryptography;
using Qkd.Gateway.Sealing;
using Qkd.Gateway.Tests.Support;

namespace Qkd.Gateway.Tests.Sealing;

/// <summary>
/// Ascon-AEAD128 against the published known-answer vectors (../shared/data/ascon-aead128-kat.txt, NIST SP 800-232,
/// the Ascon designers' LWC_AEAD_KAT_128_128 file, read at test time) and the `ascon` sealing mode's own rules.
/// </summary>
public sealed class AsconTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private sealed record Vector(int Count, byte[] Key, byte[] Nonce, byte[] Plaintext, byte[] AssociatedData, byte[] Ciphertext);

    private static string KatPath()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "qkd.slnx")))
            {
                return Path.Combine(dir.FullName, "..", "shared", "data", "ascon-aead128-kat.txt");
            }
        }
        throw new FileNotFoundException("The repository root (qkd.slnx) was not found above the test binaries.");
    }

    private static List<Vector> Vectors()
    {
        var vectors = new List<Vector>();
        var fields = new Dictionary<string, string>();
        foreach (var raw in File.ReadLines(KatPath()).Append(""))
        {
            var line = raw.Trim();
            if (line.Length == 0)
            {
                if (fields.Count > 0)
                {
                    vectors.Add(new Vector(int.Parse(fields["Count"], System.Globalization.CultureInfo.InvariantCulture), Convert.FromHexString(fields["Key"]),
                        Convert.FromHexString(fields["Nonce"]), Convert.FromHexString(fields["PT"]), Convert.FromHexString(fields["AD"]), Convert.FromHexString(fields["CT"])));
                    fields.Clear();
                }
                continue;
            }
            var eq = line.IndexOf('=', StringComparison.Ordinal);
            fields[line[..eq].Trim()] = line[(eq + 1)..].Trim();
        }
        return vectors;
    }

    [Fact]
    public void AsconCipher_MatchesEveryPublishedKnownAnswerVector()
    {
        var vectors = Vectors();
        Assert.Equal(1089, vectors.Count);
        foreach (var v in vectors)
        {
            using var cipher = new AsconCipher(v.Key);
            var ciphertext = new byte[v.Plaintext.Length];
            var tag = new byte[AsconCipher.TagLength];
            cipher.Encrypt(v.Nonce, v.Plaintext, ciphertext, tag, v.AssociatedData);
            Assert.True(v.Ciphertext.AsSpan().SequenceEqual([.. ciphertext, .. tag]), $"KAT Count = {v.Count}: ciphertext || tag differs");
            var back = new byte[v.Plaintext.Length];
            cipher.Decrypt(v.Nonce, ciphertext, tag, back, v.AssociatedData);
            Assert.Equal(v.Plaintext, back);
        }
    }

    [Fact]
    public void AsconCipher_FlippedTagBit_ThrowsTagMismatch()
    {
        var v = Vectors()[600];
        using var cipher = new AsconCipher(v.Key);
        var ct = v.Ciphertext[..^AsconCipher.TagLength];
        var tag = v.Ciphertext[^AsconCipher.TagLength..];
        tag[3] ^= 0x10;
        Assert.Throws<AuthenticationTagMismatchException>(() => cipher.Decrypt(v.Nonce, ct, tag, new byte[ct.Length], v.AssociatedData));
    }

    [Fact]
    public void AsconMode_RefreshesKeyAfterPolicyAge_AndOldEpochBecomesStale()
    {
        using var sealer = new MessageSealer(SealingMode.Ascon, "SAE_A", "pac4200-1", new KeyRefreshPolicy(TimeSpan.FromSeconds(30), 1000));
        Assert.Equal(256, sealer.KeyRequestBits);
        var (tx1, rx1) = TestKeys.Pair(71, 256);
        var (tx2, rx2) = TestKeys.Pair(72, 256);
        sealer.Install(tx1, T0);
        var old = sealer.Seal(TestKeys.Bytes(8, 100), T0.AddSeconds(29));
        Assert.True(sealer.NeedsKey(T0.AddSeconds(30), 100));
        sealer.Install(tx2, T0.AddSeconds(30));
        var fresh = sealer.Seal(TestKeys.Bytes(9, 100), T0.AddSeconds(30));
        using var opener = new MessageOpener();
        Assert.Equal(SealingMode.Ascon, Install(opener, old, rx1).Header.Mode);
        Install(opener, fresh, rx2);
        Assert.Equal(RejectReason.StaleKey, Assert.IsType<OpenOutcome.Rejected>(opener.Open(StreamTopic.Of("SAE_A", "pac4200-1"), old)).Reason);
    }

    [Fact]
    public void AsconMode_CiphertextIsAsconOfTheHeaderNonce_NotAesGcm()
    {
        using var ascon = new MessageSealer(SealingMode.Ascon, "SAE_A", "pac4200-1");
        using var aes = new MessageSealer(SealingMode.AesGcm, "SAE_A", "pac4200-1");
        var (a, _) = TestKeys.Pair(73, 256);
        var (b, _) = TestKeys.Pair(73, 256);
        ascon.Install(a, T0);
        aes.Install(b, T0);
        var payload = TestKeys.Bytes(10, 100);
        var sealedAscon = ascon.Seal(payload, T0);
        var sealedAes = aes.Seal(payload, T0);
        Assert.Equal(sealedAes.Length, sealedAscon.Length);
        Assert.Equal((byte)SealingMode.Ascon, sealedAscon[1]);
        var header = SealedHeader.TryRead(sealedAscon, out _)!;
        using var cipher = new AsconCipher(TestKeys.Bytes(73, 32));
        var ct = new byte[payload.Length];
        var tag = new byte[16];
        cipher.Encrypt(AsconCipher.NonceOf(sealedAscon.AsSpan(33, SealedHeader.NonceLength)), payload, ct, tag, StreamTopic.AssociatedData(ascon.Topic, sealedAscon.AsSpan(0, header.Length)));
        Assert.Equal([.. ct, .. tag], sealedAscon[header.Length..]);
    }

    private static OpenOutcome.Opened Install(MessageOpener opener, byte[] message, Etsi.QkdKey key)
    {
        var need = Assert.IsType<OpenOutcome.NeedsKey>(opener.Open(StreamTopic.Of("SAE_A", "pac4200-1"), message));
        opener.Install(need.Header, key);
        return Assert.IsType<OpenOutcome.Opened>(opener.Open(StreamTopic.Of("SAE_A", "pac4200-1"), message));
    }
}
