using Qkd.Bb84.Eavesdropping;
using Qkd.Kms.Supply;
using Qkd.Testbed.Link;

namespace Qkd.Testbed.Tests;

/// <summary>The live link: slices reported, blocks distilled and delivered, an attacker's block rejected with its reason.</summary>
public sealed class LiveLinkTests
{
    private sealed class Recorder : ILinkObserver
    {
        public List<LinkSecond> Slices { get; } = [];
        public List<BlockRecord> Blocks { get; } = [];

        public void OnSlice(LinkSecond slice)
        {
            lock (Slices)
            {
                Slices.Add(slice);
            }
        }

        public void OnBlock(BlockRecord block)
        {
            lock (Blocks)
            {
                Blocks.Add(block);
            }
        }
    }

    /// <summary>Turin, blocks of <paramref name="blockSeconds"/> in 10-s slices, link time as fast as the simulator runs.</summary>
    private static LiveLinkSettings Settings(double blockSeconds, EavesdropperWindow? eve = null) => new()
    {
        Link = new DistilledLinkOptions { Preset = "turin", BlockSeconds = blockSeconds, Seed = 11 },
        SliceSeconds = 10,
        AlarmWindowSeconds = 10,
        TimeScale = 10000,
        Eve = eve ?? EavesdropperWindow.None,
    };

    private static async Task<List<Qkd.KeyManagement.KeyBlock>> ReadAsync(LiveLink link, int blocks, int timeoutSeconds = 240)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(timeoutSeconds));
        var got = new List<Qkd.KeyManagement.KeyBlock>();
        await foreach (var b in link.ReadBlocksAsync(cts.Token))
        {
            got.Add(b);
            if (got.Count == blocks)
            {
                break;
            }
        }
        return got;
    }

    [Fact]
    public async Task ReadBlocks_NoEavesdropper_DeliversA120SecondBlock_ReportingEverySliceAndTheBlock()
    {
        var recorder = new Recorder();
        var link = new LiveLink("LINK_A_B", Settings(120), TimeProvider.System, recorder);

        var keys = await ReadAsync(link, 1);

        var key = Assert.Single(keys);
        var block = recorder.Blocks.Single(b => b.Index == 0);
        Assert.Equal(BlockRecord.Delivered, block.Outcome);
        Assert.Null(block.Reason);
        Assert.Equal(key.LengthBits, block.SecretBits);
        Assert.True(block.SecretBits > 0 && block.GrossSecretBits > block.SecretBits, $"gross {block.GrossSecretBits}, net {block.SecretBits}");
        Assert.Equal(0, block.EveShare);
        Assert.Equal(120, block.LinkSecondsCovered);
        Assert.InRange(block.Qber, 0.005, 0.03);
        Assert.True(recorder.Slices.Count >= 12);
        Assert.Equal([10.0, 20.0, 30.0], recorder.Slices.Take(3).Select(s => s.LinkSeconds));
        Assert.All(recorder.Slices, s => Assert.False(s.Alarm));
        Assert.All(recorder.Slices, s => Assert.False(s.EveOn));
        Assert.Equal(recorder.Slices.Take(12).Sum(s => s.SiftedBits), block.SiftedBits);
    }

    [Fact]
    public async Task ReadBlocks_FullInterceptResendOnTheFirstBlock_RejectsItWithTheReason_RaisesTheAlarm_AndRecovers()
    {
        var recorder = new Recorder();
        var eve = new EavesdropperWindow(new Eavesdropper(EavesdropperKind.InterceptResend, 1), 0, 120);
        var link = new LiveLink("LINK_A_B", Settings(120, eve), TimeProvider.System, recorder);

        var keys = await ReadAsync(link, 1);

        Assert.Single(keys);
        var attacked = recorder.Blocks.Single(b => b.Index == 0);
        Assert.Equal(BlockRecord.Rejected, attacked.Outcome);
        Assert.Equal(0, attacked.SecretBits);
        Assert.Equal(1, attacked.EveShare);
        Assert.InRange(attacked.Qber, 0.2, 0.3);
        Assert.False(string.IsNullOrEmpty(attacked.Reason));
        var recovered = recorder.Blocks.Single(b => b.Index == 1);
        Assert.Equal(BlockRecord.Delivered, recovered.Outcome);
        Assert.True(recorder.Slices.Where(s => s.LinkSeconds <= 120).All(s => s.EveOn && s.Alarm));
        Assert.True(recorder.Slices.Where(s => s.LinkSeconds > 130).All(s => !s.EveOn && !s.Alarm));
        Assert.Equal(1, link.BlocksRejected);
        Assert.Equal(1, link.BlocksDelivered);
    }

    [Fact]
    public async Task PhotonNumberSplitting_LeavesTheQberAlone_ButRaisesTheDecoyAlarmLive_AndItClearsAfterHer()
    {
        var recorder = new Recorder();
        var eve = new EavesdropperWindow(new Eavesdropper(EavesdropperKind.PhotonNumberSplitting, 1), 0, 60);
        var link = new LiveLink("LINK_A_B", Settings(60, eve), TimeProvider.System, recorder);

        var keys = await ReadAsync(link, 1);

        Assert.Single(keys);
        var during = recorder.Slices.Where(s => s.LinkSeconds <= 60).ToList();
        var after = recorder.Slices.Where(s => s.LinkSeconds > 70).ToList();
        Assert.NotEmpty(during);
        Assert.NotEmpty(after);
        Assert.All(during, s => Assert.True(s.WindowQber < LiveLink.QberAlarmThreshold, $"QBER {s.WindowQber} at {s.LinkSeconds} s"));
        Assert.All(during, s => Assert.True(s.Alarm && s.AlarmReason == "decoy", $"no decoy alarm at {s.LinkSeconds} s (z {s.WindowDecoyGainZ})"));
        Assert.All(after, s => Assert.False(s.Alarm, $"alarm after Eve at {s.LinkSeconds} s (z {s.WindowDecoyGainZ})"));
        Assert.Equal(BlockRecord.Rejected, recorder.Blocks.Single(b => b.Index == 0).Outcome);
    }

    [Fact]
    public void Settings_OutOfRange_ThrowNamingTheParameter()
    {
        var e = Assert.Throws<ArgumentException>(() => new LiveLinkSettings { TimeScale = 0 }.Validated());
        Assert.Contains("--time-scale", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new LiveLinkSettings { SliceSeconds = 400 }.Validated());
        Assert.Equal(12, Settings(120).SlicesPerBlock);
    }
}
