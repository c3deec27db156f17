namespace Qkd.PostProcessing;

/// <summary>
/// One open binary search of Bob's: pass, block, tree node (heap-numbered, root 1) and the range [Start, Start + Length)
/// of the pass's order that the node covers.
/// </summary>
internal struct CascadeSearch
{
    public int Pass;
    public int Block;
    public int Node;
    public int Start;
    public int Length;
}
