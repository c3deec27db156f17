using Qkd.Bb84.Eavesdropping;
using Qkd.Gateway.Sealing;
using Qkd.Testbed.Link;

namespace Qkd.Testbed;

/// <summary>Where the KMEs' keys come from.</summary>
public enum KeySupplyChoice
{
    /// <summary>The simulated BB84 link and its post-processing (<see cref="LiveLink"/>), one per KME pair.</summary>
    Bb84,

    /// <summary>Random blocks at a fixed rate (the Turin testbed's 1.3 kbit/s by default).</summary>
    Random,
}

/// <summary>Seed 003's two ways to encrypt many devices' data.</summary>
public enum EncryptionScheme
{
    /// <summary>Each device has its own gateway and key stream (seed 003's "mobile" scheme).</summary>
    PerDevice,

    /// <summary>One gateway at the router takes every device's readings and seals them under one key stream.</summary>
    Fixed,
}

/// <summary>The attacker of a run, in wall-clock run time (link time = run time x time scale).</summary>
/// <param name="Kind">The attack.</param>
/// <param name="Fraction">Its strength in [0, 1].</param>
/// <param name="AtSeconds">Start [s of run time].</param>
/// <param name="UntilSeconds">End [s of run time]; null: to the end of the run.</param>
public sealed record EavesdropperPlan(EavesdropperKind Kind, double Fraction, double AtSeconds, double? UntilSeconds)
{
    /// <summary>Kind name as on the command line.</summary>
    public string KindName => Kind switch
    {
        EavesdropperKind.InterceptResend => "intercept-resend",
        EavesdropperKind.PhotonNumberSplitting => "pns",
        EavesdropperKind.BeamSplitting => "beam-splitting",
        _ => "none",
    };

    /// <summary>The window in link time for a run at <paramref name="timeScale"/> link seconds per wall second.</summary>
    public EavesdropperWindow InLinkTime(double timeScale)
        => new(new Eavesdropper(Kind, Fraction), AtSeconds * timeScale, UntilSeconds is { } u ? u * timeScale : double.PositiveInfinity);
}

/// <summary>What one testbed run does; validated once (<see cref="Validated"/>).</summary>
/// <param name="DurationSeconds">Sensing time [s of wall clock].</param>
/// <param name="Mode">Sealing mode.</param>
/// <param name="Sensors">Devices (power monitors at 10 Hz).</param>
/// <param name="OutDirectory">Folder of the edge store (and the report the host writes).</param>
/// <param name="Seed">Seed of sensors and links.</param>
public sealed record TestbedSettings(double DurationSeconds, SealingMode Mode, int Sensors, string OutDirectory, ulong Seed)
{
    /// <summary>Key supply of every KME pair.</summary>
    public KeySupplyChoice Supply { get; init; } = KeySupplyChoice.Bb84;

    /// <summary>Secret-key rate of the random supply: the Turin testbed's 1.3 kbit/s (seed 002, Fig. 5a).</summary>
    public double RandomRateBitsPerSecond { get; init; } = 1300;

    /// <summary>
    /// The simulated links (bb84 supply): preset, fibre length, block length, slice and time scale; the link seed is
    /// derived from <see cref="Seed"/> per link and the attacker comes from <see cref="Eve"/>.
    /// </summary>
    public LiveLinkSettings Link { get; init; } = new();

    /// <summary>The attacker (first link of the chain), or null.</summary>
    public EavesdropperPlan? Eve { get; init; }

    public EncryptionScheme Scheme { get; init; } = EncryptionScheme.PerDevice;

    /// <summary>2 (plant - edge) or 3 (plant - relay - edge, two links, trusted relay in the middle).</summary>
    public int Kmes { get; init; } = 2;

    /// <summary>Random key bits delivered to every link at start, so the sensors do not wait for the first block.</summary>
    public long PrefillBits { get; init; } = 256 * 16;

    /// <summary>Key refresh (AES-GCM, hybrid): one key per 30 s per stream by default (seed 002).</summary>
    public KeyRefreshPolicy Refresh { get; init; } = KeyRefreshPolicy.Default;

    /// <summary>OTP key request size [bits].</summary>
    public int OtpKeyBits { get; init; } = 8192;

    /// <summary>Messages a sender holds while it has no key.</summary>
    public int QueueCapacity { get; init; } = 256;

    /// <summary>Throws an <see cref="ArgumentException"/> naming the parameter and its range.</summary>
    public TestbedSettings Validated()
    {
        if (!(DurationSeconds is >= 1 and <= 86400))
        {
            throw new ArgumentException($"--duration-s must be within [1, 86400] s, but was {DurationSeconds} s.");
        }
        if (Sensors is < 1 or > 50)
        {
            throw new ArgumentException($"--sensors must be within [1, 50], but was {Sensors}.");
        }
        if (Scheme == EncryptionScheme.Fixed && Mode == SealingMode.Otp
            && MessageSealer.OtpBytesPerMessage(Testbed.AggregateLength(Sensors)) > OtpKeyBits / 8)
        {
            var most = Enumerable.Range(1, Sensors).Last(n => n == 1 || MessageSealer.OtpBytesPerMessage(Testbed.AggregateLength(n)) <= OtpKeyBits / 8);
            throw new ArgumentException($"--sensors must be within [1, {most}] with --scheme fixed --mode otp (one aggregate of every device's reading must fit in one {OtpKeyBits}-bit OTP key), but was {Sensors}.");
        }
        if (Kmes is not (2 or 3))
        {
            throw new ArgumentException($"--kmes must be 2 or 3, but was {Kmes}.");
        }
        Link.Validated();
        if (Eve is { } e)
        {
            if (e.Kind == EavesdropperKind.None || !(e.Fraction is > 0 and <= 1))
            {
                throw new ArgumentException($"--eve-fraction must be within (0, 1], but was {e.Fraction}.");
            }
            if (!(e.AtSeconds is >= 0 and <= 86400))
            {
                throw new ArgumentException($"--eve-at must be within [0, 86400] s, but was {e.AtSeconds} s.");
            }
            if (e.UntilSeconds is { } u && !(u > e.AtSeconds && u <= 86400))
            {
                throw new ArgumentException($"--eve-until must lie after --eve-at ({e.AtSeconds} s) and within 86400 s, but was {u} s.");
            }
            if (Supply != KeySupplyChoice.Bb84)
            {
                throw new ArgumentException("--eve needs --supply bb84: random key blocks have no quantum channel to attack.");
            }
        }
        if (PrefillBits is < 0 or > 1L << 30)
        {
            throw new ArgumentException($"--prefill-bits must be within [0, 2^30] bits, but was {PrefillBits}.");
        }
        return this;
    }
}
