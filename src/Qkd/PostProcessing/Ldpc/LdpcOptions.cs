namespace Qkd.PostProcessing.Ldpc;

/// <summary>Settings of rate-adaptive (and optionally blind) LDPC reconciliation; validated once here.</summary>
public sealed record LdpcOptions
{
    /// <summary>The <c>--method</c> name.</summary>
    public const string MethodName = "ldpc";

    /// <summary>Most blind rounds a frame may have (both parties refuse a plan with more).</summary>
    public const int MaxBlindRounds = 40;

    /// <summary>Default settings.</summary>
    public static LdpcOptions Default { get; } = new();

    /// <summary>delta: fraction of each code frame that is punctured or shortened (the rest carries key).</summary>
    public double FrameSlack { get; init; } = 0.1;

    /// <summary>
    /// Efficiency the first syndrome aims at, at QBER estimates up to <see cref="StartRampFromQber"/>: leak = f_start n h(Q)
    /// (before blind reveals). 0.88 since ldpc7 (0.90 before, with the shorter stall window).
    /// </summary>
    public double StartEfficiency { get; init; } = 0.88;

    /// <summary>
    /// f_start at QBER estimates from <see cref="StartRampToQber"/> on; linear in the QBER between the two (a start per
    /// QBER band: at 5 % the start below n h(Q) cost attempts for no lower f; docs/postprocessing.md section 7).
    /// </summary>
    public double StartEfficiencyAtHighQber { get; init; } = 1.05;

    /// <summary>QBER up to which <see cref="StartEfficiency"/> holds.</summary>
    public const double StartRampFromQber = 0.01;

    /// <summary>QBER from which <see cref="StartEfficiencyAtHighQber"/> holds.</summary>
    public const double StartRampToQber = 0.03;

    /// <summary>f_start for the agreed QBER estimate <paramref name="qber"/> (only Alice uses it: the first leak is in her announcement).</summary>
    public double StartEfficiencyFor(double qber)
    {
        var x = Math.Clamp((qber - StartRampFromQber) / (StartRampToQber - StartRampFromQber), 0, 1);
        return StartEfficiency + x * (StartEfficiencyAtHighQber - StartEfficiency);
    }

    /// <summary>Feedback rounds in which Alice reveals punctured bits after a failed decoding (0: one-way only).</summary>
    public int BlindRounds { get; init; } = MaxBlindRounds;

    /// <summary>Which bits a blind round reveals: the ones Bob's decoder is least sure of (default) or a fixed public order.</summary>
    public LdpcRevealOrder RevealOrder { get; init; } = LdpcRevealOrder.LeastReliable;

    /// <summary>
    /// Bits revealed per blind round, as an efficiency step: ceil(step n h(Q)); with
    /// <see cref="RevealPerUnsatisfiedCheck"/> the most Bob may ask for in a round.
    /// </summary>
    public double RevealEfficiencyStep { get; init; } = 0.05;

    /// <summary>
    /// Least-reliable order: after a failed attempt Bob asks for ceil(this times his unsatisfied checks) values, at
    /// least <see cref="MinimumRevealBits"/> and at most the round's size (0: always the round's size). A frame near
    /// decoding then pays for a few bits, one far from it for many, in one round trip (docs/postprocessing.md section 7).
    /// </summary>
    public double RevealPerUnsatisfiedCheck { get; init; } = 0.1;

    /// <summary>Fewest values Bob asks for in a blind round when <see cref="RevealPerUnsatisfiedCheck"/> sizes it [bits].</summary>
    public int MinimumRevealBits { get; init; } = 8;

    /// <summary>
    /// Every this many blind rounds the reveal grows by one step (round k reveals (1 + floor(k / g)) steps; 0: constant),
    /// so the first rounds are fine and a badly underestimated QBER is still covered by the last ones.
    /// </summary>
    public int RevealGrowthRounds { get; init; } = 5;

    /// <summary>
    /// Punctured bits reserved for the blind rounds, as an efficiency: up to ceil(reserve n h(Q)) (and the frame
    /// slack); reveals beyond them disclose key bits instead (puncturing costs threshold from the first attempt on).
    /// 0 by default since the least reliable order: Bob's least reliable key bits help as much as punctured ones
    /// (0.15 suited the fixed order; docs/postprocessing.md section 7).
    /// </summary>
    public double PunctureReserve { get; init; }

    /// <summary>Belief-propagation iterations per decoding attempt.</summary>
    public int MaxIterations { get; init; } = 60;

    /// <summary>
    /// Give an attempt up when unsatisfied checks fell by less than <see cref="LdpcDecoder.StallDecreasePercent"/> over
    /// this many iterations (0: never). 2 since ldpc7 (3 before): with 8-bit messages and f_start 0.88, 12-14 % fewer
    /// iterations at 1 % for f 1.094 (docs/postprocessing.md section 7).
    /// </summary>
    public int StallWindow { get; init; } = 2;

    /// <summary>
    /// A resumed attempt (after a reveal, least-reliable order with <see cref="RevealPerUnsatisfiedCheck"/>) is first
    /// stall-tested after this many iterations, against the unsatisfied checks it started from (before the reveal), so
    /// a reveal that did not help ends the attempt after one window instead of two; 0: the first attempt's rule (from
    /// iteration 2 <see cref="StallWindow"/> on). docs/postprocessing.md section 7 has the measurements.
    /// </summary>
    public int ResumedStallWindow { get; init; } = 3;

    /// <summary>alpha: check messages are scaled by it (multiples of 1/16 are used); 13/16 suits normalised min-sum.</summary>
    public double Normalisation { get; init; } = 1.0;

    /// <summary>Check-node update of the decoder.</summary>
    public LdpcCheckRule CheckRule { get; init; } = LdpcCheckRule.BoxPlus;

    /// <summary>
    /// Whether Bob's decoder runs box-plus on 8-bit lanes (64 checks per Vector512) instead of 16-bit ones
    /// (<c>LdpcNarrowArithmetic</c> has the quantisation; docs/postprocessing.md section 7 the study). Only with
    /// <see cref="LdpcCheckRule.BoxPlus"/> and <see cref="Normalisation"/> 1; otherwise Bob decodes on 16-bit lanes.
    /// </summary>
    public bool NarrowLanes { get; init; } = true;

    /// <summary>Spacing of the mother-code rates of the family.</summary>
    public double RateStep { get; init; } = 0.02;

    /// <summary>Public seed the codes are built from.</summary>
    public ulong CodeSeed { get; init; } = 0x1D9C;

    /// <summary>Throws when a value is outside its range.</summary>
    public LdpcOptions Validated()
    {
        Guard.InRange(FrameSlack, 0.02, 0.5, "", nameof(FrameSlack));
        Guard.InRange(StartEfficiency, 0.8, 2, "", nameof(StartEfficiency));
        Guard.InRange(StartEfficiencyAtHighQber, 0.8, 2, "", nameof(StartEfficiencyAtHighQber));
        Guard.InRange(BlindRounds, 0, MaxBlindRounds, nameof(BlindRounds));
        Guard.InRange(RevealEfficiencyStep, 0.001, 0.5, "", nameof(RevealEfficiencyStep));
        Guard.InRange(MaxIterations, 1, 1000, nameof(MaxIterations));
        Guard.InRange(RevealGrowthRounds, 0, MaxBlindRounds, nameof(RevealGrowthRounds));
        Guard.InRange(PunctureReserve, 0, 2, "", nameof(PunctureReserve));
        Guard.InRange(Normalisation, 0.5, 1, "", nameof(Normalisation));
        Guard.InRange(StallWindow, 0, 1000, nameof(StallWindow));
        Guard.InRange(ResumedStallWindow, 0, 1000, nameof(ResumedStallWindow));
        Guard.InRange(RevealPerUnsatisfiedCheck, 0, 10, "", nameof(RevealPerUnsatisfiedCheck));
        Guard.InRange(MinimumRevealBits, 1, 1 << 20, nameof(MinimumRevealBits));
        if (!Enum.IsDefined(CheckRule))
        {
            throw new ArgumentOutOfRangeException(nameof(CheckRule), CheckRule, "Unknown LDPC check rule.");
        }
        if (!Enum.IsDefined(RevealOrder))
        {
            throw new ArgumentOutOfRangeException(nameof(RevealOrder), RevealOrder, "Unknown LDPC reveal order.");
        }
        Guard.InRange(RateStep, 0.005, 0.1, "", nameof(RateStep));
        return this;
    }
}
