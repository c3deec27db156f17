using Qkd.Bits;
using Qkd.Gateway.Etsi;

namespace Qkd.Gateway.Tests.Support;

/// <summary>Deterministic key material for sealing tests (seeded; not for production use).</summary>
public static class TestKeys
{
    public static byte[] Bytes(ulong seed, int length)
    {
        var r = SimRandom.ForStream(seed, 7);
        var b = new byte[length];
        for (var i = 0; i < length; i++)
        {
            b[i] = (byte)r.NextUInt64();
        }
        return b;
    }

    /// <summary>A pair of identical keys (as the two KMEs would deliver them) with a seeded ID.</summary>
    public static (QkdKey Sender, QkdKey Receiver) Pair(ulong seed, int bits)
    {
        var material = Bytes(seed, bits / 8);
        var id = new Guid(Bytes(seed + 1_000_003, 16));
        return (new QkdKey(id, (byte[])material.Clone()), new QkdKey(id, material));
    }
}
