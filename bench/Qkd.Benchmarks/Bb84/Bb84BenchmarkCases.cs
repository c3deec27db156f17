using Qkd.Bb84.Link;
using Qkd.Physics;

namespace Qkd.Benchmarks.Bb84;

/// <summary>The links the simulator benchmarks run, with the pulse counts of each benchmark.</summary>
public static class Bb84BenchmarkCases
{
    /// <summary>Benchmark parameter values.</summary>
    public static readonly string[] Links = ["turin", "gys-50km"];

    /// <summary>The link: the Turin preset (600 MHz, 10.8 dB, 20 us dead time, three-state) or GYS at 50 km (2 MHz, BB84 with vacuum+weak decoys).</summary>
    public static SimulationSettings Settings(string link, double linkSeconds)
    {
        var description = link == "turin" ? LinkPresets.Turin() : LinkPresets.Gys(50);
        var protocol = link == "turin" ? ProtocolKind.ThreeState : ProtocolKind.Bb84;
        var pulses = (long)Math.Round(linkSeconds * description.Source.RepetitionRateHz);
        return SimulationSettings.FromLink(description, protocol, pulses, seed: 2026);
    }

    /// <summary>Link time of the head-to-head comparison (same pulses for the per-pulse baseline and the gap sampler) [s].</summary>
    public static double HeadToHeadSeconds(string link) => link == "turin" ? 0.05 : 2;

    /// <summary>Link time of the real-time benchmark [s]: enough clicks to amortise setup.</summary>
    public static double RealTimeSeconds(string link) => link == "turin" ? 10 : 300;
}
