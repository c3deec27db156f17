namespace Qkd.KeyManagement;

/// <summary>
/// Accounting of key material in fixed-size units, the granularity in which a key management
/// entity stores QKD key blocks and hands them out (docs/kms.md, "Key units").
/// </summary>
public static class KeyUnits
{
    /// <summary>Units needed for one key: n = ceil(sizeBits / unitBits); the tail of the last unit is discarded.</summary>
    public static int UnitsPerKey(int sizeBits, int unitBits)
    {
        Guard.InRange(sizeBits, 1, int.MaxValue);
        Guard.InRange(unitBits, 8, int.MaxValue);
        return (sizeBits + unitBits - 1) / unitBits;
    }

    /// <summary>Whole units that fit in a key block: floor(blockBytes * 8 / unitBits); a shorter tail is discarded.</summary>
    public static int UnitsInBlock(int blockBytes, int unitBits)
    {
        Guard.InRange(blockBytes, 0, int.MaxValue);
        Guard.InRange(unitBits, 8, int.MaxValue);
        return (int)((long)blockBytes * 8 / unitBits);
    }

    /// <summary>Keys of <paramref name="sizeBits"/> that a pool of <paramref name="units"/> can serve: floor(units / UnitsPerKey).</summary>
    public static long KeysAvailable(long units, int sizeBits, int unitBits)
    {
        Guard.InRange(units, 0, long.MaxValue);
        return units / UnitsPerKey(sizeBits, unitBits);
    }
}
