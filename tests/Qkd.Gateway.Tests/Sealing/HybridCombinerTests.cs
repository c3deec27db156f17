using FsCheck.Xunit;
using Qkd.Gateway.Sealing;
using Qkd.Gateway.Tests.Support;

namespace Qkd.Gateway.Tests.Sealing;

/// <summary>The QKD + ML-KEM combiner and the wire header.</summary>
public sealed class HybridCombinerTests
{
    private static byte[] Derive(byte[] qkd, byte[] ss, byte[] ct, Guid id)
    {
        var k = new byte[32];
        HybridCombiner.Derive(qkd, ss, ct, id, k);
        return k;
    }

    [Property(MaxTest = 50, Replay = "(42,43)")]
    public bool Derive_ChangesWhenAnyInputChanges(ulong seed, byte position)
    {
        var qkd = TestKeys.Bytes(seed, 32);
        var ss = TestKeys.Bytes(seed + 1, 32);
        var ct = TestKeys.Bytes(seed + 2, MlKem768.CiphertextLength);
        var id = new Guid(TestKeys.Bytes(seed + 3, 16));
        var reference = Derive(qkd, ss, ct, id);
        var i = position % 32;
        var qkd2 = (byte[])qkd.Clone();
        qkd2[i] ^= 1;
        var ss2 = (byte[])ss.Clone();
        ss2[i] ^= 1;
        var ct2 = (byte[])ct.Clone();
        ct2[position] ^= 1;
        return reference.AsSpan().SequenceEqual(Derive(qkd, ss, ct, id))
            && !reference.AsSpan().SequenceEqual(Derive(qkd2, ss, ct, id))
            && !reference.AsSpan().SequenceEqual(Derive(qkd, ss2, ct, id))
            && !reference.AsSpan().SequenceEqual(Derive(qkd, ss, ct2, id))
            && !reference.AsSpan().SequenceEqual(Derive(qkd, ss, ct, Guid.Empty));
    }

    [Fact]
    public void MlKem768_EncapsulateThenDecapsulate_AgreesOnTheSecret_WithFips203Sizes()
    {
        var kem = MlKem768.Generate();
        Assert.Equal(MlKem768.EncapsulationKeyLength, kem.EncapsulationKey.Length); // FIPS 203 Table 3: ek 1184 bytes
        var a = new byte[32];
        var b = new byte[32];
        var ct = MlKem768.Encapsulate(kem.EncapsulationKey, a);
        Assert.Equal(1088, ct.Length); // FIPS 203 Table 3: ciphertext 1088 bytes
        kem.Decapsulate(ct, b);
        Assert.Equal(a, b);
    }

    [Property(MaxTest = 100, Replay = "(7,9)")]
    public bool Header_WriteThenRead_RoundTrips(ulong sequence, uint offset, bool otp)
    {
        var mode = otp ? SealingMode.Otp : SealingMode.AesGcm;
        var h = new SealedHeader(mode, new Guid(TestKeys.Bytes(sequence, 16)), sequence, otp ? offset : 0, "SAE_A2", "dev-7");
        var buffer = new byte[h.Length + 16];
        h.Write(buffer);
        var back = SealedHeader.TryRead(buffer, out var length);
        return back is not null && length == h.Length && back.KeyId == h.KeyId && back.Sequence == sequence && back.KeyOffset == h.KeyOffset
            && back.SenderSaeId == "SAE_A2" && back.DeviceId == "dev-7" && back.Mode == mode;
    }

    [Fact]
    public void Header_RejectsWrongVersionAndTruncation()
    {
        var h = new SealedHeader(SealingMode.AesGcm, Guid.NewGuid(), 5, 0, "SAE_A", "d");
        var buffer = new byte[h.Length + 16];
        h.Write(buffer);
        Assert.NotNull(SealedHeader.TryRead(buffer, out _));
        Assert.Null(SealedHeader.TryRead(buffer.AsSpan(0, h.Length + 15), out _));
        buffer[0] = 1; // version 1 (topic not authenticated) is refused
        Assert.Null(SealedHeader.TryRead(buffer, out _));
    }
}
