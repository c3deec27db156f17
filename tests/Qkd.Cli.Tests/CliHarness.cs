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

    /// <summary>The repository root (the folder holding qkd.slnx) above the test binaries.</summary>
    public static string RepoRoot()
    {
        var d = new DirectoryInfo(AppContext.BaseDirectory);
        while (d is not null && !File.Exists(Path.Combine(d.FullName, "qkd.slnx")))
        {
            d = d.Parent;
        }
        return d?.FullName ?? throw new InvalidOperationException("repository root not found");
    }
}
