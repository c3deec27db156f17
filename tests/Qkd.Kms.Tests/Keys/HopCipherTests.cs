using Qkd.Kms.Keys;
using Qkd.Kms.Peering;
using Qkd.Kms.Storage;

namespace Qkd.Kms.Tests.Keys;

/// <summary>Hop keys and one-time pads without a store or a network: what one KME encrypts, the next decrypts.</summary>
public sealed class HopCipherTests
{
    private const int UnitBits = 256;

    private static (List<StoredUnit> AtSender, List<byte[]> AtReceiver, List<UnitRef> Refs) LinkUnits(KeyWrapper senderWrapper, KeyWrapper receiverWrapper, int count, int seed)
    {
        var random = new Random(seed);
        var block = new Guid(random.GetItems<byte>(Enumerable.Range(0, 256).Select(i => (byte)i).ToArray(), 16));
        var atSender = new List<StoredUnit>();
        var atReceiver = new List<byte[]>();
        var refs = new List<UnitRef>();
        for (var i = 0; i < count; i++)
        {
            var plain = new byte[UnitBits / 8];
            random.NextBytes(plain);
            var unit = new UnitRef(block, i);
            // The same unit is stored at both ends of the link, each wrapped under the name of the other end.
            atSender.Add(new StoredUnit(unit, i, senderWrapper.Wrap(plain, KeyWrapper.UnitIdentity("KME_B", unit))));
            atReceiver.Add(receiverWrapper.Wrap(plain, KeyWrapper.UnitIdentity("KME_A", unit)));
            refs.Add(unit);
        }
        return (atSender, atReceiver, refs);
    }

    private static KeyWrapper Wrapping(byte fill) => new(Enumerable.Repeat(fill, 32).ToArray());

    [Theory]
    [InlineData(256)]
    [InlineData(384)]
    [InlineData(8)]
    public void Encrypt_ThenDecryptHopAtTheNextKme_ReturnsThePlainKey(int sizeBits)
    {
        var sender = new HopCipher(Wrapping(1), UnitBits);
        var receiver = new HopCipher(Wrapping(2), UnitBits);
        var perKey = sender.UnitsPerKey(sizeBits);
        var (atSender, atReceiver, refs) = LinkUnits(Wrapping(1), Wrapping(2), 2 * perKey, seed: 14);
        var plain = new[] { new byte[sizeBits / 8], new byte[sizeBits / 8] };
        new Random(7).NextBytes(plain[0]);
        new Random(8).NextBytes(plain[1]);
        var ids = new[] { Guid.NewGuid(), Guid.NewGuid() };

        var records = new List<TransferKeyDto>
        {
            sender.Encrypt("KME_B", ids[0], sizeBits, plain[0], atSender, 0, perKey),
            sender.Encrypt("KME_B", ids[1], sizeBits, plain[1], atSender, perKey, perKey),
        };
        var transfer = new KeyTransferDto("SAE_A", ["SAE_C"], "KME_C", records);
        var decrypted = receiver.DecryptHop("KME_A", transfer, refs, atReceiver);

        Assert.Equal(plain, decrypted);
        Assert.Equal(refs.Take(perKey).Select(u => new UnitDto(u.BlockId, u.Index)), records[0].Units);
        Assert.NotEqual(Convert.ToBase64String(plain[0]), records[0].Otp);
    }

    [Fact]
    public void DecryptHop_OneFlippedPadBit_FlipsThatBitOfTheKeyOnly()
    {
        var sender = new HopCipher(Wrapping(1), UnitBits);
        var receiver = new HopCipher(Wrapping(2), UnitBits);
        var (atSender, atReceiver, refs) = LinkUnits(Wrapping(1), Wrapping(2), 1, seed: 3);
        var plain = new byte[32];
        var record = sender.Encrypt("KME_B", Guid.NewGuid(), 256, plain, atSender, 0, 1);
        var cipher = Convert.FromBase64String(record.Otp!);
        cipher[5] ^= 0x10;

        var decrypted = receiver.DecryptHop("KME_A", new KeyTransferDto("SAE_A", ["SAE_C"], "KME_C", [record with { Otp = Convert.ToBase64String(cipher) }]), refs, atReceiver);

        var expected = new byte[32];
        expected[5] = 0x10;
        Assert.Equal(expected, decrypted[0]);
    }

    [Fact]
    public void PendingKeys_DirectHop_AreTheUnitsWrappedUnderTheKeyIdentity()
    {
        var wrapper = Wrapping(2);
        var receiver = new HopCipher(wrapper, UnitBits);
        var (_, atReceiver, refs) = LinkUnits(Wrapping(1), wrapper, 2, seed: 5);
        var expected = wrapper.Unwrap(atReceiver[0], KeyWrapper.UnitIdentity("KME_A", refs[0])).Concat(wrapper.Unwrap(atReceiver[1], KeyWrapper.UnitIdentity("KME_A", refs[1])).Take(16)).ToArray();
        var id = Guid.NewGuid();
        var notice = new KeyTransferDto("SAE_A", ["SAE_B"], "KME_B", [new TransferKeyDto(id, 384, refs.Select(u => new UnitDto(u.BlockId, u.Index)).ToList(), null)]);

        var pending = Assert.Single(receiver.PendingKeys("KME_A", notice, refs, atReceiver));

        Assert.Equal(id, pending.KeyId);
        Assert.Equal(["SAE_B"], pending.SlaveSaes);
        Assert.Equal(expected, wrapper.Unwrap(pending.Material, KeyWrapper.KeyIdentity(id)));
    }
}
