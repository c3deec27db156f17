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
    /// Whether the next <see cref="Load"/> runs the frame with 8-bit check messages (box-plus, alpha = 1;
    /// <see cref="LdpcNarrowArithmetic"/> has the quantisation). Beliefs are then in units of 1/8 nat.
    /// </summary>
    internal bool NarrowLanes { get; set; }

    private bool _narrowFrame;

    /// <summary>Beliefs in units of 1/<see cref="LdpcNarrowArithmetic.Scale"/> nat, messages 0.</summary>
    private void LoadNarrow()
    {
        var z = _code.LiftingSize;
        if (_r8.Length == 0)
        {
            _r8 = new sbyte[_code.BaseEdges * z];
        }
        for (var i = 0; i < _beliefs.Length; i++)
        {
            _beliefs[i] = Math.Abs((int)_beliefs[i]) == MaxMagnitude ? _beliefs[i] : Quantise(_beliefs[i]);
        }
        for (var c = 0; c < _code.BaseColumns; c++)
        {
            _beliefs.AsSpan(c * z, z).CopyTo(_l.AsSpan(c * Stride, z));
            RefreshRepeat(c);
        }
        Array.Clear(_r8);
    }

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
        var j0 = 0;
        if (UseVector512)
        {
            for (; j0 + Vector512<sbyte>.Count <= z; j0 += Vector512<sbyte>.Count)
            {
                NarrowKernel<NarrowLanes512, Vector512<sbyte>, Vector512<short>>(row, e0, degree, j0);
            }
        }
        var wideLanes = j0;
        for (; j0 < z; j0 += Vector256<sbyte>.Count)
        {
            NarrowKernel<NarrowLanes256, Vector256<sbyte>, Vector256<short>>(row, e0, degree, j0);
        }
        ReturnWrappedBlocks(e0, degree, wideLanes);
    }

    /// <summary>One block of lanes j.. of base row <paramref name="row"/>: forward then backward box-plus sweeps over its edges.</summary>
    private void NarrowKernel<TL, TN, TW>(int row, int e0, int degree, int j) where TL : struct, INarrowLanes<TN, TW> where TN : struct where TW : struct
    {
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
        var parity = TL.Pack(TL.LoadWide(ref s0, sOffset), TL.LoadWide(ref s0, sOffset + (nuint)(TL.Count / 2)));
        var forward = TL.Create(MaxMessage);
        for (var k = 0; k < degree; k++)
        {
            var lOffset = BeliefOffset(ref column0, ref shift0, e0 + k, lane, z, stride);
            (forward, parity) = ForwardStep<TL, TN, TW>(ref l0, ref t0, ref r0, lOffset, (nuint)k * z + lane, edge + (nuint)k * z, forward, parity);
        }
        var backward = TL.Create(MaxMessage);
        for (var k = degree - 1; k >= 0; k--)
        {
            var lOffset = BeliefOffset(ref column0, ref shift0, e0 + k, lane, z, stride);
            backward = BackwardStep<TL, TN, TW>(ref l0, ref t0, ref r0, lOffset, (nuint)k * z + lane, edge + (nuint)k * z, backward, parity);
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
