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
}
