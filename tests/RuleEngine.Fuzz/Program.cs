using RuleEngine.Fuzz;

// Usage: RuleEngine.Fuzz <target>            run under afl-fuzz (fuzz.sh), reading each input from AFL
//        RuleEngine.Fuzz replay [folder]     run every file of corpus/<target>/ through its target, without AFL
if (args is ["replay", ..])
{
    string corpus = args.Length > 1 ? args[1] : Path.Combine(AppContext.BaseDirectory, "corpus");
    int failures = 0;
    int inputs = 0;
    foreach ((string name, Action<Stream> target) in FuzzTargets.All)
    {
        foreach (string file in Directory.EnumerateFiles(Path.Combine(corpus, name)).Order(StringComparer.Ordinal))
        {
            inputs++;
            try
            {
                using FileStream stream = File.OpenRead(file);
                target(stream);
            }
            catch (Exception e)
            {
                failures++;
                Console.Error.WriteLine($"{name}: {Path.GetFileName(file)}: {e.GetType().Name}");
            }
        }
    }

    Console.WriteLine($"replayed {inputs} inputs, {failures} crashed");
    return failures == 0 ? 0 : 1;
}

if (args.Length != 1 || !FuzzTargets.All.TryGetValue(args[0], out Action<Stream>? run))
{
    Console.Error.WriteLine($"usage: RuleEngine.Fuzz <{string.Join('|', FuzzTargets.All.Keys)}> | replay [corpus folder]");
    return 2;
}

SharpFuzz.Fuzzer.OutOfProcess.Run(run);
return 0;
