using System.Security.Cryptography;

namespace Qkd.Gateway.Etsi;

/// <summary>
/// One QKD key as delivered by a KME: its ID (a UUID, identical at both ends) and its bits. The
/// material is owned by this object and wiped by <see cref="Dispose"/>; it is never printed
/// (<see cref="ToString"/> shows the ID only).
/// </summary>
public sealed class QkdKey : IDisposable
{
    private readonly byte[] _material;

    public QkdKey(Guid id, byte[] material)
    {
        ArgumentNullException.ThrowIfNull(material);
        Id = id;
        _material = material;
    }

    public Guid Id { get; }

    /// <summary>Key length [bits].</summary>
    public int SizeBits => _material.Length * 8;

    /// <summary>The key bits (valid until disposed).</summary>
    public ReadOnlySpan<byte> Material => _material;

    public void Dispose() => CryptographicOperations.ZeroMemory(_material);

    public override string ToString() => $"QkdKey({Id}, {SizeBits} bits)";
}
