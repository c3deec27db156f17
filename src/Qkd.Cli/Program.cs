using System.CommandLine;
using Qkd.Cli;

var root = new RootCommand("qkd: plan, simulate and operate quantum-key-distribution secured links.");
foreach (var command in CommandCatalog.All())
{
    root.Subcommands.Add(command);
}
return CliApp.Run(root, args);
