namespace Qkd.Testbed.Link;

/// <summary>Receives a live link's slices and blocks as they happen (called from the link's background task).</summary>
public interface ILinkObserver
{
    /// <summary>A slice of link time was released.</summary>
    void OnSlice(LinkSecond slice);

    /// <summary>A block was distilled (delivered or rejected).</summary>
    void OnBlock(BlockRecord block);
}
