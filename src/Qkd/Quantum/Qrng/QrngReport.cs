using System.Collections.Immutable;

namespace Qkd.Quantum.Qrng;

/// <summary>What a QRNG run produced and how it was checked.</summary>
/// <param name="SourceName">The entropy source.</param>
/// <param name="BitsPerSample">Raw sample width [bits].</param>
/// <param name="MinEntropyPerSample">Min-entropy per sample the extractor and health tests assumed [bits].</param>
/// <param name="MostCommonValueEstimate">SP 800-90B Sec. 6.3.1 estimate from the raw samples [bits/sample].</param>
/// <param name="SamplesRead">Raw samples consumed.</param>
/// <param name="Health">SP 800-90B health tests over all raw samples.</param>
/// <param name="ExtractorInputBits">Toeplitz input block n [bits].</param>
/// <param name="ExtractorOutputBits">Toeplitz output block m [bits].</param>
/// <param name="SecurityBits">Extractor security: statistical distance epsilon = 2^-SecurityBits per block.</param>
/// <param name="Output">The extracted random bytes; empty when the health tests failed (never released).</param>
/// <param name="StatisticalTests">SP 800-22 tests on the output (empty when there is none).</param>
public sealed record QrngReport(string SourceName, int BitsPerSample, double MinEntropyPerSample, double MostCommonValueEstimate,
    long SamplesRead, HealthTestResult Health, int ExtractorInputBits, int ExtractorOutputBits, int SecurityBits,
    ImmutableArray<byte> Output, ImmutableArray<StatisticalTestResult> StatisticalTests)
{
    /// <summary>Both SP 800-90B health tests passed.</summary>
    public bool HealthTestsPassed => Health.Passed;
}
