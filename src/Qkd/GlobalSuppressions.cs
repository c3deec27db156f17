using System.Diagnostics.CodeAnalysis;

// TimeProvider.System is banned in the pure library (BannedSymbols.txt). The one remaining default lives in
// PostProcessing, which is being reworked separately; delete this line once that overload takes its clock from the host.
[assembly: SuppressMessage("ApiDesign", "RS0030:Do not use banned APIs", Justification = "Tracked: PostProcessing's convenience overload still defaults to the system clock.",
    Scope = "member", Target = "~M:Qkd.PostProcessing.PostProcessingPipeline.RunAsync(System.Collections.Generic.IReadOnlyList{Qkd.PostProcessing.SiftedBlock},Qkd.PostProcessing.PostProcessingOptions,System.TimeProvider,System.Threading.CancellationToken)~System.Threading.Tasks.Task{Qkd.PostProcessing.PostProcessingResult}")]
