using System.Collections.Immutable;
using Qkd.Bits;

namespace Qkd.PostProcessing;

/// <summary>The secret keys of a run (null for discarded or aborted blocks) and its report.</summary>
/// <param name="AliceKeys">Alice's secret key per block.</param>
/// <param name="BobKeys">Bob's secret key per block (equal to Alice's except with probability eps_cor).</param>
/// <param name="Report">The run's report.</param>
public sealed record PostProcessingResult(ImmutableArray<BitString?> AliceKeys, ImmutableArray<BitString?> BobKeys, PostProcessingReport Report);
