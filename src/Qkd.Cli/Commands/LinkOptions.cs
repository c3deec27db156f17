using System.CommandLine;
using Qkd.KeyRate;
using Qkd.KeyRate.FiniteKey;
using Qkd.Physics;

namespace Qkd.Cli.Commands;

/// <summary>
/// The link-description flags shared by `keyrate`, `sweep` and `plan`: a preset plus one flag per field of the
/// link description (flags override the preset).
/// </summary>
internal sealed class LinkOptions
{
    public Option<string?> Model { get; } = CliOptions.Choice("--model", "Key-rate model", [.. KeyRateModels.Names]);
    public Option<string?> Preset { get; } = CliOptions.Choice("--preset", "Link preset (default gys)", [.. LinkPresets.Names]);
    public Option<double?> Mu { get; } = CliOptions.Double("--mu", "Signal mean photon number; omit to optimise it", 1e-6, 10, "photons/pulse");
    public Option<double?> Alpha { get; } = CliOptions.Double("--alpha-db-per-km", "Fibre attenuation", 0, 10, "dB/km");
    public Option<double?> ExtraLoss { get; } = CliOptions.Double("--extra-loss-db", "Extra loss: connectors, WDM mux/demux", 0, 100, "dB");
    public Option<double?> Efficiency { get; } = CliOptions.Double("--detector-efficiency", "Detection efficiency eta_Bob", 0, 1);
    public Option<double?> DarkCount { get; } = CliOptions.Double("--dark-count-per-pulse", "Dark count probability Y0 per gate/pulse", 0, 0.5);
    public Option<double?> Misalignment { get; } = CliOptions.Double("--misalignment", "Misalignment error e_det", 0, 0.5);
    public Option<double?> DeadTime { get; } = CliOptions.Double("--dead-time-s", "Detector dead time", 0, 1e-3, "s");
    public Option<double?> Noise { get; } = CliOptions.Double("--noise-count-per-pulse", "Extra noise counts (Raman, leakage) per pulse", 0, 0.5);
    public Option<double?> EcEfficiency { get; } = CliOptions.Double("--ec-efficiency", "Error-correction inefficiency f", 1, 3);
    public Option<double?> RepetitionRate { get; } = CliOptions.Double("--repetition-rate-hz", "Pulse repetition rate", 1, 1e11, "Hz");
    public Option<double?> DecoyMu { get; } = CliOptions.Double("--decoy-mu", "Weak decoy mean photon number nu", 1e-6, 10, "photons/pulse");
    public Option<double?> BlockBits { get; } = CliOptions.Double("--block-bits", "Finite-key block size n_Z (decoy-one-finite)", 1e3, 1e15, "bits");
    public Option<double?> EpsilonSec { get; } = CliOptions.Double("--epsilon-sec", "Finite-key secrecy parameter eps_sec", 1e-30, 0.1);
    public Option<string?> Wdm { get; } = CliOptions.Choice("--wdm", "Share the fibre with classical channels through WDM", "none", "passive", "active");
    public Option<double?> ClassicalDbm { get; } = CliOptions.Double("--classical-launch-dbm", "Launch power of one classical channel (with --wdm)", -40, 27, "dBm");
    public Option<double?> ClassicalNm { get; } = CliOptions.Double("--classical-wavelength-nm", "Wavelength of the classical channel (with --wdm; default 1530.33)", 1260, 1675, "nm");
    public Option<string?> ClassicalDirection { get; } = CliOptions.Choice("--classical-direction", "Classical channel direction relative to the quantum signal (default co)", "co", "counter");

    public LinkOptions(bool modelRequired)
    {
        Model.Required = modelRequired;
    }

    /// <summary>Every option, to add to a command.</summary>
    public IEnumerable<Option> All()
    {
        yield return Model;
        yield return Preset;
        yield return Mu;
        yield return Alpha;
        yield return ExtraLoss;
        yield return Efficiency;
        yield return DarkCount;
        yield return Misalignment;
        yield return DeadTime;
        yield return Noise;
        yield return EcEfficiency;
        yield return RepetitionRate;
        yield return DecoyMu;
        yield return BlockBits;
        yield return EpsilonSec;
        yield return Wdm;
        yield return ClassicalDbm;
        yield return ClassicalNm;
        yield return ClassicalDirection;
    }

    /// <summary>The WDM set-up given by --wdm and the classical-channel flags (null without --wdm).</summary>
    public (WdmConfiguration Wdm, WdmDataChannel[] Channels)? BuildWdm(ParseResult parse)
    {
        var kind = parse.GetValue(Wdm);
        if (kind is null)
        {
            if (parse.GetValue(ClassicalDbm) is not null)
            {
                throw new UsageException("--classical-launch-dbm needs --wdm passive or --wdm active (the classical channel shares the fibre through WDM).");
            }
            return null;
        }
        var config = WdmConfiguration.For(kind switch { "passive" => WdmKind.Passive, "active" => WdmKind.Active, _ => WdmKind.None });
        WdmDataChannel[] channels = parse.GetValue(ClassicalDbm) is { } dbm
            ? [new WdmDataChannel(dbm, parse.GetValue(ClassicalNm) ?? 1530.33,
                parse.GetValue(ClassicalDirection) == "counter" ? PropagationDirection.CounterPropagating : PropagationDirection.CoPropagating)]
            : [];
        return (config, channels);
    }

    /// <summary>The preset named by --preset (gys by default) with every given flag applied.</summary>
    public LinkDescription BuildLink(ParseResult parse, double? distanceKm)
    {
        var link = LinkPresets.Get(parse.GetValue(Preset) ?? "gys");
        if (distanceKm is { } d)
        {
            link = link.WithFiberLength(d);
        }
        link = Override(parse, link, Alpha, "alpha-db-per-km");
        link = Override(parse, link, ExtraLoss, "extra-loss-db");
        link = Override(parse, link, Efficiency, "detector-efficiency");
        link = Override(parse, link, DarkCount, "dark-count-per-pulse");
        link = Override(parse, link, Misalignment, "misalignment");
        link = Override(parse, link, DeadTime, "dead-time-s");
        link = Override(parse, link, Noise, "noise-count-per-pulse");
        link = Override(parse, link, EcEfficiency, "ec-efficiency");
        link = Override(parse, link, RepetitionRate, "repetition-rate-hz");
        if (parse.GetValue(Mu) is { } mu)
        {
            link = LinkParameter.Apply(link, "mu", mu);
        }
        link = Override(parse, link, DecoyMu, "decoy-mu");
        return link;
    }

    /// <summary>The model named by --model (<paramref name="fallback"/> when absent), with the finite-key flags.</summary>
    public IKeyRateModel BuildModel(ParseResult parse, string fallback = "decoy-vacuum-weak")
    {
        var finite = new FiniteKeyParameters(
            parse.GetValue(BlockBits) ?? FiniteKeyParameters.DefaultBlockBits,
            parse.GetValue(EpsilonSec) ?? FiniteKeyParameters.Default.EpsilonSecrecy);
        return KeyRateModels.Get(parse.GetValue(Model) ?? fallback, finite);
    }

    private static LinkDescription Override(ParseResult parse, LinkDescription link, Option<double?> option, string name)
        => parse.GetValue(option) is { } v ? LinkParameter.Apply(link, name, v) : link;
}
