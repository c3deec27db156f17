using Qkd.Bits;

namespace Qkd.PostProcessing.Ldpc;

/// <summary>Runs LDPC reconciliation in process (both parties' state machines exchanging the same byte messages).</summary>
public static class LdpcReconciler
{
    /// <summary>
    /// Reconciles: Bob's key is corrected in place on success; Alice's is not touched. Alice fills the punctured
    /// positions from <paramref name="random"/> (the system CSPRNG when null), so two runs of one frame differ in their
    /// attempts and leak unless a replayable source is given (tests do).
    /// </summary>
    public static LdpcResult Reconcile(LdpcOptions options, double qberEstimate, BitString alice, BitString bob, ISecretRandom? random = null)
    {
        Guard.NotNull(alice);
        Guard.NotNull(bob);
        Guard.SameLength(alice.Length, bob.Length, "Alice's and Bob's keys");
        var a = new LdpcAlice(options, qberEstimate, alice, random);
        var b = new LdpcBob(options, qberEstimate, bob);
        byte[]? message = a.Start();
        long bytes = 0;
        while (message is not null)
        {
            bytes += message.Length;
            var status = b.Receive(message);
            bytes += status.Length;
            message = a.Respond(status);
        }
        return new LdpcResult(!a.Failed, a.LeakedBits, b.Corrections, b.Attempts, b.Iterations, bytes);
    }
}
