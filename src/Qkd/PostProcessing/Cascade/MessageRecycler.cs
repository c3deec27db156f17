namespace Qkd.PostProcessing;

/// <summary>
/// Exact-length byte arrays for Cascade's query and answer messages in the pipeline: the pipeline's party loop
/// copies every reply into a channel message and then hands the array back here, so the next reply of the same
/// length reuses it instead of allocating (a 10^5-bit block at 2 % sends ~150 kB of such messages). Only arrays
/// this recycler handed out are taken back, so a reply that something else still holds is never reused. Thread-safe
/// (the frame partner thread and both parties' loops may rent and return at once). Cascade messages carry only
/// parities that are disclosed anyway, so the arrays are cleared, not wiped, when reused.
/// </summary>
internal sealed class MessageRecycler
{
    /// <summary>Arrays kept per length.</summary>
    private const int PerLength = 64;

    /// <summary>Bytes kept in all (beyond that, returned arrays are left to the collector).</summary>
    private const long MaxKeptBytes = 8L << 20;

    private readonly Lock _gate = new();
    private readonly Dictionary<int, Stack<byte[]>> _free = [];
    private readonly HashSet<byte[]> _rented = new(ReferenceEqualityComparer.Instance);
    private long _keptBytes;

    /// <summary>A zeroed array of exactly <paramref name="length"/> bytes.</summary>
    public byte[] Rent(int length)
    {
        lock (_gate)
        {
            byte[] array;
            if (_free.TryGetValue(length, out var stack) && stack.Count > 0)
            {
                array = stack.Pop();
                _keptBytes -= length;
                Array.Clear(array);
            }
            else
            {
                array = new byte[length];
            }
            _rented.Add(array);
            return array;
        }
    }

    /// <summary>Takes back an array handed out by <see cref="Rent"/> (any other array is ignored).</summary>
    public void Return(byte[] array)
    {
        lock (_gate)
        {
            if (!_rented.Remove(array) || _keptBytes + array.Length > MaxKeptBytes)
            {
                return;
            }
            if (!_free.TryGetValue(array.Length, out var stack))
            {
                _free[array.Length] = stack = new Stack<byte[]>();
            }
            if (stack.Count < PerLength)
            {
                stack.Push(array);
                _keptBytes += array.Length;
            }
        }
    }
}
