namespace Qkd.Network;

/// <summary>One entry of the traffic matrix: services between two nodes with a relative weight.</summary>
/// <param name="Source">Index of the node that starts services.</param>
/// <param name="Destination">Index of the other end.</param>
/// <param name="Weight">Relative share of all arrivals, above 0.</param>
public sealed record TrafficDemand(int Source, int Destination, double Weight);
