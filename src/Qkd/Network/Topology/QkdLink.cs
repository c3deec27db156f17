namespace Qkd.Network;

/// <summary>
/// A QKD link between two trusted nodes and the key pool it fills. The pool holds at most
/// <see cref="CapacityKeys"/> keys; it fills at the link's rate (or, when the link shares a key
/// budget, at the time fraction of it that the allocation policy assigns).
/// </summary>
public sealed record QkdLink
{
    /// <summary>Index of one end in <see cref="NetworkTopology.Nodes"/>.</summary>
    public int NodeA { get; }

    /// <summary>Index of the other end.</summary>
    public int NodeB { get; }

    /// <summary>Key pool capacity C [keys], within (0, 1e12].</summary>
    public double CapacityKeys { get; }

    /// <summary>Full-time secret key rate source.</summary>
    public LinkRate Rate { get; }

    /// <summary>
    /// Index of the node whose QKD transmitter/receiver is time-shared across every link that names it
    /// (seed 003: an OLT's key generation budget V split among its pools; seed 000: many Alices on one
    /// Bob), or -1 when the link has its own dedicated devices. Must be an end of this link.
    /// </summary>
    public int BudgetNode { get; }

    /// <summary>Fibre length [km] (routing tie-breaks and reports), within [0, 1000].</summary>
    public double LengthKm { get; }

    public QkdLink(int nodeA, int nodeB, double capacityKeys, LinkRate rate, int budgetNode = -1, double lengthKm = 0)
    {
        Guard.InRange(nodeA, 0, int.MaxValue, "Link end A");
        Guard.InRange(nodeB, 0, int.MaxValue, "Link end B");
        if (nodeA == nodeB)
        {
            throw new ArgumentException($"A QKD link must join two different nodes, but both ends were node {nodeA}.", nameof(nodeB));
        }
        if (budgetNode != -1 && budgetNode != nodeA && budgetNode != nodeB)
        {
            throw new ArgumentException($"A link's shared key budget must belong to one of its ends ({nodeA} or {nodeB}), but was node {budgetNode}.", nameof(budgetNode));
        }
        NodeA = nodeA;
        NodeB = nodeB;
        CapacityKeys = Guard.InRange(capacityKeys, 1e-9, 1e12, "keys", "Key pool capacity C");
        Rate = Guard.NotNull(rate);
        BudgetNode = budgetNode;
        LengthKm = Guard.InRange(lengthKm, 0, 1000, "km", "Link length");
    }

    /// <summary>The end that is not <paramref name="node"/>.</summary>
    public int Other(int node) => node == NodeA ? NodeB : NodeA;

    public QkdLink WithCapacity(double capacityKeys) => new(NodeA, NodeB, capacityKeys, Rate, BudgetNode, LengthKm);

    public QkdLink WithRate(LinkRate rate) => new(NodeA, NodeB, CapacityKeys, rate, BudgetNode, LengthKm);
}
