using System.Collections.Immutable;
using System.Globalization;
using Qkd.Physics;

namespace Qkd.KeyRate.Analysis;

/// <summary>Key rate and QBER over a range of distances, optionally one curve per value of a link parameter.</summary>
public static class KeyRateSweep
{
    /// <summary>Most samples per curve accepted (the product's plots and CSVs stay readable).</summary>
    public const int MaxSamples = 100_001;

    /// <summary>
    /// The distances from, from + step, ..., up to and including <paramref name="toKm"/> (within 1e-9 of a step).
    /// Throws <see cref="ArgumentException"/> for a negative start, a non-positive step, to &lt; from or too many samples.
    /// </summary>
    public static ImmutableArray<double> Distances(double fromKm, double toKm, double stepKm)
    {
        Guard.InRange(fromKm, 0, 1000, "km", "Sweep start distance");
        Guard.InRange(toKm, fromKm, 1000, "km", "Sweep end distance");
        Guard.InRange(stepKm, 1e-6, 1000, "km", "Sweep step");
        var count = (long)Math.Floor((toKm - fromKm) / stepKm + 1e-9) + 1;
        Guard.InRange(count, 1, MaxSamples, "Number of sweep distances");
        var b = ImmutableArray.CreateBuilder<double>((int)count);
        for (var i = 0; i < count; i++)
        {
            b.Add(fromKm + i * stepKm);
        }
        return b.MoveToImmutable();
    }

    /// <summary>
    /// One curve of <paramref name="model"/> on <paramref name="link"/> at each distance; mu optimised at each distance
    /// when <paramref name="mu"/> is null (beyond the cut-off the last optimal mu is held, for continuous QBER curves). <paramref name="progress"/> receives the fraction done in [0, 1].
    /// <paramref name="atLength"/>, when given, completes the link at each length (e.g. WDM Raman noise, which depends on it).
    /// </summary>
    public static SweepCurve Run(IKeyRateModel model, LinkDescription link, ImmutableArray<double> distancesKm, double? mu,
        string label, string? parameter = null, double value = double.NaN, IProgress<double>? progress = null, double progressOffset = 0,
        double progressScale = 1, Func<LinkDescription, LinkDescription>? atLength = null)
    {
        Guard.NotNull(model);
        Guard.NotNull(link);
        var b = ImmutableArray.CreateBuilder<KeyRateSample>(distancesKm.Length);
        var lastOptimalMu = double.NaN;
        for (var i = 0; i < distancesKm.Length; i++)
        {
            var at = link.WithFiberLength(distancesKm[i]);
            if (atLength is not null)
            {
                at = atLength(at);
            }
            var p = KeyRateAnalysis.Point(model, at, mu);
            if (mu is null && model.OptimisesMu)
            {
                // Beyond the cut-off no mu gives key; keep the last optimal mu so that gain and QBER stay continuous.
                if (p.RawKeyRatePerPulse > 0)
                {
                    lastOptimalMu = p.Mu;
                }
                else if (!double.IsNaN(lastOptimalMu))
                {
                    var held = model.Evaluate(at, lastOptimalMu);
                    p = held with { RawKeyRatePerPulse = Math.Min(held.RawKeyRatePerPulse, p.RawKeyRatePerPulse) };
                }
            }
            var bps = p.KeyRatePerPulse * at.Source.RepetitionRateHz * KeyRateAnalysis.DeadTimeFactor(at, p.Gain);
            b.Add(new KeyRateSample(distancesKm[i], p.Mu, p.Gain, p.Qber, p.KeyRatePerPulse, bps));
            if (progress is not null && (i & 15) == 0)
            {
                progress.Report(progressOffset + progressScale * i / distancesKm.Length);
            }
        }
        var max = KeyRateAnalysis.MaxDistanceKm(model, link, mu, atLength);
        return new SweepCurve(label, model.Name, parameter, value, b.MoveToImmutable(), max);
    }

    /// <summary>
    /// One curve per value of link parameter <paramref name="parameter"/> (a <see cref="LinkParameter"/> name);
    /// `mu` fixes the signal intensity of the curve instead of optimising it.
    /// </summary>
    public static ImmutableArray<SweepCurve> Vary(IKeyRateModel model, LinkDescription link, ImmutableArray<double> distancesKm, double? mu,
        string parameter, ImmutableArray<double> values, IProgress<double>? progress = null, Func<LinkDescription, LinkDescription>? atLength = null)
    {
        Guard.NotNull(link);
        // Validate every variant before computing any, so that a bad value fails fast and nothing is half done.
        var variants = new LinkDescription[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            variants[i] = LinkParameter.Apply(link, parameter, values[i]);
        }
        var b = ImmutableArray.CreateBuilder<SweepCurve>(values.Length);
        for (var i = 0; i < values.Length; i++)
        {
            var curveMu = parameter == "mu" ? values[i] : mu;
            var unit = LinkParameter.Unit(parameter);
            var label = $"{parameter} = {FormatValue(values[i])}{(unit.Length > 0 ? " " + unit : "")}";
            b.Add(Run(model, variants[i], distancesKm, curveMu, label, parameter, values[i], progress, (double)i / values.Length, 1.0 / values.Length, atLength));
        }
        progress?.Report(1);
        return b.MoveToImmutable();
    }

    /// <summary>A legend value: plain for 0.001..99999, else 1e-06 style as "1e-6".</summary>
    public static string FormatValue(double v)
    {
        var a = Math.Abs(v);
        return a == 0 || (a >= 1e-3 && a < 1e5)
            ? v.ToString("G4", CultureInfo.InvariantCulture)
            : v.ToString("0.###e0", CultureInfo.InvariantCulture);
    }
}
