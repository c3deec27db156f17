using System.Buffers.Binary;
using Qkd.Classical;
using Qkd.PostProcessing;

namespace Qkd.Tests.PostProcessing;

public class TranscriptHashTests
{
    /// <summary>The definition, one Horner step per word: index, then per message header word and zero-padded bytes, closed by the word count.</summary>
    private static ulong Reference(ulong key, long index, IReadOnlyList<(Party Sender, byte[] Bytes)> messages, ulong pad)
    {
        var h = Gf64.Multiply((ulong)index, key);
        long words = 1;
        foreach (var (sender, bytes) in messages)
        {
            h = Gf64.Multiply(h ^ ((sender == Party.Alice ? 1UL << 63 : 0) | (uint)bytes.Length), key);
            var padded = new byte[(bytes.Length + 7) / 8 * 8];
            bytes.CopyTo(padded, 0);
            for (var i = 0; i < padded.Length; i += 8)
            {
                h = Gf64.Multiply(h ^ BinaryPrimitives.ReadUInt64LittleEndian(padded.AsSpan(i)), key);
            }
            words += 1 + padded.Length / 8;
        }
        return Gf64.Multiply(h ^ (ulong)words, key) ^ pad;
    }

    [Fact]
    public void Tag_FourWordSteps_EqualOneWordHornerDefinition()
    {
        var random = new Random(12);
        for (var trial = 0; trial < 200; trial++)
        {
            var key = (ulong)random.NextInt64() ^ ((ulong)random.Next() << 40);
            var index = random.Next(0, 1000);
            var messages = new List<(Party, byte[])>();
            var hash = new TranscriptHash(key, index);
            for (var m = random.Next(1, 6); m > 0; m--)
            {
                var bytes = new byte[random.Next(0, trial < 100 ? 80 : 5000)];
                random.NextBytes(bytes);
                var sender = random.Next(2) == 0 ? Party.Alice : Party.Bob;
                messages.Add((sender, bytes));
                hash.Absorb(sender, bytes);
            }
            Assert.Equal(Reference(key, index, messages, 0xA5A5UL), hash.Tag(0xA5A5UL));
        }
    }

    [Fact]
    public void Tag_OneFlippedBitInALongMessage_Changes()
    {
        var bytes = new byte[4096];
        new Random(5).NextBytes(bytes);
        var a = new TranscriptHash(0x0123456789ABCDEFUL, 3);
        a.Absorb(Party.Alice, bytes);
        bytes[2049] ^= 0x10;
        var b = new TranscriptHash(0x0123456789ABCDEFUL, 3);
        b.Absorb(Party.Alice, bytes);
        Assert.NotEqual(a.Tag(0), b.Tag(0));
    }
}
