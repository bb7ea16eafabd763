using BenchmarkDotNet.Running;
using RuleEngine.Benchmarks;

if (args is ["--verify"])
{
    return Verification.Run();
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
