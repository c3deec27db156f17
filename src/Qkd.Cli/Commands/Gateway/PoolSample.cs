namespace Qkd.Cli.Commands.Gateway;

/// <summary>Key pool level between the two KMEs at one moment.</summary>
public sealed record PoolSample(double TimeS, long StoredKeys);
