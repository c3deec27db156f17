namespace Qkd.Network;

/// <summary>When an allocation policy re-splits shared key budgets.</summary>
[Flags]
public enum ReallocationTrigger
{
    /// <summary>Only once, at the start of the run.</summary>
    Never = 0,

    /// <summary>At every service arrival, every budget in the network (seed 003, Algorithm 1, lines 1-7).</summary>
    EveryArrivalAllBudgets = 1,

    /// <summary>At every service arrival, the budgets of the pools the service touched.</summary>
    ArrivalTouchedBudgets = 2,
}
