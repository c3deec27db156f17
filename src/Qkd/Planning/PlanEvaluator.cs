using System.Collections.Immutable;
using Qkd.KeyRate;
using Qkd.KeyRate.Analysis;
using Qkd.Physics;

namespace Qkd.Planning;

/// <summary>
/// Evaluates a <see cref="DeploymentPlan"/>: for each architecture and fibre, the loss budget, WDM noise, QBER, secret
/// key rate after time-sharing, whether the key demand is met, the tolerable classical power, and the cost.
/// </summary>
public static class PlanEvaluator
{
    /// <summary>
    /// Checks the plan's references (sites, fibres, one transmitter and one receiver per fibre in each architecture)
    /// and evaluates it. Inconsistent plans throw <see cref="ArgumentException"/> naming the offending id.
    /// </summary>
    public static PlanAssessment Evaluate(DeploymentPlan plan)
    {
        Guard.NotNull(plan);
        var model = KeyRateModels.Get(plan.ModelName);
        var costs = plan.Costs.Validated();
        var siteIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var s in plan.Sites)
        {
            if (!siteIds.Add(s.Id))
            {
                throw new ArgumentException($"Site id '{s.Id}' appears twice; site ids must be unique.");
            }
        }
        var fibres = new Dictionary<string, FibreSpan>(StringComparer.Ordinal);
        foreach (var f in plan.Fibres)
        {
            if (!siteIds.Contains(f.FromSiteId) || !siteIds.Contains(f.ToSiteId))
            {
                throw new ArgumentException($"Fibre '{f.Id}' joins '{f.FromSiteId}' and '{f.ToSiteId}', but both must be sites of the plan.");
            }
            if (!fibres.TryAdd(f.Id, f))
            {
                throw new ArgumentException($"Fibre id '{f.Id}' appears twice; fibre ids must be unique.");
            }
            f.Wdm.Validated();
        }
        if (plan.Architectures.IsDefaultOrEmpty)
        {
            throw new ArgumentException("A plan needs at least one architecture (a list of QKD devices).");
        }
        var b = ImmutableArray.CreateBuilder<ArchitectureAssessment>(plan.Architectures.Length);
        foreach (var a in plan.Architectures)
        {
            b.Add(EvaluateArchitecture(plan, a, fibres, siteIds, model, costs));
        }
        return new PlanAssessment(plan.Name, model.Name, costs.Currency, b.MoveToImmutable());
    }

    private static ArchitectureAssessment EvaluateArchitecture(DeploymentPlan plan, Architecture a, Dictionary<string, FibreSpan> fibres,
        HashSet<string> siteIds, IKeyRateModel model, DeviceCosts costs)
    {
        var tx = new Dictionary<string, QkdDevice>(StringComparer.Ordinal);
        var rx = new Dictionary<string, QkdDevice>(StringComparer.Ordinal);
        int transmitters = 0, receivers = 0, ports = 0;
        foreach (var d in a.Devices)
        {
            if (!siteIds.Contains(d.SiteId))
            {
                throw new ArgumentException($"Architecture '{a.Name}': device '{d.Id}' stands at '{d.SiteId}', which is not a site of the plan.");
            }
            if (d.FibreIds.IsDefaultOrEmpty)
            {
                throw new ArgumentException($"Architecture '{a.Name}': device '{d.Id}' serves no fibre.");
            }
            _ = d.Role == DeviceRole.Transmitter ? transmitters++ : receivers++;
            ports += d.FibreIds.Length > 1 ? d.FibreIds.Length : 0;
            var map = d.Role == DeviceRole.Transmitter ? tx : rx;
            foreach (var f in d.FibreIds)
            {
                if (!fibres.TryGetValue(f, out var span))
                {
                    throw new ArgumentException($"Architecture '{a.Name}': device '{d.Id}' serves fibre '{f}', which is not in the plan.");
                }
                if (d.SiteId != span.FromSiteId && d.SiteId != span.ToSiteId)
                {
                    throw new ArgumentException($"Architecture '{a.Name}': device '{d.Id}' at '{d.SiteId}' cannot serve fibre '{f}' ({span.FromSiteId}-{span.ToSiteId}).");
                }
                if (!map.TryAdd(f, d))
                {
                    throw new ArgumentException($"Architecture '{a.Name}': fibre '{f}' has two {d.Role.ToString().ToLowerInvariant()}s ('{map[f].Id}' and '{d.Id}').");
                }
            }
        }
        var links = ImmutableArray.CreateBuilder<LinkAssessment>();
        double totalKeys = 0;
        var met = 0;
        foreach (var span in plan.Fibres)
        {
            var hasTx = tx.TryGetValue(span.Id, out var t);
            var hasRx = rx.TryGetValue(span.Id, out var r);
            if (!hasTx && !hasRx)
            {
                continue;
            }
            if (!hasTx || !hasRx)
            {
                throw new ArgumentException($"Architecture '{a.Name}': fibre '{span.Id}' needs one transmitter and one receiver, but has only a {(hasTx ? "transmitter" : "receiver")}.");
            }
            var link = Assess(plan.Equipment, span, t!, r!, model, costs);
            links.Add(link);
            totalKeys += link.Aes256KeysPerSecond;
            met += link.DemandMet ? 1 : 0;
        }
        var cost = transmitters * costs.Transmitter + receivers * costs.Receiver + ports * costs.OpticalSwitchPort;
        return new ArchitectureAssessment(a.Name, a.Description, links.ToImmutable(), transmitters, receivers, ports, cost, totalKeys, met);
    }

    /// <summary>One fibre with its serving devices: loss budget, noise, key rate after time-sharing, demand check.</summary>
    public static LinkAssessment Assess(LinkDescription equipment, FibreSpan span, QkdDevice transmitter, QkdDevice receiver, IKeyRateModel model, DeviceCosts costs)
    {
        Guard.NotNull(equipment);
        Guard.NotNull(span);
        Guard.NotNull(transmitter);
        Guard.NotNull(receiver);
        Guard.NotNull(costs);
        var switchLoss = (transmitter.FibreIds.Length > 1 ? costs.OpticalSwitchLossDb : 0) + (receiver.FibreIds.Length > 1 ? costs.OpticalSwitchLossDb : 0);
        var bare = equipment.With(fiber: span.Fiber, extraLossDb: span.ExtraLossDb + switchLoss, noiseCountProbability: 0);
        var link = WdmLink.Apply(bare, span.Wdm, span.ClassicalChannels);
        var share = 1.0 / Math.Max(transmitter.FibreIds.Length, receiver.FibreIds.Length);
        var result = KeyRateAnalysis.Analyse(model, link, includeMaxDistance: false);
        var bps = result.SecretKeyRateBps * share;
        var keys = bps / KeyRateAnalysis.Aes256KeyBits;
        var demandKeys = span.Demand.KeysPerSecond;
        var maxDbm = WdmLink.MaxTolerableLaunchPowerDbm(model, bare, span.Wdm, span.ClassicalChannels);
        return new LinkAssessment(span.Id, transmitter.Id, receiver.Id, span.Fiber.LossDb, span.ExtraLossDb, span.Wdm.InsertionLossDb, switchLoss,
            link.ChannelLossDb, link.NoiseCountProbability, result.Qber, share, bps, keys, demandKeys, span.Demand.BitsPerSecond <= bps, maxDbm);
    }
}
