using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Qkd.PostProcessing.Ldpc;

/// <summary>
/// The lane operations the decoder's vector kernels use, for one vector type of 16-bit lanes, so that one kernel
/// (generic over a struct implementing this) runs at 16 lanes (<see cref="Lanes256"/>) or 32 (<see cref="Lanes512"/>):
/// the JIT specialises a generic method per struct argument and inlines these static calls, so each width gets its
/// own machine code from the same source. (.NET's own ISimdVector is not public.)
/// </summary>
internal interface ILanes<TVector> where TVector : struct
{
    static abstract int Count { get; }

    static abstract TVector Create(short value);

    static abstract TVector Load(ref short origin, nuint offset);

    static abstract void Store(TVector value, ref short origin, nuint offset);

    static abstract TVector Add(TVector a, TVector b);

    static abstract TVector Subtract(TVector a, TVector b);

    static abstract TVector Multiply(TVector a, TVector b);

    static abstract TVector Xor(TVector a, TVector b);

    static abstract TVector And(TVector a, TVector b);

    static abstract TVector Min(TVector a, TVector b);

    static abstract TVector Max(TVector a, TVector b);

    static abstract TVector Abs(TVector a);

    static abstract TVector ShiftRightArithmetic(TVector a, int count);

    /// <summary>max(a - b, 0) for lanes read as unsigned 16-bit numbers (one saturating instruction).</summary>
    static abstract TVector SubtractSaturateUnsigned(TVector a, TVector b);

    /// <summary>floor(a m / 2^16) for lanes read as unsigned 16-bit numbers (the high half of the product).</summary>
    static abstract TVector MultiplyHighUnsigned(TVector a, ushort m);
}

/// <summary>16 lanes of <see cref="Vector256{T}"/>.</summary>
internal readonly struct Lanes256 : ILanes<Vector256<short>>
{
    public static int Count => Vector256<short>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<short> Create(short value) => Vector256.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<short> Load(ref short origin, nuint offset) => Vector256.LoadUnsafe(ref origin, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector256<short> value, ref short origin, nuint offset) => value.StoreUnsafe(ref origin, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<short> Add(Vector256<short> a, Vector256<short> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<short> Subtract(Vector256<short> a, Vector256<short> b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<short> Multiply(Vector256<short> a, Vector256<short> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<short> Xor(Vector256<short> a, Vector256<short> b) => a ^ b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<short> And(Vector256<short> a, Vector256<short> b) => a & b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<short> Min(Vector256<short> a, Vector256<short> b) => Vector256.Min(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<short> Max(Vector256<short> a, Vector256<short> b) => Vector256.Max(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<short> Abs(Vector256<short> a) => Vector256.Abs(a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<short> ShiftRightArithmetic(Vector256<short> a, int count) => Vector256.ShiftRightArithmetic(a, count);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<short> SubtractSaturateUnsigned(Vector256<short> a, Vector256<short> b)
        => Vector256.SubtractSaturate(a.AsUInt16(), b.AsUInt16()).AsInt16();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<short> MultiplyHighUnsigned(Vector256<short> a, ushort m)
    {
        if (Avx2.IsSupported)
        {
            return Avx2.MultiplyHigh(a.AsUInt16(), Vector256.Create(m)).AsInt16();
        }
        var (lo, hi) = Vector256.Widen(a.AsUInt16());
        return Vector256.Narrow(Vector256.ShiftRightLogical(lo * m, 16), Vector256.ShiftRightLogical(hi * m, 16)).AsInt16();
    }
}

/// <summary>32 lanes of <see cref="Vector512{T}"/>.</summary>
internal readonly struct Lanes512 : ILanes<Vector512<short>>
{
    public static int Count => Vector512<short>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<short> Create(short value) => Vector512.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<short> Load(ref short origin, nuint offset) => Vector512.LoadUnsafe(ref origin, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector512<short> value, ref short origin, nuint offset) => value.StoreUnsafe(ref origin, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<short> Add(Vector512<short> a, Vector512<short> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<short> Subtract(Vector512<short> a, Vector512<short> b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<short> Multiply(Vector512<short> a, Vector512<short> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<short> Xor(Vector512<short> a, Vector512<short> b) => a ^ b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<short> And(Vector512<short> a, Vector512<short> b) => a & b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<short> Min(Vector512<short> a, Vector512<short> b) => Vector512.Min(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<short> Max(Vector512<short> a, Vector512<short> b) => Vector512.Max(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<short> Abs(Vector512<short> a) => Vector512.Abs(a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<short> ShiftRightArithmetic(Vector512<short> a, int count) => Vector512.ShiftRightArithmetic(a, count);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<short> SubtractSaturateUnsigned(Vector512<short> a, Vector512<short> b)
        => Vector512.SubtractSaturate(a.AsUInt16(), b.AsUInt16()).AsInt16();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<short> MultiplyHighUnsigned(Vector512<short> a, ushort m)
    {
        if (Avx512BW.IsSupported)
        {
            return Avx512BW.MultiplyHigh(a.AsUInt16(), Vector512.Create(m)).AsInt16();
        }
        var (lo, hi) = Vector512.Widen(a.AsUInt16());
        return Vector512.Narrow(Vector512.ShiftRightLogical(lo * m, 16), Vector512.ShiftRightLogical(hi * m, 16)).AsInt16();
    }
}
