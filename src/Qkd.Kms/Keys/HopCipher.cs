using System.Security.Cryptography;
using Qkd.KeyManagement;
using Qkd.Kms.Peering;
using Qkd.Kms.Storage;

namespace Qkd.Kms.Keys;

/// <summary>
/// Key material of one hop (docs/kms.md "Relay"): a key is the concatenated plain material of units of a
/// link pool, cut to its size; on a relayed hop it travels one-time-pad encrypted with such a hop key.
/// Every plain buffer this type makes for its own use is wiped before it lets go of it.
/// </summary>
public sealed class HopCipher(KeyWrapper wrapper, int unitBits)
{
    /// <summary>Units of <see cref="KeyWrapper"/> size one key of <paramref name="sizeBits"/> takes.</summary>
    public int UnitsPerKey(int sizeBits) => KeyUnits.UnitsPerKey(sizeBits, unitBits);

    /// <summary>Concatenates the units' plain material and keeps the first <paramref name="sizeBytes"/> bytes.</summary>
    public byte[] Compose(string peer, IReadOnlyList<(UnitRef Ref, byte[] Material)> units, int sizeBytes)
    {
        var key = new byte[sizeBytes];
        var written = 0;
        foreach (var (unit, material) in units)
        {
            var plain = wrapper.Unwrap(material, KeyWrapper.UnitIdentity(peer, unit));
            var n = Math.Min(plain.Length, sizeBytes - written);
            plain.AsSpan(0, n).CopyTo(key.AsSpan(written));
            written += n;
            // Without wrapping, plain is the material array read from the store: wiped all the same.
            CryptographicOperations.ZeroMemory(plain);
        }
        return key;
    }

    /// <summary>The key made of <paramref name="count"/> stored units from <paramref name="start"/>.</summary>
    public byte[] Compose(string peer, IReadOnlyList<StoredUnit> units, int start, int count, int sizeBytes)
    {
        var slice = new List<(UnitRef, byte[])>(count);
        for (var j = 0; j < count; j++)
        {
            var u = units[start + j];
            slice.Add((u.Ref, u.Material));
        }
        return Compose(peer, slice, sizeBytes);
    }

    /// <summary>
    /// <paramref name="plain"/> for the hop towards <paramref name="next"/>: one-time-pad encrypted with the
    /// key made of <paramref name="count"/> of <paramref name="units"/> from <paramref name="start"/>, which the
    /// record names so that the next KME can make the same pad.
    /// </summary>
    public TransferKeyDto Encrypt(string next, Guid keyId, int sizeBits, ReadOnlySpan<byte> plain, IReadOnlyList<StoredUnit> units, int start, int count)
    {
        var hopKey = Compose(next, units, start, count, sizeBits / 8);
        var cipher = new byte[hopKey.Length];
        OneTimePad.Xor(plain, hopKey, cipher);
        CryptographicOperations.ZeroMemory(hopKey);
        return new TransferKeyDto(keyId, sizeBits, UnitDtos(units, start, count), Convert.ToBase64String(cipher));
    }

    /// <summary>The wire names of <paramref name="count"/> of <paramref name="units"/> from <paramref name="start"/>.</summary>
    public static List<UnitDto> UnitDtos(IReadOnlyList<StoredUnit> units, int start, int count)
    {
        var refs = new List<UnitDto>(count);
        for (var j = 0; j < count; j++)
        {
            var u = units[start + j].Ref;
            refs.Add(new UnitDto(u.BlockId, u.Index));
        }
        return refs;
    }

    /// <summary>Per key of a transfer from <paramref name="fromKme"/>: hop key from the units, XOR the one-time pad when the hop was relayed.</summary>
    public List<byte[]> DecryptHop(string fromKme, KeyTransferDto transfer, List<UnitRef> allUnits, IReadOnlyList<byte[]> materials)
    {
        var result = new List<byte[]>(transfer.Keys.Count);
        var offset = 0;
        foreach (var k in transfer.Keys)
        {
            var parts = new List<(UnitRef, byte[])>(k.Units.Count);
            for (var j = 0; j < k.Units.Count; j++)
            {
                parts.Add((allUnits[offset + j], materials[offset + j]));
            }
            offset += k.Units.Count;
            var hop = Compose(fromKme, parts, k.SizeBits / 8);
            if (k.Otp is not null)
            {
                var cipher = Convert.FromBase64String(k.Otp);
                OneTimePad.Xor(cipher, hop, hop);
            }
            result.Add(hop);
        }
        return result;
    }

    /// <summary>The keys of a transfer that ends here, wrapped for the store as pending keys for <c>dec_keys</c>.</summary>
    public List<PendingKey> PendingKeys(string fromKme, KeyTransferDto transfer, List<UnitRef> allUnits, IReadOnlyList<byte[]> materials)
    {
        var plain = DecryptHop(fromKme, transfer, allUnits, materials);
        var pending = new List<PendingKey>(plain.Count);
        for (var i = 0; i < plain.Count; i++)
        {
            var k = transfer.Keys[i];
            pending.Add(new PendingKey(k.KeyId, transfer.MasterSaeId, transfer.SlaveSaeIds, k.SizeBits, wrapper.Wrap(plain[i], KeyWrapper.KeyIdentity(k.KeyId))));
            CryptographicOperations.ZeroMemory(plain[i]);
        }
        return pending;
    }
}
