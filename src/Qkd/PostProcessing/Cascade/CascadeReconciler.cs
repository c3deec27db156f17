using Qkd.Bits;
using Qkd.Classical;

namespace Qkd.PostProcessing;

/// <summary>
/// Runs Cascade between Alice and Bob: directly in process (both parties' state machines exchanging the
/// same byte messages, for benchmarks and tests) or each party over its end of a classical channel.
/// </summary>
public static class CascadeReconciler
{
    /// <summary>Reconciles in process: Bob's key is corrected in place; Alice's is not touched.</summary>
    public static CascadeResult Reconcile(CascadePlan plan, BitString alice, BitString bob)
    {
        var a = new CascadeAlice(plan, alice);
        var b = new CascadeBob(plan, bob);
        var message = a.Start();
        long bytes = message.Length;
        var rounds = 0;
        while (true)
        {
            var question = b.Receive(message);
            bytes += question.Length;
            var answer = a.Respond(question);
            if (answer is null)
            {
                break;
            }
            bytes += answer.Length;
            message = answer;
            rounds++;
        }
        a.Wipe();
        return new CascadeResult(a.LeakedBits, b.Corrections, rounds, bytes);
    }

    /// <summary>Alice's side over a channel; returns the parity bits she disclosed.</summary>
    public static async Task<long> RunAliceAsync(CascadePlan plan, BitString key, IClassicalChannel channel, CancellationToken cancellationToken = default)
    {
        Guard.NotNull(channel);
        var a = new CascadeAlice(plan, key);
        try
        {
            await channel.SendAsync(a.Start(), cancellationToken).ConfigureAwait(false);
            while (true)
            {
                var question = await channel.ReceiveAsync(cancellationToken).ConfigureAwait(false);
                var answer = a.Respond(question);
                if (answer is null)
                {
                    return a.LeakedBits;
                }
                await channel.SendAsync(answer, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            a.Wipe();
        }
    }

    /// <summary>Bob's side over a channel; corrects <paramref name="key"/> in place.</summary>
    public static async Task<CascadeResult> RunBobAsync(CascadePlan plan, BitString key, IClassicalChannel channel, CancellationToken cancellationToken = default)
    {
        Guard.NotNull(channel);
        var b = new CascadeBob(plan, key);
        long bytes = 0;
        while (true)
        {
            var message = await channel.ReceiveAsync(cancellationToken).ConfigureAwait(false);
            bytes += message.Length;
            var reply = b.Receive(message);
            bytes += reply.Length;
            await channel.SendAsync(reply, cancellationToken).ConfigureAwait(false);
            if (b.IsFinished)
            {
                return new CascadeResult(b.LeakedBits, b.Corrections, b.QueryMessages, bytes);
            }
        }
    }
}
