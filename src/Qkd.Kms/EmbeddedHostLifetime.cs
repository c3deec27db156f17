using Microsoft.Extensions.Hosting;

namespace Qkd.Kms;

/// <summary>
/// Host lifetime that leaves Ctrl-C and SIGTERM to the caller: several KMEs can share a process
/// (`kms dev`, tests), and the CLI decides when they all stop (instead of ASP.NET's console lifetime
/// stopping one host behind the others' back).
/// </summary>
internal sealed class EmbeddedHostLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
