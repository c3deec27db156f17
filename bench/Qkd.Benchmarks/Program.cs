using BenchmarkDotNet.Running;

// Run: dotnet run -c Release --project bench/Qkd.Benchmarks -- --filter '*'
// Read the Ratio column against each class's baseline, not absolute times (bench/README.md).
// Not a timing: `-- ldpc-frontier [--qber Q] [--frames N] [--bound F]` prints the LDPC schedule frontier (f against iterations).
if (args.Length > 0 && args[0] == "ldpc-frontier")
{
    return Qkd.Benchmarks.PostProcessing.LdpcFrontier.Run(args[1..]);
}
BenchmarkSwitcher.FromAssembly(typeof(Qkd.Benchmarks.BitStringBenchmarks).Assembly).Run(args);
return 0;
