using System.CommandLine;
using System.Globalization;
using RuleEngine;
using RuleEngine.Clues;
using RuleEngine.Diagnostics;
using RuleEngine.Records;
using RuleEngine.Yaml;

namespace RuleRunner;

/// <summary><c>run</c>: streams data files through the models and writes clues and a summary.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var modelsPath = new Option<string>("--models", "-m") { Description = "A folder of model and dataset files.", Required = true };
        var region = new Option<string?>("--region") { Description = "The 6-digit division code whose parameter values apply." };
        var parameters = new Option<string[]>("--param", "-p") { Description = "A parameter value, as name=value or model.name=value. Repeat for several.", AllowMultipleArgumentsPerToken = true };
        var data = new Option<string[]>("--data", "-d")
        {
            Description = "A dataset and its file, as dataset=path (.csv, .jsonl, .xlsx). Repeat for several datasets.",
            AllowMultipleArgumentsPerToken = true,
        };
        var dataDirectory = new Option<DirectoryInfo?>("--data-dir") { Description = "A folder whose files are named after datasets (dui_cases.csv, allowance_payments.jsonl, or dui_cases.xlsx); each one found is read." };
        var output = new Option<FileInfo?>("--out", "-o") { Description = "Write clues to this file instead of listing them." };
        var format = new Option<string>("--format") { Description = "The clue file's format: jsonl (JSON Lines, for tools and report), csv, or xlsx (an Excel workbook: a sheet per model, a column per evidence field).", DefaultValueFactory = _ => "jsonl" };
        var badRecords = new Option<string>("--bad-records") { Description = "skip, stop, or stop-after:N", DefaultValueFactory = _ => "skip" };
        var reveal = new Option<bool>("--reveal-personal-data") { Description = "Show ID numbers, names and phones unmasked." };
        var checkEveryField = new Option<bool>("--check-every-field") { Description = "Parse and check every field of every record, not only the fields the models read (an audit of the export)." };
        var parallelism = new Option<int>("--parallelism") { Description = "Batches evaluated at once.", DefaultValueFactory = _ => Environment.ProcessorCount };
        var exclude = new Option<string[]>("--exclude") { Description = "Keep records from every model, as dataset=condition (convictions=\"sealed = true\"): read and counted, never evaluated or joined. Repeat for several.", AllowMultipleArgumentsPerToken = true };
        var deadLetters = new Option<FileInfo?>("--dead-letters") { Description = "Write every rejected record and rule error to this file (JSON Lines: dataset, line, code, field, rule, message; never the record's values)." };
        var checkpoint = new Option<FileInfo?>("--checkpoint") { Description = "Checkpoint the run to this file (with --out), so --resume can finish it after a crash." };
        var checkpointEvery = new Option<double>("--checkpoint-every") { Description = "Seconds between checkpoints (each source's start is always one).", DefaultValueFactory = _ => 30 };
        var resume = new Option<bool>("--resume") { Description = "Resume the run recorded in --checkpoint: same models, same inputs (checked), the clue file kept up to its last committed byte." };
        var progress = new Option<string>("--progress") { Description = "auto (a live bar on a terminal when clues go to a file, lines every --progress-every otherwise), bar, lines or off.", DefaultValueFactory = _ => "auto" };
        var progressEvery = new Option<double>("--progress-every") { Description = "Seconds between progress lines.", DefaultValueFactory = _ => 10 };
        var store = new Option<string?>("--store") { Description = "Also record the run and its clues in a clue store: a SQLite file (created when missing) or a PostgreSQL connection string (Host=…). Known clues are seen again, never raised twice." };

        var load = new LoadOptions();
        var command = new Command("run", "Run the models over data files and print the clues and a summary.") { modelsPath, data, dataDirectory, region, parameters, output, format, badRecords, reveal, checkEveryField, parallelism, exclude, deadLetters, checkpoint, checkpointEvery, resume, progress, progressEvery, store };
        load.AddTo(command);
        command.SetAction((parse, cancellationToken) => load.Read(parse) is not { } options ? Task.FromResult(ExitCodes.Usage) : RunAsync(
            new RunArguments(options, parse.GetValue(modelsPath)!, parse.GetValue(data) ?? [], parse.GetValue(dataDirectory), parse.GetValue(region), parse.GetValue(parameters) ?? [], parse.GetValue(output), parse.GetValue(format)!, parse.GetValue(badRecords)!, parse.GetValue(reveal), parse.GetValue(parallelism), parse.GetValue(exclude) ?? [], parse.GetValue(deadLetters), parse.GetValue(checkpoint), parse.GetValue(checkpointEvery), parse.GetValue(resume), parse.GetValue(progress)!, parse.GetValue(progressEvery), parse.GetValue(store), parse.GetValue(checkEveryField)),
            cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(RunArguments arguments, CancellationToken cancellationToken)
    {
        (string[] data, FileInfo? output, string badRecords, bool reveal, int parallelism) = (arguments.Data, arguments.Output, arguments.BadRecords, arguments.Reveal, arguments.Parallelism);
        if (arguments.Progress is not ("auto" or "bar" or "lines" or "off") || !(arguments.ProgressEvery >= 0))
        {
            await Console.Error.WriteLineAsync($"--progress: '{arguments.Progress}' is not auto, bar, lines or off (and --progress-every is seconds, at least 0).");
            return ExitCodes.Usage;
        }

        if (arguments.Format is not ("jsonl" or "csv" or "xlsx"))
        {
            await Console.Error.WriteLineAsync($"--format: '{arguments.Format}' is not jsonl, csv or xlsx.");
            return ExitCodes.Usage;
        }

        if (arguments.Format == "xlsx" && (arguments.Output is null || arguments.Checkpoint is not null))
        {
            await Console.Error.WriteLineAsync("--format xlsx: give --out (a workbook is a file), without --checkpoint (a workbook is written whole at the end; checkpoint a jsonl or csv run).");
            return ExitCodes.Usage;
        }

        if (arguments.Store is not null && arguments.Checkpoint is not null)
        {
            await Console.Error.WriteLineAsync("--store: not with --checkpoint; a resumed run would record its clues twice over. Record a checkpointed run's clue file by running without --checkpoint.");
            return ExitCodes.Usage;
        }

        if (!BadRecordPolicy.TryParse(badRecords, out BadRecordPolicy? policy))
        {
            await Console.Error.WriteLineAsync($"--bad-records: '{badRecords}' is not skip, stop or stop-after:N.");
            return ExitCodes.Usage;
        }

        ModelSet models = ModelLoading.Load(arguments.Models, arguments.LoadOptions, Console.Error);
        if (models.HasErrors)
        {
            return ExitCodes.ModelErrors;
        }

        var overrides = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string item in arguments.Parameters)
        {
            string[] pair = item.Split('=', 2);
            if (pair.Length != 2)
            {
                await Console.Error.WriteLineAsync($"--param: '{item}' is not name=value.");
                return ExitCodes.Usage;
            }

            overrides[pair[0].Trim()] = pair[1].Trim();
        }

        RuleSet rules;
        try
        {
            var exclusions = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (string item in arguments.Exclusions)
            {
                string[] pair = item.Split('=', 2);
                if (pair.Length != 2 || pair[1].Trim().Length == 0)
                {
                    await Console.Error.WriteLineAsync($"--exclude: '{item}' is not dataset=condition.");
                    return ExitCodes.Usage;
                }

                exclusions[pair[0].Trim()] = exclusions.TryGetValue(pair[0].Trim(), out string? earlier) ? $"({earlier}) OR ({pair[1]})" : pair[1];
            }

            rules = models.Compile(new ModelCompileOptions { Region = arguments.Region, Parameters = overrides, Exclusions = exclusions });
        }
        catch (RuleCompilationException e)
        {
            foreach (Diagnostic diagnostic in e.Diagnostics)
            {
                await Console.Error.WriteLineAsync(ModelLoading.Relative(diagnostic));
            }

            return ExitCodes.ModelErrors;
        }

        var sources = new List<RecordSource>();
        var files = new List<(string Dataset, string Path)>();
        if (arguments.DataDirectory is { } directory)
        {
            if (!directory.Exists)
            {
                await Console.Error.WriteLineAsync($"--data-dir: folder '{directory}' does not exist.");
                return ExitCodes.Usage;
            }

            foreach (DatasetDefinition dataset in models.Datasets.Values.OrderBy(d => d.Schema.Name, StringComparer.Ordinal))
            {
                if (dataset.FindDataFile(directory.FullName) is { } file)
                {
                    sources.Add(dataset.Open(file));
                    files.Add((dataset.Schema.Name, file));
                }
            }
        }

        if (sources.Count == 0 && data.Length == 0)
        {
            await Console.Error.WriteLineAsync("Give data with --data dataset=path or --data-dir folder.");
            return ExitCodes.Usage;
        }

        foreach (string item in data)
        {
            string[] parts = item.Split('=', 2);
            if (parts.Length != 2 || !models.Datasets.TryGetValue(parts[0], out DatasetDefinition? dataset))
            {
                await Console.Error.WriteLineAsync($"--data: '{item}' is not dataset=path with a known dataset ({string.Join(", ", models.Datasets.Keys.Order(StringComparer.Ordinal))}).");
                return ExitCodes.Usage;
            }

            if (!File.Exists(parts[1]))
            {
                await Console.Error.WriteLineAsync($"--data: file '{parts[1]}' does not exist.");
                return ExitCodes.Usage;
            }

            sources.Add(dataset.Open(parts[1]));
            files.Add((dataset.Schema.Name, parts[1]));
        }

        string? overwrite = OutputGuard.Overwrites(
            [("--out", output?.FullName), ("--out (its run record)", output is null ? null : RunRecord.PathFor(output.FullName)), ("--dead-letters", arguments.DeadLetters?.FullName), ("--checkpoint", arguments.Checkpoint?.FullName)],
            files.Select(f => ($"the data of dataset '{f.Dataset}'", f.Path)));
        if (overwrite is not null)
        {
            await Console.Error.WriteLineAsync(overwrite);
            return ExitCodes.Usage;
        }

        CheckpointedRun? checkpointed = null;
        if (arguments.Checkpoint is { } checkpointFile)
        {
            if (output is null)
            {
                await Console.Error.WriteLineAsync("--checkpoint: give --out too; a checkpoint records how much of the clue file is safely written.");
                return ExitCodes.Usage;
            }

            (checkpointed, string? problem) = CheckpointedRun.Open(checkpointFile.FullName, arguments.Resume, output.FullName, arguments.Models, arguments.Format, reveal, files, rules);
            if (problem is not null)
            {
                await Console.Error.WriteLineAsync(problem);
                return arguments.Resume && File.Exists(checkpointFile.FullName) ? ExitCodes.ModelErrors : ExitCodes.Usage;
            }
        }
        else if (arguments.Resume)
        {
            await Console.Error.WriteLineAsync("--resume: give the --checkpoint file to resume from.");
            return ExitCodes.Usage;
        }

        bool live = arguments.Progress == "bar" || (arguments.Progress == "auto" && !Console.IsErrorRedirected && (output is not null || Console.IsOutputRedirected));
        ProgressPrinter? printer = arguments.Progress == "off" ? null : new ProgressPrinter(live, TimeSpan.FromSeconds(arguments.ProgressEvery));
        await using JsonLinesDeadLetterSink? deadLetters = arguments.DeadLetters is { } deadLetterFile ? new JsonLinesDeadLetterSink(deadLetterFile.Create(), ownsStream: true) : null;
        var options = new RunOptions { BadRecords = policy, RevealPersonalData = reveal, MaxDegreeOfParallelism = Math.Max(1, parallelism), Progress = printer, DeadLetters = deadLetters, ResumeFrom = checkpointed?.ResumeFrom, CheckEveryField = arguments.CheckEveryField };
        RunSummary summary;
        DateTimeOffset started = TimeProvider.System.GetUtcNow();
        Task<string[]>? inputHashes = output is null ? null : RunRecord.HashInputs(files);
        StoreTarget? store = null;
        if (arguments.Store is not null && (store = await StoreTarget.BeginAsync(arguments.Store, models, files, arguments.Region, arguments.Parameters, reveal, cancellationToken)) is null)
        {
            return ExitCodes.Usage;
        }

        await using StoreTarget? storeScope = store;
        try
        {
            Stream? file = checkpointed is not null ? checkpointed.Output : output?.Create();
            if (file is null)
            {
                summary = await rules.RunAsync(sources, StoreTarget.Tee(new ConsoleClueSink(), store), options, cancellationToken);
            }
            else if (arguments.Format == "xlsx")
            {
                await using var sink = new RuleEngine.Excel.ExcelClueSink(file, rules.Datasets, ownsStream: true);
                summary = await rules.RunAsync(sources, StoreTarget.Tee(sink, store), options, cancellationToken);
            }
            else if (arguments.Format == "csv")
            {
                await using var sink = new CsvClueSink(file, ownsStream: true, append: checkpointed?.Appending ?? false);
                options = options with { Progress = new Progresses(printer, checkpointed?.Checkpointer(() => sink.FlushAsync().AsTask(), TimeSpan.FromSeconds(arguments.CheckpointEvery))) };
                summary = await rules.RunAsync(sources, StoreTarget.Tee(sink, store), options, cancellationToken);
            }
            else
            {
                await using var sink = new JsonLinesClueSink(file, ownsStream: true);
                options = options with { Progress = new Progresses(printer, checkpointed?.Checkpointer(() => sink.FlushAsync().AsTask(), TimeSpan.FromSeconds(arguments.CheckpointEvery))) };
                summary = await rules.RunAsync(sources, StoreTarget.Tee(sink, store), options, cancellationToken);
            }

            checkpointed?.Complete();
        }
        catch (BadRecordLimitExceededException e)
        {
            PrintSummary(e.Summary);
            await Console.Error.WriteLineAsync(e.Message);
            return ExitCodes.ModelErrors;
        }
        catch (RecordSourceException e)
        {
            await Console.Error.WriteLineAsync(e.Message);
            return ExitCodes.ModelErrors;
        }
        catch (RunOutputException e)
        {
            if (e.Summary is not null)
            {
                PrintSummary(e.Summary);
            }

            // A file system's own words (no space left, a path) carry no record values; another sink's might.
            string cause = e.InnerException is IOException io ? $" ({io.Message})" : string.Empty;
            await Console.Error.WriteLineAsync(e.Message + cause + (checkpointed is not null ? " Free the output and run again with --resume." : string.Empty));
            return ExitCodes.ModelErrors;
        }
        catch (Exception e) when (output is not null && e is IOException or UnauthorizedAccessException)
        {
            // The clue file could not be created, or closing it (writing the workbook, or a stream's last bytes) failed;
            // an input that fails is a RecordSourceException, above.
            await Console.Error.WriteLineAsync($"{RuleEngine.Diagnostics.DiagnosticIds.OutputWriteFailed}: The clue file '{output.FullName}' could not be written: {e.Message}" + (checkpointed is not null ? " Free the output and run again with --resume." : string.Empty));
            return ExitCodes.ModelErrors;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            printer?.Finish();
            await Console.Error.WriteLineAsync("The run was cancelled." + (checkpointed is not null ? " Finish it with --resume." : string.Empty));
            return ExitCodes.Cancelled;
        }
        catch (RunLimitExceededException e)
        {
            if (e.Summary is not null)
            {
                PrintSummary(e.Summary);
            }

            await Console.Error.WriteLineAsync(e.Message);
            return ExitCodes.ModelErrors;
        }
        catch (ArgumentException e)
        {
            await Console.Error.WriteLineAsync(e.Message);
            return ExitCodes.Usage;
        }

        printer?.Finish();
        PrintSummary(summary);
        if (store is not null)
        {
            Console.WriteLine(await store.CompleteAsync(summary, cancellationToken));
        }

        if (output is not null)
        {
            // Beside the clue file: what produced it (models and inputs by hash), for the report and whoever gets the file.
            RunRecord.Create(started, models, files, await inputHashes!, arguments.Region, arguments.Parameters, reveal, summary).Write(RunRecord.PathFor(output.FullName));
        }

        return LossExitCode(summary);
    }

    /// <summary>
    /// <see cref="ExitCodes.CompletedWithLoss"/> when the run finished but did not evaluate everything it read —
    /// rejected records, rule errors, quarantined rules, input lines unaccounted for — after saying so on standard error;
    /// otherwise <see cref="ExitCodes.Success"/>.
    /// </summary>
    internal static int LossExitCode(RunSummary summary)
    {
        long unaccounted = summary.LinesPerDataset.Values.Sum(l => l.Unaccounted);
        if (summary.RecordsRejected == 0 && summary.RuleErrors == 0 && summary.QuarantinedRules.Count == 0 && unaccounted == 0)
        {
            return ExitCodes.Success;
        }

        Console.Error.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"Finished with loss (exit code {ExitCodes.CompletedWithLoss}): {summary.RecordsRejected} record(s) rejected, {summary.RuleErrors} rule error(s), {summary.QuarantinedRules.Count} rule(s) quarantined, {unaccounted} input line(s) unaccounted for. The clues of what was read are written; the rest is listed above and in the dead letters."));
        return ExitCodes.CompletedWithLoss;
    }

    /// <summary>Prints a run's summary; <paramref name="references"/> says where joined datasets were held.</summary>
    internal static void PrintSummary(RunSummary summary, string references = "held in memory for joins")
    {
        var culture = CultureInfo.InvariantCulture;
        Console.WriteLine();
        Console.WriteLine(string.Create(culture, $"Records read: {summary.RecordsRead}, matched: {summary.RecordsMatched}{(summary.WindowClues > 0 ? $" (and {summary.WindowClues} window clue(s), each over a group of records)" : string.Empty)}, rejected: {summary.RecordsRejected}, rule errors: {summary.RuleErrors}")
            + (summary.FieldWarnings > 0 ? string.Create(culture, $", field warnings: {summary.FieldWarnings}") : string.Empty)
            + (summary.RecordsExcluded > 0 ? string.Create(culture, $", excluded: {summary.RecordsExcluded}") : string.Empty));
        foreach ((string dataset, long count) in summary.RecordsReadPerDataset)
        {
            string lines = summary.LinesPerDataset.TryGetValue(dataset, out LineAccount? account)
                ? string.Create(culture, $" from {account.Lines} line(s): {account.HeaderLines} header, {account.RecordLines} in records")
                    + (account.BlankLines > 0 ? string.Create(culture, $", {account.BlankLines} blank") : string.Empty)
                    + (account.Unaccounted != 0 ? string.Create(culture, $", {account.Unaccounted} UNACCOUNTED") : string.Empty)
                : string.Empty;
            Console.WriteLine(string.Create(culture, $"  {dataset}: {count} read{lines}"));
        }

        foreach ((string dataset, long count) in summary.ReferenceRecordsPerDataset)
        {
            Console.WriteLine(string.Create(culture, $"  {dataset}: {count} {references}"));
        }

        foreach ((string dataset, long count) in summary.DerivedRecordsPerDataset)
        {
            Console.WriteLine(string.Create(culture, $"  {dataset}: {count} derived in the run"));
        }

        foreach ((string rule, long peak) in summary.PeakWindowStatePerRule)
        {
            string sorted = summary.WindowSortsPerRule.TryGetValue(rule, out WindowSortFigures? sort)
                ? string.Create(culture, $"; {sort.Records} sorted") + (sort.SpilledRuns > 0 ? string.Create(culture, $" through {sort.SpilledRuns} spill file(s), {sort.SpilledBytes / (1024.0 * 1024.0):F1} MiB") : " in memory")
                : string.Empty;
            Console.WriteLine(string.Create(culture, $"  {rule}: at most {peak} records in its windows{sorted}"));
        }

        Console.WriteLine(string.Create(culture, $"Clues: {summary.CluesEmitted}") + (summary.RepeatedClues > 0 ? string.Create(culture, $" ({summary.RepeatedClues} repeat an earlier clue's fingerprint: the same subject twice in the input)") : string.Empty));
        foreach ((string rule, long count) in summary.CluesPerRule)
        {
            Console.WriteLine(string.Create(culture, $"  {rule}: {count}"));
        }

        foreach (RuleQuarantine quarantine in summary.QuarantinedRules)
        {
            Console.WriteLine(string.Create(culture, $"Quarantined {quarantine.RuleId} (RE5010): failed on {quarantine.Errors} of {quarantine.RecordsRead} {quarantine.Dataset} records; not evaluated from line {quarantine.Line} on"));
        }

        foreach (RecordRejection rejection in summary.Rejections)
        {
            // Read errors lose the record; rule errors lose one rule's verdict on it; warnings lose nothing.
            Console.WriteLine($"{(rejection.IsWarning ? "Warning" : rejection.RuleId is not null ? "Rule error" : "Rejected")} {rejection}");
        }

        double seconds = Math.Max(summary.Elapsed.TotalSeconds, 1e-6);
        Console.WriteLine(string.Create(culture, $"Elapsed: {summary.Elapsed.TotalMilliseconds:F0} ms ({summary.RecordsRead / seconds:F0} records/s)"));
    }

    private sealed record RunArguments(ModelLoadOptions LoadOptions, string Models, string[] Data, DirectoryInfo? DataDirectory, string? Region, string[] Parameters, FileInfo? Output, string Format, string BadRecords, bool Reveal, int Parallelism, string[] Exclusions, FileInfo? DeadLetters, FileInfo? Checkpoint, double CheckpointEvery, bool Resume, string Progress, double ProgressEvery, string? Store, bool CheckEveryField);

    internal sealed class ConsoleClueSink : IClueSink
    {
        public ValueTask WriteAsync(Clue clue, CancellationToken cancellationToken = default)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{clue.RuleId}] {clue.Title}  subject={clue.SubjectKey}  ({clue.Dataset}:{clue.Line}, {clue.Fingerprint})"));
            return ValueTask.CompletedTask;
        }
    }
}
