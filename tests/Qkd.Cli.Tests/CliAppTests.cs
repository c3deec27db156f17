namespace Qkd.Cli.Tests;

public class CliAppTests
{
    [Fact]
    public void UnknownFlag_Exits2_AndNamesIt()
    {
        var r = CliHarness.Run("info", "--bogus");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--bogus", r.Stderr);
    }

    [Fact]
    public void UnknownCommand_Exits2()
        => Assert.Equal(2, CliHarness.Run("no-such-command").ExitCode);

    [Fact]
    public void Info_Json_PrintsObject()
    {
        var r = CliHarness.Run("info", "--json");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("\"runtime\"", r.Stdout);
    }

    [Fact]
    public void Help_UsageNamesTheCommandQkd()
    {
        var r = CliHarness.Run("--help");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("Usage:\n  qkd [command] [options]", r.Stdout.ReplaceLineEndings("\n"));
        Assert.DoesNotContain("Qkd.Cli", r.Stdout);
        Assert.DoesNotContain("testhost", r.Stdout);
    }

    [Fact]
    public void SubcommandHelp_UsageStartsWithQkd()
    {
        var r = CliHarness.Run("network", "sweep", "--help");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("qkd network sweep [options]", r.Stdout);
    }

    [Fact]
    public void Version_Exits0_AndPrintsAVersion()
    {
        var r = CliHarness.Run("--version");
        Assert.Equal(0, r.ExitCode);
        Assert.Matches(@"^\d+\.\d+", r.Stdout);
    }

    [Fact]
    public void NoCommand_Exits2()
        => Assert.Equal(2, CliHarness.Run().ExitCode);
}
