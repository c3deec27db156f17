using System.CommandLine;
using System.Globalization;
using Qkd.Bits;
using Qkd.PostProcessing;
using Qkd.PostProcessing.Ldpc;

namespace Qkd.Cli.Commands;

/// <summary>
/// `qkd postprocess`: correlated keys (a binary symmetric channel, or Alice's and Bob's key files) through the
/// post-processing pipeline: estimation, Cascade, verification, Toeplitz privacy amplification, authenticated.
/// </summary>
public static class PostprocessCommand
{
    /// <summary>Blocks in flight by default when the channel has a simulated latency: enough for Cascade's ~450 round trips per block to overlap.</summary>
    public const int InFlightOverLatency = 64;

    /// <summary>
    /// Blocks in flight by default without latency: more only enlarge the working set. Measured (docs/postprocessing.md,
    /// fourth round): 400 blocks of 10^5 bits, 2 lanes, cascade-original 35.5-40.7 Mbit/s with 64 in flight, 41.9-45.9 with 16.
    /// </summary>
    public const int InFlightWithoutLatency = 16;

    public static Command Create()
    {
        var bits = CliOptions.Long("--bits", "Bits per block (sifted key length)", 256, 1 << 24);
        var qber = CliOptions.Double("--qber", "Bit error rate of the binary symmetric channel (fraction)", 0, 0.5);
        var method = CliOptions.Choice("--method", "Cascade variant, or ldpc (one-way rate-adaptive LDPC with blind rounds); default " + CascadeVariant.Default.Name, [.. CascadeVariant.Names, LdpcOptions.MethodName]);
        var runs = CliOptions.Long("--runs", "Number of blocks", 1, 100_000);
        var inFlight = CliOptions.Long("--in-flight", $"Blocks in flight on the classical channel (default {InFlightOverLatency} with --latency-ms above 0, to cover the round trips; else {InFlightWithoutLatency})", 1, 4096);
        var lanes = CliOptions.Long("--lanes", "Blocks reconciled at once, each lane its own conversation on its own thread (default: the processor count)", 1, PostProcessingOptions.MaxLanes);
        var latency = CliOptions.Double("--latency-ms", "One-way latency of the classical channel for the simulated-time throughput", 0, 1000, "ms");
        var sample = CliOptions.Double("--sample-fraction", "Fraction of each block disclosed for parameter estimation (default 0.1)", 1e-4, 0.5);
        var epsSec = CliOptions.Double("--eps-sec", "Secrecy parameter eps_sec (default 1e-10)", 1e-30, 0.1);
        var aliceFile = new Option<FileInfo?>("--alice-key") { Description = "Alice's key file (raw bytes, or text of 0/1); with --bob-key instead of a simulated channel" };
        var bobFile = new Option<FileInfo?>("--bob-key") { Description = "Bob's key file, same format and length as --alice-key" };
        var seed = CliOptions.Seed();
        var json = CliOptions.Json();
        var cmd = new Command("postprocess", "Reconcile, verify and privacy-amplify correlated keys; methods: " + string.Join(", ", [.. CascadeVariant.Names, LdpcOptions.MethodName]))
        {
            bits, qber, method, runs, inFlight, lanes, latency, sample, epsSec, aliceFile, bobFile, seed, json,
        };
        cmd.SetAction(async (parse, cancellationToken) =>
        {
            var methodName = parse.GetValue(method) ?? CascadeVariant.Default.Name;
            var variant = CascadeVariant.FromName(methodName) ?? CascadeVariant.Default;
            var blockBits = (int)(parse.GetValue(bits) ?? 100_000);
            var q = parse.GetValue(qber) ?? 0.02;
            var seedValue = parse.GetValue(seed) ?? 1;
            var latencyMs = parse.GetValue(latency) ?? 0;
            var options = new PostProcessingOptions
            {
                Variant = variant,
                Ldpc = methodName == LdpcOptions.MethodName ? LdpcOptions.Default : null,
                MaxBlocksInFlight = (int)(parse.GetValue(inFlight) ?? (latencyMs > 0 ? InFlightOverLatency : InFlightWithoutLatency)),
                Lanes = (int)(parse.GetValue(lanes) ?? Math.Min(Environment.ProcessorCount, PostProcessingOptions.MaxLanes)),
                SimulatedOneWayLatency = TimeSpan.FromMilliseconds(latencyMs),
                SampleFraction = parse.GetValue(sample) ?? 0.1,
                EpsilonSecrecy = parse.GetValue(epsSec) ?? 1e-10,
                ShuffleSeed = seedValue,
            };
            var a = parse.GetValue(aliceFile);
            var b = parse.GetValue(bobFile);
            IReadOnlyList<SiftedBlock> blocks;
            string source;
            if (a is not null || b is not null)
            {
                if (a is null || b is null)
                {
                    throw new UsageException("--alice-key and --bob-key must be given together.");
                }
                blocks = KeyFiles.Blocks(a, b, blockBits);
                source = "files";
            }
            else
            {
                blocks = BinarySymmetricChannel.Blocks(blockBits, q, (int)(parse.GetValue(runs) ?? 10), seedValue);
                source = "bsc";
            }
            var result = await PostProcessingPipeline.RunAsync(blocks, options, TimeProvider.System, cancellationToken).ConfigureAwait(false);
            var summary = PostprocessSummary.From(result, source, q, seedValue, options.MaxBlocksInFlight);
            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(json))
            {
                JsonOutput.Write(output, summary);
            }
            else
            {
                summary.WriteText(output);
            }
            if (summary.AuthenticationKeyExhausted)
            {
                parse.InvocationConfiguration.Error.WriteLine(
                    $"qkd postprocess: key delivery stopped: the authentication key ran out ({summary.AbortReasons.GetValueOrDefault("authenticationKeyExhausted")} block(s) not run).");
            }
            return summary.SecretBlocks == 0 || summary.AuthenticationKeyExhausted ? ExitCodes.DomainAbort : ExitCodes.Ok;
        });
        return cmd;
    }
}

/// <summary>Reads key files: raw bytes, or text made of '0' and '1' (whitespace ignored).</summary>
internal static class KeyFiles
{
    public static IReadOnlyList<SiftedBlock> Blocks(FileInfo alice, FileInfo bob, int blockBits)
    {
        var a = Read(alice);
        var b = Read(bob);
        if (a.Length != b.Length)
        {
            throw new UsageException($"--alice-key has {a.Length} bits but --bob-key has {b.Length}; the keys must be equally long.");
        }
        if (a.Length < 256)
        {
            throw new UsageException($"The key files hold {a.Length} bits; at least 256 are needed.");
        }
        var blocks = new List<SiftedBlock>();
        for (var start = 0; start < a.Length; start += blockBits)
        {
            var length = Math.Min(blockBits, a.Length - start);
            if (length < 256)
            {
                break;
            }
            blocks.Add(new SiftedBlock(a.Slice(start, length), b.Slice(start, length)));
        }
        return blocks;
    }

    private static BitString Read(FileInfo file)
    {
        if (!file.Exists)
        {
            throw new UsageException($"Key file '{file.FullName}' does not exist.");
        }
        var bytes = File.ReadAllBytes(file.FullName);
        var text = true;
        var count = 0;
        foreach (var c in bytes)
        {
            if (c is (byte)'0' or (byte)'1')
            {
                count++;
            }
            else if (c is not ((byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t'))
            {
                text = false;
                break;
            }
        }
        if (!text)
        {
            return BitString.FromBytes(bytes, bytes.Length * 8);
        }
        var key = new BitString(count);
        var i = 0;
        foreach (var c in bytes)
        {
            if (c is (byte)'0' or (byte)'1')
            {
                key[i++] = c == (byte)'1';
            }
        }
        return key;
    }
}

/// <summary>The --json document of `qkd postprocess` (field names are a contract).</summary>
internal sealed record PostprocessSummary(
    string Method, string Source, ulong Seed, int Runs, int Bits, double Qber, bool KeysEqual, double Efficiency,
    long LeakedBits, long SecretBits, double RoundTrips, double FrameErrorRate, double ThroughputBitsPerSecond,
    double MeasuredQber, int SecretBlocks, int FrameErrors, int AbortedBlocks, long ChannelMessages, long BytesExchanged,
    long AuthKeySpentBits, long AuthKeyReplenishedBits, double EpsilonSecrecy, double EpsilonCorrectness,
    double EpsilonAuthentication, int BlocksInFlight, double ElapsedSeconds, double SimulatedSeconds,
    double SimulatedThroughputBitsPerSecond)
{
    /// <summary>Aborted blocks by reason (qberAboveThreshold, authenticationFailure, authenticationKeyExhausted, channelFailure).</summary>
    public IReadOnlyDictionary<string, int> AbortReasons { get; init; } = new Dictionary<string, int>();

    /// <summary>True when key delivery stopped because the authentication key ran out (the run exits 1).</summary>
    public bool AuthenticationKeyExhausted { get; init; }

    /// <summary>Secret bits before the authentication pool was replenished from them.</summary>
    public long GrossSecretBits { get; init; }

    public static PostprocessSummary From(PostProcessingResult result, string source, double qber, ulong seed, int inFlight)
    {
        var r = result.Report;
        var equal = true;
        var secretBlocks = 0;
        long corrected = 0, reconciled = 0;
        for (var i = 0; i < r.Blocks.Length; i++)
        {
            var block = r.Blocks[i];
            if (block.Outcome == BlockOutcome.Secret)
            {
                secretBlocks++;
                equal &= result.AliceKeys[i] is { } a && a.Equals(result.BobKeys[i]);
            }
            corrected += block.CorrectedErrors;
            reconciled += block.ReconciledBits;
        }
        var bits = r.Blocks.Length > 0 ? r.Blocks[0].InputBits : 0;
        return new PostprocessSummary(r.Method, source, seed, r.Blocks.Length, bits, qber, equal && secretBlocks > 0, r.MeanEfficiency,
            r.LeakedBits, r.SecretBits, r.Blocks.Length > 0 ? (double)r.RoundTrips / r.Blocks.Length : 0, r.FrameErrorRate,
            r.ThroughputBitsPerSecond, reconciled > 0 ? (double)corrected / reconciled : 0, secretBlocks, r.FrameErrors, r.AbortedBlocks,
            r.ChannelMessages, r.BytesExchanged, r.AuthenticationKeySpentBits, r.AuthenticationKeyReplenishedBits,
            r.EpsilonSecrecy, r.EpsilonCorrectness, r.EpsilonAuthentication, inFlight, r.ElapsedSeconds, r.SimulatedSeconds,
            r.SimulatedThroughputBitsPerSecond)
        {
            AbortReasons = r.AbortReasons,
            AuthenticationKeyExhausted = r.AuthenticationKeyExhausted,
            GrossSecretBits = r.GrossSecretBits,
        };
    }

    public void WriteText(TextWriter output)
    {
        var c = CultureInfo.InvariantCulture;
        output.WriteLine(string.Create(c, $"qkd postprocess: {Runs} block(s) of {Bits} bits from {Source}, method {Method}, seed {Seed}"));
        output.WriteLine(string.Create(c, $"  measured QBER          {MeasuredQber:P3}"));
        output.WriteLine(string.Create(c, $"  keys equal             {(KeysEqual ? "yes" : "no")} ({SecretBlocks} secret, {FrameErrors} frame errors, {AbortedBlocks} aborted)"));
        foreach (var (reason, count) in AbortReasons)
        {
            output.WriteLine(string.Create(c, $"    aborted: {reason,-26} {count}"));
        }
        output.WriteLine(string.Create(c, $"  efficiency f           {Efficiency:F4}"));
        output.WriteLine(string.Create(c, $"  leaked bits            {LeakedBits}"));
        output.WriteLine(string.Create(c, $"  secret bits            {SecretBits}"));
        output.WriteLine(string.Create(c, $"  round trips per block  {RoundTrips:F1} ({ChannelMessages} channel messages with {BlocksInFlight} blocks in flight)"));
        output.WriteLine(string.Create(c, $"  frame error rate       {FrameErrorRate:G3}"));
        output.WriteLine(string.Create(c, $"  auth key spent         {AuthKeySpentBits} bits (replenished {AuthKeyReplenishedBits})"));
        output.WriteLine(string.Create(c, $"  epsilons               sec {EpsilonSecrecy:G3}, cor {EpsilonCorrectness:G3}, auth {EpsilonAuthentication:G3}"));
        output.WriteLine(string.Create(c, $"  throughput             {ThroughputBitsPerSecond / 1e6:F2} Mbit/s over the blocks that produced key ({ElapsedSeconds:F3} s)"));
        if (AuthenticationKeyExhausted)
        {
            output.WriteLine("  KEY DELIVERY STOPPED   the authentication key ran out");
        }
        if (SimulatedSeconds > 0)
        {
            output.WriteLine(string.Create(c, $"  simulated latency      {SimulatedSeconds:F3} s, {SimulatedThroughputBitsPerSecond / 1e6:F2} Mbit/s latency-bound"));
        }
    }
}
