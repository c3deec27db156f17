using System.Collections.Immutable;
using System.Globalization;
using Qkd.Bb84.Eavesdropping;
using Qkd.Bb84.Link;

namespace Qkd.Cli.Commands;

/// <summary>The --json shape of `qkd simulate` (field names are part of the command's contract, issue #3).</summary>
internal sealed record SimulateReport(
    string Preset, string Protocol, double DistanceKm, string Eve, double EveFraction, ulong Seed,
    long Pulses, double LinkSeconds, long Detections, long DeadPulses, int SiftedBits, double Qber, double KeyQber, double Gain,
    ImmutableArray<IntensityReport> PerIntensity, string EstimationMethod, double Y1Lower, double E1Upper, double Q1Lower,
    double SecretBits, bool Secure, long EveKnownKeyBits, long ClassicalBytes, long ClassicalMessages, double ElapsedSeconds, double SpeedRatio)
{
    /// <summary>The whole chain to secret key (only with --distill).</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public DistillReport? Distill { get; init; }

    public static SimulateReport From(string preset, SimulationResult r, double elapsedSeconds)
    {
        var s = r.Settings;
        var perIntensity = ImmutableArray.CreateBuilder<IntensityReport>(r.PerIntensity.Length);
        foreach (var i in r.PerIntensity)
        {
            perIntensity.Add(new IntensityReport(i.Name, i.MeanPhotonNumber, i.Probability, i.Pulses, i.Detections, i.Gain,
                i.SiftedZ, i.SiftedX, i.Disclosed, i.Errors, i.Qber, i.QberZ, i.QberX));
        }
        return new SimulateReport(preset, s.Protocol == ProtocolKind.ThreeState ? "three-state" : "bb84", s.Link.Fiber.LengthKm,
            s.Eve.Kind switch
            {
                EavesdropperKind.InterceptResend => "intercept-resend",
                EavesdropperKind.PhotonNumberSplitting => "pns",
                EavesdropperKind.BeamSplitting => "beam-splitting",
                _ => "none",
            },
            s.Eve.Fraction, s.Seed, r.Pulses, r.LinkSeconds, r.Detections, r.DeadPulses, r.SiftedBits, r.Qber, r.KeyQber, r.Gain,
            perIntensity.MoveToImmutable(), r.Estimate.Method.ToString(), r.Y1Lower, r.E1Upper, r.Estimate.Q1Lower, r.Estimate.SecretBits,
            r.Secure, r.EveKnownKeyBits, r.ClassicalBytes, r.ClassicalMessages, elapsedSeconds,
            elapsedSeconds > 0 ? r.LinkSeconds / elapsedSeconds : double.PositiveInfinity);
    }

    public void WriteText(TextWriter o)
    {
        var c = CultureInfo.InvariantCulture;
        o.WriteLine(string.Create(c, $"{Preset} at {DistanceKm:G4} km, {Protocol}, eve {Eve}{(Eve == "none" ? "" : string.Create(c, $" ({EveFraction:G3})"))}, seed {Seed}"));
        o.WriteLine(string.Create(c, $"pulses {Pulses:N0} ({LinkSeconds:G4} s of link time), detections {Detections:N0}, gain {Gain:E3}"));
        o.WriteLine(string.Create(c, $"sifted key {SiftedBits:N0} bits, QBER {Qber:P2} (estimated), {KeyQber:P2} (true)"));
        o.WriteLine("intensity     mu      p        pulses   detections        gain      QBER");
        foreach (var i in PerIntensity)
        {
            o.WriteLine(string.Create(c, $"{i.Name,-9} {i.MeanPhotonNumber,6:G3} {i.Probability,6:G3} {i.Pulses,13:N0} {i.Detections,12:N0} {i.Gain,11:E3} {i.Qber,9:P2}"));
        }
        o.WriteLine(string.Create(c, $"{EstimationMethod}: Y1 >= {Y1Lower:E3}, e1 <= {E1Upper:P2}, secret bits {SecretBits:N0} -> {(Secure ? "SECURE" : "NOT SECURE")}"));
        o.WriteLine(string.Create(c, $"classical channel {ClassicalBytes:N0} bytes in {ClassicalMessages} messages; Eve knows {EveKnownKeyBits:N0} key bits"));
        o.WriteLine(string.Create(c, $"elapsed {ElapsedSeconds:F3} s ({SpeedRatio:G4}x real time)"));
        if (Distill is { } d)
        {
            o.WriteLine(string.Create(c, $"distilled with {d.Method}: {d.SecretBits:N0} secret bits, keys equal {(d.KeysEqual ? "yes" : "no")}, f = {d.Efficiency:F3}, leaked {d.LeakedBits:N0} bits, {d.RoundTrips} round trips"));
            o.WriteLine(string.Create(c, $"secret key rate {d.GrossSecretKeyRateBps:G4} bit/s (simulated chain) vs {d.AnalyticSecretKeyRateBps:G4} bit/s ({d.AnalyticModel}, analytic)"));
            o.WriteLine(string.Create(c, $"authentication paid {d.AuthenticationKeyReplenishedBits:N0} bits back into the tag-key pool: net {d.SecretKeyRateBps:G4} bit/s"));
        }
    }
}

/// <summary>One intensity in the --json output.</summary>
internal sealed record IntensityReport(
    string Name, double MeanPhotonNumber, double Probability, long Pulses, long Detections, double Gain,
    long SiftedZ, long SiftedX, long Disclosed, long Errors, double Qber, double QberZ, double QberX)
{
    /// <summary><see cref="Disclosed"/> under its unit-suffixed name (issue 14); the old name stays for scripts.</summary>
    public long DisclosedBits => Disclosed;
}

/// <summary>The --distill part of `qkd simulate --json`: pulses carried to secret key beside the analytic model.</summary>
/// <remarks>
/// secretBits / secretKeyRateBps are net of the authentication key the run consumed (Wegman-Carter tags are paid
/// with generated key before anything is delivered); grossSecretBits / grossSecretKeyRateBps are the privacy
/// amplification output before that payment, which is what the analytic model describes.
/// </remarks>
internal sealed record DistillReport(
    string Method, bool KeysEqual, long SecretBits, double SecretKeyRateBps, long GrossSecretBits, double GrossSecretKeyRateBps,
    long AuthenticationKeyReplenishedBits, string AnalyticModel, double AnalyticSecretKeyRateBps,
    double Efficiency, long LeakedBits, int FrameErrors, long RoundTrips, long ClassicalBytes, long AuthenticationKeySpentBits,
    double EpsilonSecrecy, double EpsilonCorrectness, double ElapsedSeconds)
{
    public static DistillReport From(Qkd.Distillation.DistillationResult r)
    {
        var post = r.PostProcessing;
        var equal = post.AliceKeys.Length > 0;
        for (var i = 0; i < post.AliceKeys.Length; i++)
        {
            equal &= post.AliceKeys[i] is { } a && post.BobKeys[i] is { } b && a.Equals(b);
        }
        var rep = post.Report;
        var gross = rep.SecretBits + rep.AuthenticationKeyReplenishedBits;
        var seconds = r.Simulation.LinkSeconds;
        return new DistillReport(rep.Method, equal, rep.SecretBits, r.SecretKeyRateBps, gross, gross / seconds,
            rep.AuthenticationKeyReplenishedBits, r.AnalyticModel, r.AnalyticSecretKeyRateBps,
            rep.MeanEfficiency, rep.LeakedBits, rep.FrameErrors, rep.RoundTrips, rep.BytesExchanged, rep.AuthenticationKeySpentBits,
            rep.EpsilonSecrecy, rep.EpsilonCorrectness, rep.ElapsedSeconds);
    }
}
