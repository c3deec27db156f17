namespace Qkd.Planning;

/// <summary>A place where devices stand.</summary>
/// <param name="Id">Unique id used by fibres and devices.</param>
/// <param name="Kind">What the site is.</param>
/// <param name="Name">Human-readable name (optional).</param>
public sealed record Site(string Id, SiteKind Kind, string? Name = null);
