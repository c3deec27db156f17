using Qkd.Gateway.Sealing;

namespace Qkd.Gateway.Tests.Sealing;

/// <summary>The receiver's per-epoch window against a model that remembers every accepted number.</summary>
public sealed class ReplayWindowTests
{
    [Theory]
    [InlineData(1, 64)]       // dense: mostly duplicates and out-of-order arrivals
    [InlineData(2, 6000)]     // around the window size: slides and too-old numbers
    [InlineData(3, 100_000)]  // far jumps: the whole bitmap is cleared
    public void Verdicts_MatchAModelThatRemembersEverything(int seed, int spread)
    {
        var random = new Random(seed);
        var window = new ReplayWindow();
        var accepted = new HashSet<ulong>();
        ulong? highest = null;
        ulong cursor = 0;
        var seen = new Dictionary<ReplayWindow.Verdict, int>();
        for (var i = 0; i < 50_000; i++)
        {
            cursor += (ulong)random.Next(0, 3);
            var s = (ulong)Math.Max(0, (long)cursor + random.Next(-spread, spread / 4 + 1));
            var expected = highest is null || s > highest ? ReplayWindow.Verdict.New
                : highest - s >= ReplayWindow.Size ? ReplayWindow.Verdict.TooOld
                : accepted.Contains(s) ? ReplayWindow.Verdict.Seen : ReplayWindow.Verdict.New;
            Assert.Equal(expected, window.Check(s));
            seen[expected] = seen.GetValueOrDefault(expected) + 1;
            if (expected == ReplayWindow.Verdict.New)
            {
                window.Accept(s);
                accepted.Add(s);
                highest = highest is null ? s : Math.Max(highest.Value, s);
            }
            Assert.Equal(highest + 1 ?? 0, window.Next);
        }
        Assert.True(seen.GetValueOrDefault(ReplayWindow.Verdict.New) > 100);
        Assert.True(seen.GetValueOrDefault(ReplayWindow.Verdict.Seen) > (spread < ReplayWindow.Size * 2 ? 100 : 0));
        Assert.Equal(spread > ReplayWindow.Size, seen.GetValueOrDefault(ReplayWindow.Verdict.TooOld) > 0);
    }
}
