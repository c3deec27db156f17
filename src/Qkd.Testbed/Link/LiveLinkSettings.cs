using Qkd.Bb84.Eavesdropping;
using Qkd.Kms.Supply;
using Qkd.PostProcessing;

namespace Qkd.Testbed.Link;

/// <summary>
/// One simulated QKD link of the testbed: the link itself (<see cref="Link"/>: preset, fibre length, block length,
/// seed), the slice of link time the live view reports, the pace of link time against wall time, the attacker's
/// window in link time and the post-processing settings. Validated once, in <see cref="Validated"/>.
/// </summary>
public sealed record LiveLinkSettings
{
    /// <summary>Preset, fibre length, block length [s of link time] and seed; the block length is a setting so that the default can follow the distillation.</summary>
    public DistilledLinkOptions Link { get; init; } = new();

    /// <summary>Link time of one live slice [s]: the resolution of the live QBER and rate view.</summary>
    public double SliceSeconds { get; init; } = 1;

    /// <summary>Link seconds per wall-clock second (1: link time in step with wall time).</summary>
    public double TimeScale { get; init; } = 1;

    /// <summary>The attacker and her window, in link time.</summary>
    public EavesdropperWindow Eve { get; init; } = EavesdropperWindow.None;

    /// <summary>Post-processing (default: the pipeline's defaults, as the KMS's bb84 supply uses).</summary>
    public PostProcessingOptions PostProcessing { get; init; } = new();

    /// <summary>Link seconds of the rolling window behind the live QBER and its alarm.</summary>
    public double AlarmWindowSeconds { get; init; } = 5;

    /// <summary>Slices per block: the block length over the slice length, rounded to the nearest whole slice (at least 1).</summary>
    public int SlicesPerBlock => Math.Max(1, (int)Math.Round(Link.BlockSeconds / SliceSeconds));

    /// <summary>Throws an <see cref="ArgumentException"/> naming the parameter and its range.</summary>
    public LiveLinkSettings Validated()
    {
        Link.Validated();
        Eve.Validated();
        if (!(SliceSeconds is >= 0.01 and <= 60) || SliceSeconds > Link.BlockSeconds)
        {
            throw new ArgumentException($"Slice length must be within [0.01, 60] s and at most the block ({Link.BlockSeconds} s), but was {SliceSeconds} s.");
        }
        if (!(TimeScale is >= 0.1 and <= 10000))
        {
            throw new ArgumentException($"--time-scale must be within [0.1, 10000] link seconds per wall second, but was {TimeScale}.");
        }
        if (!(AlarmWindowSeconds >= SliceSeconds && AlarmWindowSeconds <= 600))
        {
            throw new ArgumentException($"Alarm window must be within [{SliceSeconds}, 600] s of link time, but was {AlarmWindowSeconds} s.");
        }
        return this;
    }
}
