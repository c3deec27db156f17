using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Qkd.PostProcessing.Ldpc;

/// <summary>
/// The lane operations of the decoder's 8-bit-message box-plus kernel (<see cref="LdpcDecoder"/>, LdpcDecoder.Narrow.cs):
/// beliefs and edge inputs stay 16-bit (<typeparamref name="TWide"/>, two vectors per block), check messages and the
/// box-plus chains are 8-bit (<typeparamref name="TNarrow"/>, one vector per block), so one generic kernel runs 64
/// lanes (<see cref="NarrowLanes512"/>) or 32 (<see cref="NarrowLanes256"/>) with the same arithmetic lane for lane.
/// <see cref="Pack"/> and <see cref="Unpack"/> are inverse (the 8-bit lanes may be in any fixed order within a
/// block: they never leave it), so packing is one saturating instruction and unpacking two per half.
/// </summary>
internal interface INarrowLanes<TNarrow, TWide> where TNarrow : struct where TWide : struct
{
    /// <summary>Lanes per block (one <typeparamref name="TNarrow"/>).</summary>
    static abstract int Count { get; }

    static abstract TNarrow Create(byte value);

    static abstract TNarrow Load(ref sbyte origin, nuint offset);

    static abstract void Store(TNarrow value, ref sbyte origin, nuint offset);

    static abstract TWide LoadWide(ref short origin, nuint offset);

    static abstract void StoreWide(TWide value, ref short origin, nuint offset);

    /// <summary>a + b saturated to the 16-bit range.</summary>
    static abstract TWide AddSaturateWide(TWide a, TWide b);

    /// <summary>a - b saturated to the 16-bit range.</summary>
    static abstract TWide SubtractSaturateWide(TWide a, TWide b);

    /// <summary>The block's two 16-bit halves (lanes 0.., Count/2..) as 8-bit lanes saturated to [-128, 127].</summary>
    static abstract TNarrow Pack(TWide low, TWide high);

    /// <summary>The inverse of <see cref="Pack"/>: the 8-bit lanes sign-extended to the two 16-bit halves.</summary>
    static abstract (TWide Low, TWide High) Unpack(TNarrow value);

    static abstract TNarrow Add(TNarrow a, TNarrow b);

    static abstract TNarrow Subtract(TNarrow a, TNarrow b);

    /// <summary>a + b for lanes read as unsigned 8-bit numbers, saturated at 255.</summary>
    static abstract TNarrow AddSaturateUnsigned(TNarrow a, TNarrow b);

    /// <summary>max(a - b, 0) for lanes read as unsigned 8-bit numbers.</summary>
    static abstract TNarrow SubtractSaturateUnsigned(TNarrow a, TNarrow b);

    static abstract TNarrow MinUnsigned(TNarrow a, TNarrow b);

    static abstract TNarrow MaxUnsigned(TNarrow a, TNarrow b);

    static abstract TNarrow Xor(TNarrow a, TNarrow b);

    /// <summary>|a| (-128 gives 128 read as unsigned).</summary>
    static abstract TNarrow Abs(TNarrow a);

    /// <summary>-m where <paramref name="signSource"/> is negative, m elsewhere.</summary>
    static abstract TNarrow ApplySign(TNarrow m, TNarrow signSource);

    /// <summary>The correction table as a vector (kernels load it once and pass it to <see cref="Lookup(TNarrow, TNarrow)"/>).</summary>
    static abstract TNarrow CorrectionTable { get; }

    /// <summary>Entry u of <paramref name="table"/> (<see cref="CorrectionTable"/>) per lane, for 0 &lt;= u &lt;= 31.</summary>
    static abstract TNarrow Lookup(TNarrow u, TNarrow table);
}

/// <summary>One or two blocks of lanes per kernel call (two let the core overlap two independent box-plus chains).</summary>
internal interface INarrowBlocks
{
    static abstract bool Two { get; }
}

/// <summary>Two blocks per call.</summary>
internal readonly struct TwoNarrowBlocks : INarrowBlocks
{
    public static bool Two => true;
}

/// <summary>One block per call (the last of a width).</summary>
internal readonly struct OneNarrowBlock : INarrowBlocks
{
    public static bool Two => false;
}

/// <summary>64 lanes: one <see cref="Vector512{T}"/> of bytes, two of 16-bit beliefs.</summary>
internal readonly struct NarrowLanes512 : INarrowLanes<Vector512<sbyte>, Vector512<short>>
{
    private static readonly Vector512<sbyte> Table = Vector512.Create(LdpcNarrowArithmetic.CorrectionTable(Vector512<sbyte>.Count));

    public static int Count => Vector512<sbyte>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<sbyte> Create(byte value) => Vector512.Create(value).AsSByte();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<sbyte> Load(ref sbyte origin, nuint offset) => Vector512.LoadUnsafe(ref origin, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector512<sbyte> value, ref sbyte origin, nuint offset) => value.StoreUnsafe(ref origin, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<short> LoadWide(ref short origin, nuint offset) => Vector512.LoadUnsafe(ref origin, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreWide(Vector512<short> value, ref short origin, nuint offset) => value.StoreUnsafe(ref origin, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<short> AddSaturateWide(Vector512<short> a, Vector512<short> b) => Vector512.AddSaturate(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<short> SubtractSaturateWide(Vector512<short> a, Vector512<short> b) => Vector512.SubtractSaturate(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<sbyte> Pack(Vector512<short> low, Vector512<short> high)
    {
        if (Avx512BW.IsSupported)
        {
            return Avx512BW.PackSignedSaturate(low, high);
        }
        var min = Vector512.Create((short)sbyte.MinValue);
        var max = Vector512.Create((short)sbyte.MaxValue);
        return Vector512.Narrow(Vector512.Clamp(low, min, max), Vector512.Clamp(high, min, max));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (Vector512<short> Low, Vector512<short> High) Unpack(Vector512<sbyte> value)
    {
        if (Avx512BW.IsSupported)
        {
            return (Vector512.ShiftRightArithmetic(Avx512BW.UnpackLow(value, value).AsInt16(), 8),
                Vector512.ShiftRightArithmetic(Avx512BW.UnpackHigh(value, value).AsInt16(), 8));
        }
        return Vector512.Widen(value);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<sbyte> Add(Vector512<sbyte> a, Vector512<sbyte> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<sbyte> Subtract(Vector512<sbyte> a, Vector512<sbyte> b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<sbyte> AddSaturateUnsigned(Vector512<sbyte> a, Vector512<sbyte> b) => Vector512.AddSaturate(a.AsByte(), b.AsByte()).AsSByte();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<sbyte> SubtractSaturateUnsigned(Vector512<sbyte> a, Vector512<sbyte> b) => Vector512.SubtractSaturate(a.AsByte(), b.AsByte()).AsSByte();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<sbyte> MinUnsigned(Vector512<sbyte> a, Vector512<sbyte> b) => Vector512.Min(a.AsByte(), b.AsByte()).AsSByte();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<sbyte> MaxUnsigned(Vector512<sbyte> a, Vector512<sbyte> b) => Vector512.Max(a.AsByte(), b.AsByte()).AsSByte();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<sbyte> Xor(Vector512<sbyte> a, Vector512<sbyte> b) => a ^ b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<sbyte> Abs(Vector512<sbyte> a) => Vector512.Abs(a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<sbyte> ApplySign(Vector512<sbyte> m, Vector512<sbyte> signSource)
        => Vector512.ConditionalSelect(Vector512.LessThan(signSource, Vector512<sbyte>.Zero), Vector512<sbyte>.Zero - m, m);

    public static Vector512<sbyte> CorrectionTable => Table;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<sbyte> Lookup(Vector512<sbyte> u, Vector512<sbyte> table)
        => Avx512Vbmi.IsSupported ? Avx512Vbmi.PermuteVar64x8(table, u) : Vector512.Shuffle(table, u);
}

/// <summary>32 lanes: one <see cref="Vector256{T}"/> of bytes, two of 16-bit beliefs.</summary>
internal readonly struct NarrowLanes256 : INarrowLanes<Vector256<sbyte>, Vector256<short>>
{
    private static readonly Vector256<sbyte> Table = Vector256.Create(LdpcNarrowArithmetic.CorrectionTable(Vector256<sbyte>.Count));

    public static int Count => Vector256<sbyte>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<sbyte> Create(byte value) => Vector256.Create(value).AsSByte();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<sbyte> Load(ref sbyte origin, nuint offset) => Vector256.LoadUnsafe(ref origin, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector256<sbyte> value, ref sbyte origin, nuint offset) => value.StoreUnsafe(ref origin, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<short> LoadWide(ref short origin, nuint offset) => Vector256.LoadUnsafe(ref origin, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreWide(Vector256<short> value, ref short origin, nuint offset) => value.StoreUnsafe(ref origin, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<short> AddSaturateWide(Vector256<short> a, Vector256<short> b) => Vector256.AddSaturate(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<short> SubtractSaturateWide(Vector256<short> a, Vector256<short> b) => Vector256.SubtractSaturate(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<sbyte> Pack(Vector256<short> low, Vector256<short> high)
    {
        if (Avx2.IsSupported)
        {
            return Avx2.PackSignedSaturate(low, high);
        }
        var min = Vector256.Create((short)sbyte.MinValue);
        var max = Vector256.Create((short)sbyte.MaxValue);
        return Vector256.Narrow(Vector256.Clamp(low, min, max), Vector256.Clamp(high, min, max));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (Vector256<short> Low, Vector256<short> High) Unpack(Vector256<sbyte> value)
    {
        if (Avx2.IsSupported)
        {
            return (Vector256.ShiftRightArithmetic(Avx2.UnpackLow(value, value).AsInt16(), 8),
                Vector256.ShiftRightArithmetic(Avx2.UnpackHigh(value, value).AsInt16(), 8));
        }
        return Vector256.Widen(value);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<sbyte> Add(Vector256<sbyte> a, Vector256<sbyte> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<sbyte> Subtract(Vector256<sbyte> a, Vector256<sbyte> b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<sbyte> AddSaturateUnsigned(Vector256<sbyte> a, Vector256<sbyte> b) => Vector256.AddSaturate(a.AsByte(), b.AsByte()).AsSByte();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<sbyte> SubtractSaturateUnsigned(Vector256<sbyte> a, Vector256<sbyte> b) => Vector256.SubtractSaturate(a.AsByte(), b.AsByte()).AsSByte();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<sbyte> MinUnsigned(Vector256<sbyte> a, Vector256<sbyte> b) => Vector256.Min(a.AsByte(), b.AsByte()).AsSByte();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<sbyte> MaxUnsigned(Vector256<sbyte> a, Vector256<sbyte> b) => Vector256.Max(a.AsByte(), b.AsByte()).AsSByte();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<sbyte> Xor(Vector256<sbyte> a, Vector256<sbyte> b) => a ^ b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<sbyte> Abs(Vector256<sbyte> a) => Vector256.Abs(a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<sbyte> ApplySign(Vector256<sbyte> m, Vector256<sbyte> signSource)
        => Vector256.ConditionalSelect(Vector256.LessThan(signSource, Vector256<sbyte>.Zero), Vector256<sbyte>.Zero - m, m);

    public static Vector256<sbyte> CorrectionTable => Table;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<sbyte> Lookup(Vector256<sbyte> u, Vector256<sbyte> table)
        => Avx512Vbmi.VL.IsSupported ? Avx512Vbmi.VL.PermuteVar32x8(table, u) : Vector256.Shuffle(table, u);
}
