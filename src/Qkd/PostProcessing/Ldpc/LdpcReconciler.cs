using Qkd.Bits;

namespace Qkd.PostProcessing.Ldpc;

/// <summary>Runs LDPC reconciliation in process (both parties' state machines exchanging the same byte messages).</summary>
public static class LdpcReconciler
{
    /// <summary>Reconciles: Bob's key is corrected in place on success; Alice's is not touched.</summary>
    public static LdpcResult Reconcile(LdpcOptions options, double qberEstimate, BitString alice, BitString bob)
    {
        Guard.NotNull(alice);
        Guard.NotNull(bob);
        Guard.SameLength(alice.Length, bob.Length, "Alice's and Bob's keys");
        var a = new LdpcAlice(options, qberEstimate, alice);
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
