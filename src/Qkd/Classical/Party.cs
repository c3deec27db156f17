namespace Qkd.Classical;

/// <summary>The two ends of a QKD link.</summary>
public enum Party
{
    /// <summary>The transmitter (prepares the quantum states).</summary>
    Alice,

    /// <summary>The receiver (measures them).</summary>
    Bob,
}
