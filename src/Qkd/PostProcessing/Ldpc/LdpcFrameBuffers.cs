namespace Qkd.PostProcessing.Ldpc;

/// <summary>
/// Bob's per-frame arrays for one code, kept with a pooled <see cref="LdpcDecoder"/> so that a frame allocates none
/// (each is 10^4-10^5 entries: on the large-object heap they brought a gen2 collection every few frames,
/// docs/postprocessing.md section 7). They hold key bits and syndromes: <see cref="Clear"/> wipes them when the
/// decoder goes back to its pool, so a rented decoder's buffers are all zero.
/// </summary>
internal sealed class LdpcFrameBuffers(LdpcCode code)
{
    /// <summary>Channel LLRs, one per code bit.</summary>
    public short[] Channel { get; } = new short[code.Length];

    /// <summary>Bob's frame y (his key bits, 0 elsewhere), one bit per byte.</summary>
    public byte[] Frame { get; } = new byte[code.Length];

    /// <summary>1 where the value is known (shortened or revealed).</summary>
    public byte[] Known { get; } = new byte[code.Length];

    /// <summary>The decoder's hard decisions.</summary>
    public byte[] Decided { get; } = new byte[code.Length];

    /// <summary>The error syndrome s_A XOR H y, one bit per byte.</summary>
    public byte[] Syndrome { get; } = new byte[code.Checks];

    /// <summary>H y, one bit per byte.</summary>
    public byte[] Own { get; } = new byte[code.Checks];

    /// <summary>Zeroes every buffer.</summary>
    public void Clear()
    {
        Array.Clear(Channel);
        Array.Clear(Frame);
        Array.Clear(Known);
        Array.Clear(Decided);
        Array.Clear(Syndrome);
        Array.Clear(Own);
    }
}
