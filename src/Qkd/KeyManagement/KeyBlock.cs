namespace Qkd.KeyManagement;

/// <summary>
/// A block of final secret key that a QKD link delivered, bit for bit identical, to the key
/// management entities at both of its ends, under the same <see cref="Id"/>.
/// </summary>
/// <param name="Id">Block identifier, the same at both ends of the link.</param>
/// <param name="Key">Key material, whole bytes. Secret: never log it; wipe it when done.</param>
public sealed record KeyBlock(Guid Id, byte[] Key)
{
    /// <summary>Length of the block in bits.</summary>
    public long LengthBits => Key.LongLength * 8;
}
