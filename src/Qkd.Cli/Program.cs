using Qkd.Cli;

return CliApp.Run(CliApp.CreateRoot(), args);
