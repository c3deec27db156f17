namespace Qkd.Kms.Load;

/// <summary>This process's CPU time, allocated bytes and garbage collections so far, for the load generator's own figures.</summary>
internal readonly record struct ProcessSnapshot(double CpuSeconds, double AllocatedBytes, double GcPauseSeconds, double GcCollections)
{
    public static ProcessSnapshot Take() => new(Environment.CpuUsage.TotalTime.TotalSeconds, GC.GetTotalAllocatedBytes(precise: false),
        GC.GetTotalPauseDuration().TotalSeconds, GC.CollectionCount(0));

    public static ProcessSnapshot operator -(ProcessSnapshot a, ProcessSnapshot b)
        => new(a.CpuSeconds - b.CpuSeconds, a.AllocatedBytes - b.AllocatedBytes, a.GcPauseSeconds - b.GcPauseSeconds, a.GcCollections - b.GcCollections);
}
