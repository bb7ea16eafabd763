using System.Security.Cryptography;
using System.Text.Json;
using RuleEngine;

namespace RuleRunner;

/// <summary>An input file as a checkpoint knows it: a changed file is refused on resume.</summary>
internal sealed record CheckpointInput(string Dataset, string Path, long Length, string Sha256);

/// <summary>A committed prefix of the clue file: its length and the hash of its bytes.</summary>
internal sealed record CommittedOutput(long Length, string Sha256);

/// <summary>
/// What a run over files had safely done when it last checkpointed: the models and inputs it read (by hash), the
/// position reached, and the clue file's committed prefix — plus the prefix at the start of each source, for
/// sources whose window rules must start again from the beginning of the source.
/// </summary>
internal sealed record Checkpoint(
    int Version,
    string Models,
    string Format,
    bool Reveal,
    IReadOnlyList<CheckpointInput> Inputs,
    RunPosition Position,
    CommittedOutput Output,
    IReadOnlyDictionary<int, CommittedOutput> SourceStarts)
{
    public const int CurrentVersion = 1;

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public static Checkpoint Read(string path) => JsonSerializer.Deserialize<Checkpoint>(File.ReadAllText(path), Json)
        ?? throw new InvalidDataException("The checkpoint is empty.");

    /// <summary>Writes the checkpoint atomically: a temporary file, flushed to disk, then renamed over the old one.</summary>
    public void Write(string path, Action? beforeRename = null)
    {
        string temporary = path + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            JsonSerializer.Serialize(stream, this, Json);
            stream.Flush(flushToDisk: true);
        }

        beforeRename?.Invoke();
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>The hash of every model and dataset file under a folder, by relative path and content.</summary>
    public static string HashModels(string folder)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        IEnumerable<string> files = File.Exists(folder) ? [folder] : Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".yml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".csx", StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal);
        foreach (string file in files)
        {
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes(Path.GetRelativePath(folder, file) + "\n"));
            hash.AppendData(File.ReadAllBytes(file));
        }

        return Convert.ToHexString(hash.GetHashAndReset());
    }

    public static CheckpointInput Describe(string dataset, string path)
    {
        using FileStream stream = File.OpenRead(path);
        return new CheckpointInput(dataset, Path.GetFullPath(path), stream.Length, Convert.ToHexString(SHA256.HashData(stream)));
    }

    /// <summary>The hash of a file's first bytes.</summary>
    public static string HashPrefix(string path, long length)
    {
        using FileStream stream = File.OpenRead(path);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        byte[] buffer = new byte[81920];
        for (long left = length; left > 0;)
        {
            int read = stream.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
            if (read == 0)
            {
                throw new InvalidDataException("The clue file is shorter than the checkpoint says.");
            }

            hash.AppendData(buffer, 0, read);
            left -= read;
        }

        return Convert.ToHexString(hash.GetHashAndReset());
    }
}

/// <summary>A write-only stream over the clue file that keeps the length and hash of everything written.</summary>
internal sealed class HashingStream(FileStream inner, byte[] prefix) : Stream
{
    private readonly IncrementalHash _hash = CreateHash(prefix);

    public override bool CanRead => false;

    public override bool CanSeek => inner.CanSeek;

    public override bool CanWrite => true;

    public override long Length => inner.Length;

    public override long Position
    {
        get => inner.Position;
        set => throw new NotSupportedException();
    }

    public long Written { get; private set; } = prefix.Length;

    public CommittedOutput Commit()
    {
        inner.Flush(flushToDisk: true);
        return new CommittedOutput(Written, Convert.ToHexString(_hash.GetCurrentHash()));
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        inner.Write(buffer);
        _hash.AppendData(buffer);
        Written += buffer.Length;
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        Write(buffer.AsSpan(offset, count));
        return Task.CompletedTask;
    }

    public override void Flush() => inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
            _hash.Dispose();
        }

        base.Dispose(disposing);
    }

    private static IncrementalHash CreateHash(byte[] prefix)
    {
        var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(prefix);
        return hash;
    }
}

/// <summary>
/// Takes a checkpoint as the run reports progress: after the clues of a batch reach the sink, it flushes the clue
/// file to disk, then writes the checkpoint atomically. A crash at any point leaves a checkpoint whose committed
/// prefix is on disk: resuming truncates the clue file to it and goes on from the recorded position.
/// </summary>
internal sealed class Checkpointer(string path, Checkpoint initial, HashingStream output, Func<Task> flushSink, TimeSpan every) : IProgress<RunProgress>
{
    private readonly Dictionary<int, CommittedOutput> _sourceStarts = new(initial.SourceStarts);
    private readonly (string Phase, int Count)? _crash = ParseCrash(Environment.GetEnvironmentVariable("RULERUNNER_TEST_CRASH"));
    private long _last = TimeProvider.System.GetTimestamp();
    private int _reports;

    public void Report(RunProgress value)
    {
        bool start = value.Position.SourceRecords == 0 || !_sourceStarts.ContainsKey(value.Position.SourceIndex);
        if (!start && TimeProvider.System.GetElapsedTime(_last) < every)
        {
            return;
        }

        _last = TimeProvider.System.GetTimestamp();
        _reports++;
        Crash("before-flush");
        flushSink().GetAwaiter().GetResult();
        CommittedOutput committed = output.Commit();
        Crash("after-flush");
        if (start)
        {
            _sourceStarts.TryAdd(value.Position.SourceIndex, committed);
        }

        Checkpoint checkpoint = initial with { Position = value.Position, Output = committed, SourceStarts = new Dictionary<int, CommittedOutput>(_sourceStarts) };
        checkpoint.Write(path, () => Crash("during-checkpoint"));
        if (_crash is { Phase: "hold-after-checkpoint" } hold && hold.Count == _reports)
        {
            // For the test of cancelling by signal: the run waits here, its checkpoint written, until SIGTERM or Ctrl+C cancels it.
            ProcessCancelled.WaitHandle.WaitOne();
        }
    }

    /// <summary>Gets or sets the token that Ctrl+C and SIGTERM cancel (set by the program before a command runs).</summary>
    internal static CancellationToken ProcessCancelled { get; set; }

    /// <summary>
    /// Kills the process at a chosen checkpoint, for the tests of resumption (RULERUNNER_TEST_CRASH=phase:n); the phase
    /// hold-after-checkpoint instead waits there for SIGTERM or Ctrl+C.
    /// </summary>
    private void Crash(string phase)
    {
        if (_crash is { } crash && crash.Phase == phase && crash.Count == _reports)
        {
            Environment.FailFast($"RULERUNNER_TEST_CRASH: {phase} at checkpoint {_reports}");
        }
    }

    private static (string, int)? ParseCrash(string? text) =>
        text?.Split(':') is [string phase, string count] && int.TryParse(count, System.Globalization.CultureInfo.InvariantCulture, out int n) ? (phase, n) : null;
}

/// <summary>Reports to several listeners.</summary>
internal sealed class Progresses(params IProgress<RunProgress>?[] listeners) : IProgress<RunProgress>
{
    public void Report(RunProgress value)
    {
        foreach (IProgress<RunProgress>? listener in listeners)
        {
            listener?.Report(value);
        }
    }
}

/// <summary>The clue file and checkpoint of a checkpointed run, fresh or resumed.</summary>
internal sealed class CheckpointedRun
{
    private readonly string _path;
    private readonly Checkpoint _initial;

    private CheckpointedRun(string path, Checkpoint initial, HashingStream output, RunPosition? resumeFrom, bool appending)
    {
        _path = path;
        _initial = initial;
        Output = output;
        ResumeFrom = resumeFrom;
        Appending = appending;
    }

    public HashingStream Output { get; }

    public RunPosition? ResumeFrom { get; }

    /// <summary>Gets a value indicating whether the clue file already holds clues (and a CSV header).</summary>
    public bool Appending { get; }

    public static (CheckpointedRun? Run, string? Problem) Open(string path, bool resume, string output, string models, string format, bool reveal, List<(string Dataset, string Path)> files, RuleSet rules)
    {
        string modelsHash = Checkpoint.HashModels(models);
        List<CheckpointInput> inputs = [.. files.Select(f => Checkpoint.Describe(f.Dataset, f.Path))];
        if (!resume)
        {
            if (File.Exists(path))
            {
                return (null, $"--checkpoint: '{path}' exists from an earlier run: add --resume to finish that run, or delete the file to start again.");
            }

            var fresh = new Checkpoint(Checkpoint.CurrentVersion, modelsHash, format, reveal, inputs, new RunPosition(0, 0), new CommittedOutput(0, Convert.ToHexString(System.Security.Cryptography.SHA256.HashData([]))), new Dictionary<int, CommittedOutput>());
            return (new CheckpointedRun(path, fresh, new HashingStream(new FileStream(output, FileMode.Create, FileAccess.Write, FileShare.Read), []), null, false), null);
        }

        if (!File.Exists(path))
        {
            return (null, $"--resume: there is no checkpoint '{path}'.");
        }

        Checkpoint checkpoint;
        try
        {
            checkpoint = Checkpoint.Read(path);
        }
        catch (Exception e) when (e is JsonException or InvalidDataException or IOException)
        {
            return (null, $"--resume: '{path}' is not a readable checkpoint ({e.GetType().Name}); delete it and run again.");
        }

        string? changed = checkpoint.Version != Checkpoint.CurrentVersion ? "the checkpoint's version"
            : checkpoint.Models != modelsHash ? "the models"
            : checkpoint.Format != format || checkpoint.Reveal != reveal ? "the output options"
            : !checkpoint.Inputs.Select(i => (i.Dataset, i.Path)).SequenceEqual(inputs.Select(i => (i.Dataset, i.Path))) ? "the list of input files"
            : inputs.Zip(checkpoint.Inputs).FirstOrDefault(p => p.First != p.Second).First is { } input ? $"input '{input.Path}'"
            : null;
        if (changed is not null)
        {
            return (null, $"--resume: {changed} changed since the checkpoint, so the resumed clues would not match a run from the start. Delete '{path}' and run again.");
        }

        // A window counts records across its source: a source with window rules starts again from its beginning. A
        // model set with stages (derived datasets) holds what it derived in memory only: it starts again from the first.
        // A staged run does not take its sources in the order given (a source that joins a stage waits for it), so its
        // start is the earliest source start recorded: the clue file as the run began.
        bool staged = rules.Rules.Any(r => r.Derive is not null);
        int source = staged ? 0 : checkpoint.Position.SourceIndex;
        bool windows = !staged && source < files.Count && rules.Rules.Any(r => r.Window is not null && r.Dataset == files[source].Dataset);
        (RunPosition position, CommittedOutput committed) = staged && checkpoint.SourceStarts.Count > 0
            ? (new RunPosition(0, 0), checkpoint.SourceStarts.Values.MinBy(c => c.Length)!)
            : windows && checkpoint.SourceStarts.TryGetValue(source, out CommittedOutput? start)
            ? (new RunPosition(source, 0), start)
            : (checkpoint.Position, checkpoint.Output);
        if (!File.Exists(output) || new FileInfo(output).Length < committed.Length || Checkpoint.HashPrefix(output, committed.Length) != committed.Sha256)
        {
            return (null, $"--resume: the clue file '{output}' does not hold what the checkpoint committed; delete '{path}' and run again.");
        }

        var stream = new FileStream(output, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
        stream.SetLength(committed.Length);
        byte[] prefix = new byte[committed.Length];
        stream.ReadExactly(prefix);
        Console.Error.WriteLine($"Resuming from the checkpoint: source {position.SourceIndex + 1} of {files.Count} ({files[Math.Min(source, files.Count - 1)].Dataset}) after {position.SourceRecords} record(s); the clue file is kept up to byte {committed.Length}.");
        return (new CheckpointedRun(path, checkpoint, new HashingStream(stream, prefix), position, committed.Length > 0), null);
    }

    public Checkpointer Checkpointer(Func<Task> flushSink, TimeSpan every) => new(_path, _initial, Output, flushSink, every);

    /// <summary>The run finished: its checkpoint has served.</summary>
    public void Complete() => File.Delete(_path);
}
