namespace Qkd.Cli.Tests;

/// <summary>Runs the real command tree in-process with captured stdout and stderr.</summary>
public static class CliHarness
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public static Result Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = CliApp.Run(CliApp.CreateRoot(), args, output, error);
        return new Result(code, output.ToString(), error.ToString());
    }
}
