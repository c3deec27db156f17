using System.CommandLine;
using System.Reflection;

namespace Qkd.Cli.Commands;

/// <summary>`qkd info`: version, runtime and where things are.</summary>
public static class InfoCommand
{
    public static Command Create()
    {
        var json = CliOptions.Json();
        var cmd = new Command("info", "Show the qkd version, runtime and machine") { json };
        cmd.SetAction(parse =>
        {
            var info = new
            {
                version = typeof(InfoCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0",
                runtime = System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription,
                processors = Environment.ProcessorCount,
            };
            if (parse.GetValue(json))
            {
                JsonOutput.Write(parse.InvocationConfiguration.Output, info);
            }
            else
            {
                parse.InvocationConfiguration.Output.WriteLine($"qkd {info.version} on {info.runtime}, {info.processors} processors");
            }
            return ExitCodes.Ok;
        });
        return cmd;
    }
}
