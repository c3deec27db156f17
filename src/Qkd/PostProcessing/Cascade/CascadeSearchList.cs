using System.Buffers;

namespace Qkd.PostProcessing;

/// <summary>A growable list of Bob's open searches on a pooled array (no allocation per block once the pool is warm).</summary>
internal sealed class CascadeSearchList(ArrayPool<CascadeSearch> pool)
{
    private CascadeSearch[] _items = [];

    public int Count { get; private set; }

    public CascadeSearch this[int index] => _items[index];

    public void Add(CascadeSearch search)
    {
        if (Count == _items.Length)
        {
            var larger = pool.Rent(Math.Max(256, 2 * _items.Length));
            _items.AsSpan(0, Count).CopyTo(larger);
            Return();
            _items = larger;
        }
        _items[Count++] = search;
    }

    public void Clear() => Count = 0;

    /// <summary>Gives the array back to the pool; the list is empty and usable again.</summary>
    public void Release()
    {
        Return();
        _items = [];
        Count = 0;
    }

    private void Return()
    {
        if (_items.Length > 0)
        {
            pool.Return(_items);
        }
    }
}
