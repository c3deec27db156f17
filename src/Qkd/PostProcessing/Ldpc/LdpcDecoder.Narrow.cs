using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using static Qkd.PostProcessing.Ldpc.LdpcNarrowArithmetic;

namespace Qkd.PostProcessing.Ldpc;

/// <summary>
/// The box-plus kernel with 8-bit check messages (<see cref="NarrowLanes"/>): beliefs and edge inputs stay 16-bit, in
/// place as in LdpcDecoder.Columns.cs (same blocks: 64 lanes while they fit, then 32), while the check node and its
/// messages run on bytes, 64 checks per Vector512, with the box-plus correction one table permute
/// (<see cref="LdpcNarrowArithmetic"/>). The scalar path (<c>vectorised: false</c>) is the reference, lane by lane the
/// same arithmetic.
/// </summary>
public sealed partial class LdpcDecoder
{
    private sbyte[] _r8 = [];

    /// <summary>
    /// Whether the next <see cref="Load"/> runs the frame with 8-bit check messages (box-plus, alpha = 1, whatever
    /// rule and normalisation <see cref="Run"/> is given; <see cref="LdpcNarrowArithmetic"/> has the quantisation).
    /// Beliefs are then in units of 1/8 nat.
    /// </summary>
    internal bool NarrowLanes { get; set; }

    private bool _narrowFrame;

    /// <summary>Messages 0 (the beliefs were quantised by <see cref="Load"/>); a decoder fresh from <see cref="Wipe"/> has them so already.</summary>
    private void LoadNarrow()
    {
        if (_r8.Length == 0)
        {
            _r8 = new sbyte[_code.BaseEdges * _code.LiftingSize];
        }
        else if (!_narrowMessagesZero)
        {
            Array.Clear(_r8);
        }
        _narrowMessagesZero = false;
    }

    /// <summary>Whether <see cref="_r8"/> is all zero (set by <see cref="Wipe"/>, cleared when a frame starts using it).</summary>
    private bool _narrowMessagesZero;

    private void LayerNarrow(int row, bool vector)
    {
        var z = _code.LiftingSize;
        var e0 = _code.RowStart[row];
        var degree = _code.RowStart[row + 1] - e0;
        if (!vector)
        {
            for (var j = 0; j < z; j++)
            {
                LaneScalarNarrow(row, e0, degree, j);
            }
            for (var k = 0; k < degree; k++)
            {
                RefreshRepeat(_code.EdgeColumn[e0 + k]);
            }
            return;
        }
        // Two blocks per call while there are two (their box-plus chains are independent, so the core overlaps them),
        // then one; 64 lanes (Vector512) while they fit, then 32.
        var j0 = 0;
        if (UseVector512)
        {
            const int w = 64;
            for (; j0 + 2 * w <= z; j0 += 2 * w)
            {
                NarrowKernel<NarrowLanes512, Vector512<sbyte>, Vector512<short>, TwoNarrowBlocks>(row, e0, degree, j0);
            }
            if (j0 + w <= z)
            {
                NarrowKernel<NarrowLanes512, Vector512<sbyte>, Vector512<short>, OneNarrowBlock>(row, e0, degree, j0);
                j0 += w;
            }
        }
        var wideLanes = j0;
        for (; j0 + 64 <= z; j0 += 64)
        {
            NarrowKernel<NarrowLanes256, Vector256<sbyte>, Vector256<short>, TwoNarrowBlocks>(row, e0, degree, j0);
        }
        if (j0 < z)
        {
            NarrowKernel<NarrowLanes256, Vector256<sbyte>, Vector256<short>, OneNarrowBlock>(row, e0, degree, j0);
        }
        ReturnWrappedBlocks(e0, degree, wideLanes);
    }

    /// <summary>
    /// One block of lanes j.. of base row <paramref name="row"/> (and the next, j + w.., when <typeparamref name="TB"/> says two):
    /// forward then backward box-plus sweeps over its edges. Each block reads its beliefs from its own offset, (s + j) mod Z,
    /// so the second need not be contiguous with the first in a column (the repeat covers one block).
    /// </summary>
    private void NarrowKernel<TL, TN, TW, TB>(int row, int e0, int degree, int j) where TL : struct, INarrowLanes<TN, TW> where TN : struct where TW : struct
        where TB : struct, INarrowBlocks
    {
        var width = (nuint)TL.Count;
        var z = (nuint)_code.LiftingSize;
        var stride = (nuint)Stride;
        var lane = (nuint)j;
        var edge = (nuint)e0 * z + lane;
        ref var l0 = ref MemoryMarshal.GetArrayDataReference(_l);
        ref var t0 = ref MemoryMarshal.GetArrayDataReference(_t);
        ref var r0 = ref MemoryMarshal.GetArrayDataReference(_r8);
        ref var s0 = ref MemoryMarshal.GetArrayDataReference(_syndromeMask);
        ref var column0 = ref MemoryMarshal.GetArrayDataReference(_code.EdgeColumn);
        ref var shift0 = ref MemoryMarshal.GetArrayDataReference(_code.EdgeShift);
        var sOffset = (nuint)row * z + lane;
        var half = (nuint)(TL.Count / 2);
        var parityA = TL.Pack(TL.LoadWide(ref s0, sOffset), TL.LoadWide(ref s0, sOffset + half));
        var parityB = TB.Two ? TL.Pack(TL.LoadWide(ref s0, sOffset + width), TL.LoadWide(ref s0, sOffset + width + half)) : parityA;
        var top = TL.Create(TableTop);
        var table = TL.CorrectionTable;
        var forwardA = TL.Create(MaxMessage);
        var forwardB = forwardA;
        for (var k = 0; k < degree; k++)
        {
            var tOffset = (nuint)k * z + lane;
            var rOffset = edge + (nuint)k * z;
            (forwardA, parityA) = ForwardStep<TL, TN, TW>(ref l0, ref t0, ref r0, BeliefOffset(ref column0, ref shift0, e0 + k, lane, z, stride),
                tOffset, rOffset, forwardA, parityA, top, table);
            if (TB.Two)
            {
                (forwardB, parityB) = ForwardStep<TL, TN, TW>(ref l0, ref t0, ref r0, BeliefOffset(ref column0, ref shift0, e0 + k, lane + width, z, stride),
                    tOffset + width, rOffset + width, forwardB, parityB, top, table);
            }
        }
        var backwardA = TL.Create(MaxMessage);
        var backwardB = backwardA;
        for (var k = degree - 1; k >= 0; k--)
        {
            var tOffset = (nuint)k * z + lane;
            var rOffset = edge + (nuint)k * z;
            backwardA = BackwardStep<TL, TN, TW>(ref l0, ref t0, ref r0, BeliefOffset(ref column0, ref shift0, e0 + k, lane, z, stride),
                tOffset, rOffset, backwardA, parityA, top, table);
            if (TB.Two)
            {
                backwardB = BackwardStep<TL, TN, TW>(ref l0, ref t0, ref r0, BeliefOffset(ref column0, ref shift0, e0 + k, lane + width, z, stride),
                    tOffset + width, rOffset + width, backwardB, parityB, top, table);
            }
        }
    }

    /// <summary>The reference: lane <paramref name="j"/> of base row <paramref name="row"/>, beliefs read and written at their column heads.</summary>
    private void LaneScalarNarrow(int row, int e0, int degree, int j)
    {
        var z = _code.LiftingSize;
        int parity = _syndromeMask[row * z + j];
        int forward = MaxMessage;
        for (var k = 0; k < degree; k++)
        {
            var t = Math.Clamp(_l[NarrowHead(e0 + k, j)] - _r8[(e0 + k) * z + j], short.MinValue, short.MaxValue);
            _t[k * z + j] = (short)t;
            _r8[(e0 + k) * z + j] = (sbyte)forward;
            var t8 = Math.Clamp(t, sbyte.MinValue, sbyte.MaxValue);
            forward = BoxPlusScalar(forward, Math.Abs(t8));
            parity ^= t8;
        }
        int backward = MaxMessage;
        for (var k = degree - 1; k >= 0; k--)
        {
            int t = _t[k * z + j];
            var t8 = Math.Clamp(t, sbyte.MinValue, sbyte.MaxValue);
            var magnitude = BoxPlusScalar((byte)_r8[(e0 + k) * z + j], backward);
            backward = BoxPlusScalar(backward, Math.Abs(t8));
            var message = ((parity ^ t8) & 0x80) != 0 ? -magnitude : magnitude;
            _r8[(e0 + k) * z + j] = (sbyte)message;
            _l[NarrowHead(e0 + k, j)] = (short)Math.Clamp(t + message, short.MinValue, short.MaxValue);
        }
    }

    private int NarrowHead(int e, int j) => _code.EdgeColumn[e] * Stride + (_code.EdgeShift[e] + j) % _code.LiftingSize;
}
