using System.Globalization;
using Qkd.Bits;
using Qkd.KeyRate;
using Qkd.PostProcessing;
using Qkd.PostProcessing.Ldpc;

namespace Qkd.Benchmarks.PostProcessing;

/// <summary>
/// The efficiency-versus-iterations frontier of the blind LDPC schedule (not a timing: f, frame errors, attempts and
/// belief-propagation iterations are counts, and the punctured fill is replayed from a seed, so a run repeats exactly):
/// every combination of stall window {1, 2}, resumed stall window {2, 3}, reveals per unsatisfied check
/// {0.06, 0.08, 0.10, 0.13} and start efficiency {0.85, 0.88, 0.92} (<see cref="LdpcOptions"/>), on the seeded frames of
/// <see cref="LdpcBenchmarks"/>, one line per schedule sorted by iterations, the defaults marked.
/// Run: <c>dotnet run -c Release --project bench/Qkd.Benchmarks -- ldpc-frontier [--qber 0.01] [--frames 60] [--bound 1.10]</c>.
/// </summary>
public static class LdpcFrontier
{
    private const int Bits = 100_000;

    /// <summary>Runs the grid; returns the process exit code (2 for a bad argument).</summary>
    public static int Run(string[] args)
    {
        double qber = 0.01, bound = 1.10;
        var frames = 60;
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--qber" when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out qber) && qber is > 0 and < 0.15:
                case "--bound" when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out bound) && bound is >= 1 and <= 2:
                case "--frames" when int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out frames) && frames is >= 1 and <= 10_000:
                    i++;
                    break;
                default:
                    Console.Error.WriteLine($"ldpc-frontier: bad argument '{args[i]}' {value}: --qber takes 0 < Q < 0.15, --frames 1-10000, --bound 1-2.");
                    return 2;
            }
        }
        var (alice, bob) = LdpcBenchmarks.QualityInputs(Bits, qber, frames);
        var rows = new List<(LdpcOptions Options, double F, int Failed, double Attempts, double Iterations)>();
        foreach (var stall in new[] { 1, 2 })
        {
            foreach (var resumed in new[] { 2, 3 })
            {
                foreach (var perCheck in new[] { 0.06, 0.08, 0.10, 0.13 })
                {
                    foreach (var start in new[] { 0.85, 0.88, 0.92 })
                    {
                        var options = LdpcOptions.Default with
                        {
                            StallWindow = stall, ResumedStallWindow = resumed, RevealPerUnsatisfiedCheck = perCheck, StartEfficiency = start,
                        };
                        rows.Add(Measure(options, qber, alice, bob));
                        Console.Error.Write('.');
                    }
                }
            }
        }
        Console.Error.WriteLine();
        var defaults = LdpcOptions.Default;
        Console.WriteLine($"QBER {qber.ToString(CultureInfo.InvariantCulture)}, {frames} frames of {Bits} bits; * = defaults, f <= {bound.ToString(CultureInfo.InvariantCulture)} marked ok");
        Console.WriteLine("stall  resumed  reveal/unsat  f_start  |  f       FER  attempts  iterations");
        foreach (var row in rows.OrderBy(r => r.Iterations))
        {
            var o = row.Options;
            var mark = o.StallWindow == defaults.StallWindow && o.ResumedStallWindow == defaults.ResumedStallWindow
                && o.RevealPerUnsatisfiedCheck == defaults.RevealPerUnsatisfiedCheck && o.StartEfficiency == defaults.StartEfficiency ? "*" : " ";
            var ok = row.F <= bound && row.Failed == 0 ? "ok" : "";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{mark}{o.StallWindow,4}  {o.ResumedStallWindow,7}  {o.RevealPerUnsatisfiedCheck,12:F2}  {o.StartEfficiency,7:F2}  |  {row.F:F4}  {row.Failed,3}  {row.Attempts,8:F2}  {row.Iterations,10:F1}  {ok}"));
        }
        return 0;
    }

    private static (LdpcOptions, double, int, double, double) Measure(LdpcOptions options, double qber, BitString[] alice, BitString[] bob)
    {
        double sum = 0;
        var failed = 0;
        long attempts = 0, iterations = 0;
        for (var i = 0; i < alice.Length; i++)
        {
            var b = bob[i].Clone();
            var errors = alice[i].HammingDistance(b);
            var result = LdpcReconciler.Reconcile(options, qber, alice[i], b, new ReplayedFill((ulong)i));
            failed += result.Decoded && alice[i].Equals(b) ? 0 : 1;
            attempts += result.Attempts;
            iterations += result.Iterations;
            sum += result.LeakedBits / (Bits * Entropy.Binary((double)errors / Bits));
        }
        return (options, sum / alice.Length, failed, (double)attempts / alice.Length, (double)iterations / alice.Length);
    }

    /// <summary>Alice's punctured fill replayed from a seed, so every schedule sees the same filler bits (a measurement, never a link).</summary>
    private sealed class ReplayedFill(ulong seed) : ISecretRandom
    {
        private SimRandom _stream = SimRandom.ForStream(seed, 0xF111);

        public void Fill(Span<ulong> destination) => _stream.Fill(destination);

        public void Fill(Span<byte> destination)
        {
            for (var i = 0; i < destination.Length; i++)
            {
                destination[i] = (byte)_stream.NextUInt64();
            }
        }

        public ulong NextUInt64() => _stream.NextUInt64();

        public ISecretRandom ForBlock(long block) => new ReplayedFill(seed ^ (ulong)block * 0x9E3779B97F4A7C15UL);
    }
}
