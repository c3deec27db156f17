using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using Qkd.Quantum.Qrng;

namespace Qkd.Cli.Commands.Quantum;

/// <summary>`qkd qrng`: quantum random bytes from a simulated vacuum-homodyne source or a real entropy device.</summary>
public static class QrngCommand
{
    // Long because it declares every option with its range and help text; parsing and rendering stay in one place per command.
    public static Command Create()
    {
        var bytes = CliOptions.Long("--bytes", "Random bytes to produce", 1, 1 << 28);
        bytes.Required = true;
        var outFile = new Option<string?>("--out") { Description = "Write the bytes to this file (never printed)" };
        var sourceFile = new Option<string?>("--source") { Description = "Read raw samples from this file or character device instead of the simulated source" };
        var minEntropy = CliOptions.Double("--min-entropy", "Claimed min-entropy per sample of --source (default: bits per sample)", 0.01, 8, "bits");
        var bitsPerSample = CliOptions.Long("--bits-per-sample", "Bits used from each byte of --source (default 8)", 1, 8);
        var fault = CliOptions.Choice("--fault", "Fault injected into the simulated source (default none)", "none", "stuck", "biased");
        var clearance = CliOptions.Double("--clearance-db", "Simulated shot-noise clearance (default 10)", 0, 40, "dB");
        var adcBits = CliOptions.Long("--adc-bits", "Simulated ADC resolution (default 8)", 1, 8);
        var security = CliOptions.Long("--security-bits", "Extractor security, epsilon = 2^-s per block (default 64)", 8, 256);
        var seed = CliOptions.Seed();
        var json = CliOptions.Json();
        var cmd = new Command("qrng", "Quantum random numbers: entropy source, SP 800-90B health tests, Toeplitz extractor, SP 800-22 tests")
        {
            bytes, outFile, sourceFile, minEntropy, bitsPerSample, fault, clearance, adcBits, security, seed, json,
        };
        cmd.SetAction(parse =>
        {
            var s = parse.GetValue(seed) ?? 1;
            var path = parse.GetValue(sourceFile);
            IEntropySource source;
            if (path is not null)
            {
                if (!File.Exists(path) && !path.StartsWith("/dev/", StringComparison.Ordinal))
                {
                    throw new UsageException($"--source must name a readable file or device, but '{path}' does not exist.");
                }
                var width = (int)(parse.GetValue(bitsPerSample) ?? 8);
                var claimed = parse.GetValue(minEntropy) ?? width;
                if (claimed > width)
                {
                    throw new UsageException($"--min-entropy must be within [0.01, {width}] bits (the bits per sample), but was {claimed.ToString(CultureInfo.InvariantCulture)} bits.");
                }
                source = new StreamEntropySource(File.OpenRead(path), $"device {path}", width, claimed);
            }
            else
            {
                var model = new VacuumHomodyneModel((int)(parse.GetValue(adcBits) ?? 8), parse.GetValue(clearance) ?? 10);
                var injected = (parse.GetValue(fault) ?? "none") switch
                {
                    "stuck" => SourceFault.Stuck,
                    "biased" => SourceFault.Biased,
                    _ => SourceFault.None,
                };
                source = new VacuumHomodyneSource(model, s, injected);
            }
            QrngReport report;
            try
            {
                report = QuantumRandomNumberGenerator.Generate(source, (int)parse.GetValue(bytes)!.Value, extractorSeed: s ^ 0x5EED_70E9_1170_0000UL,
                    (int)(parse.GetValue(security) ?? 64));
            }
            finally
            {
                (source as IDisposable)?.Dispose();
            }
            var output = parse.InvocationConfiguration.Output;
            var target = parse.GetValue(outFile);
            if (report.HealthTestsPassed && report.Output.Length == parse.GetValue(bytes) && target is not null)
            {
                File.WriteAllBytes(target, [.. report.Output]);
            }
            var fingerprint = report.Output.IsEmpty ? "" : Convert.ToHexStringLower(SHA256.HashData([.. report.Output]))[..16];
            if (parse.GetValue(json))
            {
                JsonOutput.Write(output, new
                {
                    source = report.SourceName,
                    report.BitsPerSample,
                    report.MinEntropyPerSample,
                    minEntropyBitsPerSample = report.MinEntropyPerSample,
                    report.MostCommonValueEstimate,
                    mostCommonValueEstimateBitsPerSample = report.MostCommonValueEstimate,
                    report.HealthTestsPassed,
                    health = report.Health,
                    report.SamplesRead,
                    report.ExtractorInputBits,
                    report.ExtractorOutputBits,
                    report.SecurityBits,
                    bytes = report.Output.Length,
                    outputFile = report.Output.IsEmpty ? null : target,
                    sha256Prefix = fingerprint,
                    statisticalTests = report.StatisticalTests,
                    seed = s,
                });
            }
            else
            {
                var c = CultureInfo.InvariantCulture;
                output.WriteLine($"QRNG from {report.SourceName}");
                output.WriteLine(string.Format(c, "  min-entropy {0:F3} bits/sample (source model or claim), most-common-value estimate {1:F3}", report.MinEntropyPerSample, report.MostCommonValueEstimate));
                output.WriteLine($"  health tests {(report.HealthTestsPassed ? "passed" : "FAILED")}: repetition count cutoff {report.Health.RepetitionCountCutoff} (longest run {report.Health.LongestRun}), adaptive proportion cutoff {report.Health.AdaptiveProportionCutoff}/{report.Health.AdaptiveProportionWindow} (max {report.Health.MaxWindowCount})");
                output.WriteLine($"  Toeplitz {report.ExtractorInputBits} -> {report.ExtractorOutputBits} bits per block, epsilon 2^-{report.SecurityBits}; {report.SamplesRead} samples -> {report.Output.Length} bytes{(target is null || report.Output.IsEmpty ? "" : " written to " + target)}, sha256 {fingerprint}...");
                foreach (var t in report.StatisticalTests)
                {
                    output.WriteLine(string.Format(c, "  SP 800-22 {0,-16} P = {1:F6}  {2}", t.Name, t.PValue, t.Passed ? "pass" : "FAIL"));
                }
            }
            if (!report.HealthTestsPassed)
            {
                parse.InvocationConfiguration.Error.WriteLine("abort: entropy source failed its SP 800-90B health tests; no output released.");
                return ExitCodes.DomainAbort;
            }
            if (report.Output.Length < parse.GetValue(bytes))
            {
                parse.InvocationConfiguration.Error.WriteLine("abort: the entropy source ended before enough samples were read; no output released.");
                return ExitCodes.DomainAbort;
            }
            return ExitCodes.Ok;
        });
        return cmd;
    }
}
