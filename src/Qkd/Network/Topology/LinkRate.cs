using Qkd.Physics;

namespace Qkd.Network;

/// <summary>
/// Where a QKD link's full-time secret key rate comes from: a number, or a fibre description that a
/// key-rate model (<see cref="ILinkKeyRateModel"/>) turns into bit/s. "Full-time" means the rate
/// when the link's transmitter and receiver work only for this link; a shared key budget
/// (<see cref="QkdLink.BudgetNode"/>) gives the link a time fraction of it.
/// </summary>
public abstract record LinkRate
{
    private LinkRate() { }

    /// <summary>A rate given directly, in keys per second (within [0, 1e12]).</summary>
    public sealed record Fixed : LinkRate
    {
        public double KeysPerSecond { get; }

        public Fixed(double keysPerSecond)
        {
            KeysPerSecond = Guard.InRange(keysPerSecond, 0, 1e12, "keys/s", "Link key rate");
        }
    }

    /// <summary>A rate computed from the link's physics by the injected key-rate model.</summary>
    public sealed record FromFibre(LinkDescription Link) : LinkRate;
}
