using Qkd.Quantum.Qrng;

namespace Qkd.Cli.Commands.Quantum;

/// <summary>
/// Raw samples from a file or character device (e.g. a hardware QRNG's /dev node): each byte is one
/// sample, of which only the low <see cref="BitsPerSample"/> bits are kept. The claimed min-entropy comes from the user
/// (the device's certification), since the program cannot know it.
/// </summary>
public sealed class StreamEntropySource(Stream stream, string name, int bitsPerSample, double claimedMinEntropyPerSample) : IEntropySource, IDisposable
{
    /// <inheritdoc />
    public string Name => name;

    /// <inheritdoc />
    public int BitsPerSample => bitsPerSample;

    /// <inheritdoc />
    public double ClaimedMinEntropyPerSample => claimedMinEntropyPerSample;

    /// <inheritdoc />
    public int ReadSamples(Span<byte> destination)
    {
        var total = 0;
        while (total < destination.Length)
        {
            var n = stream.Read(destination[total..]);
            if (n == 0)
            {
                break;
            }
            total += n;
        }
        if (bitsPerSample < 8)
        {
            var mask = (byte)((1 << bitsPerSample) - 1);
            for (var i = 0; i < total; i++)
            {
                destination[i] &= mask;
            }
        }
        return total;
    }

    public void Dispose() => stream.Dispose();
}
