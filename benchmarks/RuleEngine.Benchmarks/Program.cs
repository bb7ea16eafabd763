using BenchmarkDotNet.Running;
using RuleEngine.Benchmarks;

if (args is ["--verify"])
{
    return Verification.Run();
}

// A benchmark that fails to build or throws makes the exit code non-zero, so CI's dry job notices.
var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args).ToList();
bool failed = summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success));
return failed ? 1 : 0;
