using System.CommandLine;
using System.CommandLine.Help;

namespace Qkd.Cli;

/// <summary>Runs the root command and translates failures into exit codes once, here.</summary>
public static class CliApp
{
    /// <summary>The command's own name, in usage and help whatever the assembly or wrapper is called.</summary>
    public const string CommandName = "qkd";

    /// <summary>
    /// The whole command tree under a root named <see cref="CommandName"/>. A <see cref="RootCommand"/> takes its
    /// name from the executable (Qkd.Cli.dll under `dotnet`), so the root is a plain command with the same
    /// --help and --version options a RootCommand adds.
    /// </summary>
    public static Command CreateRoot()
    {
        var root = new Command(CommandName, "qkd: plan, simulate and operate quantum-key-distribution secured links.");
        root.Options.Add(new HelpOption());
        root.Options.Add(new VersionOption());
        foreach (var command in CommandCatalog.All())
        {
            root.Subcommands.Add(command);
        }
        return root;
    }

    /// <summary>Parses and invokes; returns the process exit code.</summary>
    public static int Run(Command root, string[] args, TextWriter? stdout = null, TextWriter? stderr = null)
    {
        var error = stderr ?? Console.Error;
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var e in parse.Errors)
            {
                error.WriteLine($"error: {e.Message}");
            }
            error.WriteLine("Run with --help to see the valid flags and values.");
            return ExitCodes.Usage;
        }
        try
        {
            var config = new InvocationConfiguration { EnableDefaultExceptionHandler = false };
            if (stdout is not null)
            {
                config.Output = stdout;
            }
            config.Error = error;
            return parse.Invoke(config);
        }
        catch (UsageException e)
        {
            error.WriteLine($"error: {e.Message}");
            return ExitCodes.Usage;
        }
        catch (ArgumentException e)
        {
            // Domain records validate their inputs once, with messages that name the parameter and range.
            error.WriteLine($"error: {StripParamSuffix(e.Message)}");
            return ExitCodes.Usage;
        }
        catch (IOException e)
        {
            error.WriteLine($"I/O error: {e.Message}");
            return ExitCodes.Io;
        }
        catch (UnauthorizedAccessException e)
        {
            error.WriteLine($"I/O error: {e.Message}");
            return ExitCodes.Io;
        }
    }

    private static string StripParamSuffix(string message)
    {
        var i = message.IndexOf(" (Parameter '", StringComparison.Ordinal);
        return i >= 0 ? message[..i] : message;
    }
}
