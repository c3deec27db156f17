namespace Qkd.KeyManagement;

/// <summary>
/// The seam between a QKD link (simulated source, BB84 post-processing, real device) and the key
/// management entities: a stream of <see cref="KeyBlock"/>s, each to be delivered identically to
/// both KMEs of the link. Implementations decide the pacing; consumers decide the transport.
/// </summary>
public interface IKeySupply
{
    /// <summary>Link name used in logs and metrics, e.g. "KME_A-KME_B".</summary>
    string LinkId { get; }

    /// <summary>Yields key blocks as the link produces them until <paramref name="cancellationToken"/> fires.</summary>
    IAsyncEnumerable<KeyBlock> ReadBlocksAsync(CancellationToken cancellationToken);
}
