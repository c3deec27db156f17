namespace Qkd.PostProcessing.Ldpc;

/// <summary>
/// Chooses the bits a symmetric blind round reveals: the <c>count</c> positions of smallest |L_v| (the decoder's
/// least reliable beliefs) among those not excluded, ties to the lower position, returned ascending. A counting
/// selection over the 16-bit magnitudes: O(N + <see cref="LdpcDecoder.MaxMagnitude"/>), no sort.
/// </summary>
/// <remarks>
/// Kiktenko, Trushechkin, Lim, Kurochkin, Fedorov, Phys. Rev. Applied 8, 044017 (2017), arXiv:1612.03673:
/// after an unsuccessful belief-propagation decoding the parties disclose the bits with the smallest log-likelihood
/// magnitudes. <see cref="LdpcBob"/> decodes the error pattern from the error syndrome, so the choice is a function of
/// the error syndrome and the bits already revealed (docs/postprocessing.md section 7: why the positions add no leak).
/// </remarks>
internal static class LdpcReliability
{
    /// <summary>Writes the chosen positions to <paramref name="positions"/> (its length is the count); returns how many were found.</summary>
    public static int LeastReliable(ReadOnlySpan<short> beliefs, ReadOnlySpan<byte> excluded, Span<int> positions)
    {
        Guard.SameLength(excluded.Length, beliefs.Length, "Excluded positions");
        var count = positions.Length;
        if (count == 0)
        {
            return 0;
        }
        var histogram = new int[LdpcDecoder.MaxMagnitude + 2];
        for (var v = 0; v < beliefs.Length; v++)
        {
            if (excluded[v] == 0)
            {
                histogram[Magnitude(beliefs[v])]++;
            }
        }
        // threshold: the smallest magnitude T with at least count candidates at or below it.
        var below = 0;
        var threshold = 0;
        for (; threshold < histogram.Length; threshold++)
        {
            if (below + histogram[threshold] >= count)
            {
                break;
            }
            below += histogram[threshold];
        }
        var atThreshold = count - below;
        var found = 0;
        for (var v = 0; v < beliefs.Length && found < count; v++)
        {
            if (excluded[v] != 0)
            {
                continue;
            }
            var m = Magnitude(beliefs[v]);
            if (m < threshold || (m == threshold && atThreshold-- > 0))
            {
                positions[found++] = v;
            }
        }
        return found;
    }

    private static int Magnitude(short belief) => Math.Min(Math.Abs((int)belief), LdpcDecoder.MaxMagnitude);
}
