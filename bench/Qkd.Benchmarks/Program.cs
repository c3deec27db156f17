using BenchmarkDotNet.Running;

// Run: dotnet run -c Release --project bench/Qkd.Benchmarks -- --filter '*'
// Read the Ratio column against each class's baseline, not absolute times (bench/README.md).
BenchmarkSwitcher.FromAssembly(typeof(Qkd.Benchmarks.BitStringBenchmarks).Assembly).Run(args);
