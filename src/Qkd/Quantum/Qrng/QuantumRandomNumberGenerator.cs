using System.Collections.Immutable;
using Qkd.Bits;

namespace Qkd.Quantum.Qrng;

/// <summary>
/// Raw samples from an <see cref="IEntropySource"/>, continuously health-tested (SP 800-90B
/// Sec. 4.4) and conditioned by a <see cref="ToeplitzExtractor"/> sized by the leftover hash lemma
/// from the source's claimed min-entropy. Output is released only while the health tests pass.
/// This is the randomness interface other parts of qkd (post-processing seeds, key generation) can take.
/// </summary>
public sealed class QuantumRandomNumberGenerator
{
    private readonly IEntropySource _source;
    private readonly ToeplitzExtractor _extractor;
    private readonly HealthMonitor _health;
    private readonly byte[] _samples;
    private readonly ulong[] _packed;
    private readonly ulong[] _extracted;
    private readonly byte[] _pending;
    private readonly long[] _valueCounts = new long[256];
    private int _pendingStart;
    private int _pendingCount;

    /// <summary>Samples per extractor block.</summary>
    public int SamplesPerBlock { get; }

    /// <summary>Extractor security parameter: epsilon = 2^-SecurityBits per block.</summary>
    public int SecurityBits { get; }

    /// <summary>Raw samples consumed so far.</summary>
    public long SamplesRead { get; private set; }

    /// <summary>The extractor in use.</summary>
    public ToeplitzExtractor Extractor => _extractor;

    /// <summary>SP 800-90B most-common-value min-entropy estimate over the raw samples read so far [bits/sample]; 0 before two samples.</summary>
    public double MostCommonValueEstimate
    {
        get
        {
            var max = 0L;
            foreach (var c in _valueCounts)
            {
                max = Math.Max(max, c);
            }
            return SamplesRead >= 2 ? MinEntropyEstimate.MostCommonValue(max, SamplesRead) : 0;
        }
    }

    /// <summary>Health-test state so far.</summary>
    public HealthTestResult Health => _health.Result;

    /// <summary>
    /// Builds the generator. The Toeplitz seed (n + m - 1 bits) is drawn from <paramref name="extractorSeed"/>:
    /// it may be public and fixed, but must not depend on the source.
    /// </summary>
    public QuantumRandomNumberGenerator(IEntropySource source, ulong extractorSeed, int securityBits = 64, int samplesPerBlock = 1024)
    {
        _source = Guard.NotNull(source);
        Guard.InRange(source.BitsPerSample, 1, 8, "bits per sample");
        SecurityBits = (int)Guard.InRange(securityBits, 1, 1024, "security bits");
        SamplesPerBlock = (int)Guard.InRange(samplesPerBlock, 64, 1 << 20, "samples per block");
        var inputBits = samplesPerBlock * source.BitsPerSample;
        var outputBits = ToeplitzExtractor.OutputLength(samplesPerBlock * source.ClaimedMinEntropyPerSample, securityBits);
        if (outputBits < 8)
        {
            throw new ArgumentException(
                $"A block of {samplesPerBlock} samples at {source.ClaimedMinEntropyPerSample:G4} bits/sample holds too little min-entropy for a {securityBits}-bit secure extractor; use larger blocks or a better source.");
        }
        outputBits -= outputBits % 8;
        var random = new SimRandom(extractorSeed);
        _extractor = new ToeplitzExtractor(inputBits, outputBits, BitString.Random(inputBits + outputBits - 1, ref random));
        _health = new HealthMonitor(source.ClaimedMinEntropyPerSample, source.BitsPerSample);
        _samples = new byte[samplesPerBlock];
        _packed = new ulong[BitString.WordCount(inputBits)];
        _extracted = new ulong[BitString.WordCount(outputBits)];
        _pending = new byte[outputBits / 8];
    }

    /// <summary>
    /// Fills <paramref name="destination"/> with extracted bytes. Returns false, with the destination
    /// wiped, when a health test has failed or the source ran dry; the generator then stays failed.
    /// </summary>
    public bool TryFill(Span<byte> destination)
    {
        var written = 0;
        while (written < destination.Length)
        {
            if (!_health.Result.Passed)
            {
                destination.Clear();
                return false;
            }
            if (_pendingCount == 0 && !NextBlock())
            {
                destination.Clear();
                return false;
            }
            var take = Math.Min(_pendingCount, destination.Length - written);
            _pending.AsSpan(_pendingStart, take).CopyTo(destination[written..]);
            _pendingStart += take;
            _pendingCount -= take;
            written += take;
        }
        return _health.Result.Passed;
    }

    /// <summary>
    /// Generates <paramref name="outputBytes"/> bytes from <paramref name="source"/> and reports the
    /// entropy estimate, health tests and SP 800-22 tests of the output.
    /// </summary>
    public static QrngReport Generate(IEntropySource source, int outputBytes, ulong extractorSeed, int securityBits = 64, int samplesPerBlock = 1024)
    {
        Guard.InRange(outputBytes, 1, 1 << 28, "output bytes");
        var qrng = new QuantumRandomNumberGenerator(source, extractorSeed, securityBits, samplesPerBlock);
        var output = new byte[outputBytes];
        var ok = qrng.TryFill(output);
        var mcv = qrng.MostCommonValueEstimate;
        var tests = ok ? [.. RandomnessTests.RunAll(BitString.FromBytes(output, outputBytes * 8))] : ImmutableArray<StatisticalTestResult>.Empty;
        return new QrngReport(source.Name, source.BitsPerSample, source.ClaimedMinEntropyPerSample, mcv, qrng.SamplesRead, qrng.Health,
            qrng._extractor.InputBits, qrng._extractor.OutputBits, securityBits, ok ? [.. output] : [], tests);
    }

    private bool NextBlock()
    {
        var read = _source.ReadSamples(_samples);
        SamplesRead += read;
        _health.Feed(_samples.AsSpan(0, read));
        for (var i = 0; i < read; i++)
        {
            _valueCounts[_samples[i]]++;
        }
        if (read < _samples.Length || !_health.Result.Passed)
        {
            return false;
        }
        Pack(_samples, _source.BitsPerSample, _packed);
        _extractor.Extract(_packed, _extracted);
        for (var i = 0; i < _pending.Length; i++)
        {
            _pending[i] = (byte)(_extracted[i >> 3] >> ((i & 7) * 8));
        }
        _pendingStart = 0;
        _pendingCount = _pending.Length;
        return true;
    }

    /// <summary>Packs the low <paramref name="bitsPerSample"/> bits of each sample, least significant first, into words.</summary>
    internal static void Pack(ReadOnlySpan<byte> samples, int bitsPerSample, Span<ulong> destination)
    {
        destination.Clear();
        var mask = (1 << bitsPerSample) - 1;
        var bit = 0;
        foreach (var s in samples)
        {
            var v = (ulong)(s & mask);
            destination[bit >> 6] |= v << (bit & 63);
            var spill = (bit & 63) + bitsPerSample - 64;
            if (spill > 0)
            {
                destination[(bit >> 6) + 1] |= v >> (bitsPerSample - spill);
            }
            bit += bitsPerSample;
        }
    }
}
