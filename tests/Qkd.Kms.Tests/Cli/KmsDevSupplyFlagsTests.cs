using Qkd.Cli.Tests;

namespace Qkd.Kms.Tests.Cli;

/// <summary>The key-supply flags of `qkd kms dev`: bad values and combinations exit 2 naming the flag (nothing is started).</summary>
public sealed class KmsDevSupplyFlagsTests
{
    [Theory]
    [InlineData("--supply", "--supply", "bb84, random", "--supply", "qrng")]
    [InlineData("--preset", "--preset", "gys, turin", "--preset", "nowhere")]
    [InlineData("--block-seconds", "--block-seconds", "[1, 1200] s", "--block-seconds", "0.5")]
    [InlineData("--block-seconds", "--block-seconds", "[1, 1200] s", "--block-seconds", "3600")]
    [InlineData("--rate with bb84", "--rate applies only to --supply random", "", "--supply", "bb84", "--rate", "1300")]
    [InlineData("--rate with default supply", "--rate applies only to --supply random", "", "--rate", "1300")]
    [InlineData("--preset with random", "apply only to --supply bb84", "", "--supply", "random", "--preset", "gys")]
    [InlineData("--block-seconds with random", "apply only to --supply bb84", "", "--supply", "random", "--block-seconds", "60")]
    public void KmsDev_BadSupplyFlag_ExitsWithUsageCode2NamingTheFlagAndItsValidValues(string because, string flag, string valid, params string[] extra)
    {
        using var dir = new Support.TempDir();
        var r = CliHarness.Run(["kms", "dev", "--dir", dir.Path, .. extra]);
        Assert.True(r.ExitCode == 2, because);
        Assert.Contains(flag, r.Stderr, StringComparison.Ordinal);
        Assert.Contains(valid, r.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(dir.File("dev.json")), "nothing may start on a usage error");
    }

    [Fact]
    public void KmsDevHelp_SaysRateIsForTheRandomSupplyAndBb84IsTheDefault()
    {
        var r = CliHarness.Run("kms", "dev", "--help");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("--supply", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("default bb84", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("random supply only", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("--block-seconds", r.Stdout, StringComparison.Ordinal);
    }
}
