using Qkd.Gateway.Sealing;

namespace Qkd.Cli.Commands.Gateway;

/// <summary>Sealing-mode names as the gateway commands spell them.</summary>
public static class DemoSettings
{
    /// <summary>Mode name as on the command line.</summary>
    public static string NameOf(SealingMode mode) => Qkd.Testbed.Testbed.ModeName(mode);

    /// <summary>Every mode's name, in wire-byte order: the choices of each command's --mode.</summary>
    public static string[] ModeNames { get; } = [.. Enum.GetValues<SealingMode>().Select(NameOf)];

    /// <summary>The mode called <paramref name="name"/>; a usage error naming the valid ones otherwise.</summary>
    public static SealingMode ModeOf(string name)
    {
        foreach (var mode in Enum.GetValues<SealingMode>())
        {
            if (NameOf(mode) == name)
            {
                return mode;
            }
        }
        throw new UsageException($"--mode must be one of {string.Join(", ", ModeNames)}, but was '{name}'.");
    }
}
