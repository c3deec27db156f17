namespace Qkd.Network;

/// <summary>A site of the key network: a trusted node that can relay keys hop by hop.</summary>
/// <param name="Id">Unique name, as used in topology files and reports.</param>
/// <param name="Role">What the site is.</param>
public sealed record NetworkNode(string Id, NodeRole Role);
