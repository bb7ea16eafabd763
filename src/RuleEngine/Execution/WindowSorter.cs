using System.Text;

namespace RuleEngine.Execution;

/// <summary>A record a window rule counts, reduced to its key, its day and the values the rule keeps.</summary>
/// <param name="Key">The normalised window key.</param>
/// <param name="Day">The day number of its date.</param>
/// <param name="Line">Its line in the input.</param>
/// <param name="Values">The values of the fields the rule keeps (<see cref="CompiledWindow.SnapshotFields"/>).</param>
internal readonly record struct WindowEntry(string Key, int Day, long Line, object?[] Values);

/// <summary>
/// An external merge sort of a window rule's counted records by date, ties in arrival order, so a file run's windows
/// do not depend on the order of its input. Up to a bound of records are held in memory; past it, they are sorted and
/// written to a spill file (a run), and the end merges the runs. Spill files hold personal data: they are created
/// readable by the owner only, unlinked at once where the platform allows (so nothing is left behind even by a
/// crash), and deleted on close elsewhere.
/// </summary>
/// <param name="memoryRecords">How many records are sorted in memory before a run is spilled.</param>
/// <param name="spillDirectory">Where spill files go; <see langword="null"/> for the system's temporary folder.</param>
/// <param name="byKey">Whether records are sorted by key first (a group over the whole input), then by day.</param>
internal sealed class WindowSorter(int memoryRecords, string? spillDirectory, bool byKey = false) : IDisposable
{
    private const int SpillBufferBytes = 1 << 16;

    private readonly List<(WindowEntry Entry, long Sequence)> _buffer = [];
    private readonly List<FileStream> _runs = [];
    private long _sequence;

    /// <summary>Gets how many records were added.</summary>
    public long Records => _sequence;

    /// <summary>Gets how many sorted runs were written to disk.</summary>
    public int SpilledRuns { get; private set; }

    /// <summary>Gets how many bytes the runs on disk take.</summary>
    public long SpilledBytes { get; private set; }

    public void Add(WindowEntry entry)
    {
        _buffer.Add((entry, _sequence++));
        if (_buffer.Count >= Math.Max(1, memoryRecords))
        {
            Spill();
        }
    }

    /// <summary>Hands every record out by day (or by key, then day), ties in the order they were added; the sorter is empty afterwards.</summary>
    public IEnumerable<WindowEntry> Drain()
    {
        SortBuffer();
        if (_runs.Count == 0)
        {
            foreach ((WindowEntry entry, long _) in _buffer)
            {
                yield return entry;
            }

            _buffer.Clear();
            yield break;
        }

        var readers = new List<RunReader>(_runs.Count + 1);
        try
        {
            foreach (FileStream run in _runs)
            {
                run.Position = 0;
                readers.Add(new FileRunReader(run));
            }

            readers.Add(new MemoryRunReader(_buffer));
            var heads = new PriorityQueue<int, (WindowEntry Entry, long Sequence)>(Comparer<(WindowEntry Entry, long Sequence)>.Create(Compare));
            for (int i = 0; i < readers.Count; i++)
            {
                if (readers[i].MoveNext())
                {
                    heads.Enqueue(i, readers[i].Current);
                }
            }

            while (heads.TryDequeue(out int next, out _))
            {
                RunReader reader = readers[next];
                yield return reader.Current.Entry;
                if (reader.MoveNext())
                {
                    heads.Enqueue(next, reader.Current);
                }
            }
        }
        finally
        {
            foreach (RunReader reader in readers)
            {
                reader.Dispose();
            }

            _buffer.Clear();
            DisposeRuns();
        }
    }

    public void Dispose()
    {
        _buffer.Clear();
        DisposeRuns();
    }

    private void DisposeRuns()
    {
        foreach (FileStream run in _runs)
        {
            run.Dispose();
        }

        _runs.Clear();
    }

    private void SortBuffer() => _buffer.Sort(Compare);

    private int Compare((WindowEntry Entry, long Sequence) a, (WindowEntry Entry, long Sequence) b)
    {
        int order = byKey ? string.CompareOrdinal(a.Entry.Key, b.Entry.Key) : 0;
        if (order == 0)
        {
            order = a.Entry.Day.CompareTo(b.Entry.Day);
        }

        return order != 0 ? order : a.Sequence.CompareTo(b.Sequence);
    }

    private void Spill()
    {
        SortBuffer();
        try
        {
            WriteRun();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RunOutputException(
                Diagnostics.DiagnosticIds.SpillFailed,
                $"A window sort could not write its spill file in '{spillDirectory ?? Path.GetTempPath()}' ({e.GetType().Name}); give RunOptions.SpillDirectory a folder with room, or raise RunOptions.WindowSortBufferRecords.",
                e);
        }

        _buffer.Clear();
    }

    private void WriteRun()
    {
        FileStream file = CreateSpillFile();
        try
        {
            using (var writer = new BinaryWriter(new BufferedStream(file, SpillBufferBytes), Encoding.UTF8, leaveOpen: true))
            {
                foreach ((WindowEntry entry, long sequence) in _buffer)
                {
                    Write(writer, entry, sequence);
                }
            }

            SpilledBytes += file.Length;
            SpilledRuns++;
            _runs.Add(file);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    private FileStream CreateSpillFile()
    {
        string directory = spillDirectory ?? Path.GetTempPath();
        string path = Path.Combine(directory, $"ruleengine-window-{Guid.NewGuid():N}.spill");
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.ReadWrite,
            Share = FileShare.None | FileShare.Delete,
            Options = FileOptions.DeleteOnClose | FileOptions.SequentialScan,
            BufferSize = 0,
        };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        var file = new FileStream(path, options);
        if (!OperatingSystem.IsWindows())
        {
            // The open handle keeps the data; no name is left for anyone else, or for a crash to leave behind.
            File.Delete(path);
        }

        return file;
    }

    private static void Write(BinaryWriter writer, WindowEntry entry, long sequence)
    {
        writer.Write(entry.Key);
        writer.Write(entry.Day);
        writer.Write(sequence);
        writer.Write(entry.Line);
        writer.Write7BitEncodedInt(entry.Values.Length);
        foreach (object? value in entry.Values)
        {
            switch (value)
            {
                case null:
                    writer.Write((byte)ValueTag.Null);
                    break;
                case int number:
                    writer.Write((byte)ValueTag.Int);
                    writer.Write(number);
                    break;
                case long number:
                    writer.Write((byte)ValueTag.Long);
                    writer.Write(number);
                    break;
                case bool flag:
                    writer.Write((byte)ValueTag.Bool);
                    writer.Write(flag);
                    break;
                case DateOnly date:
                    writer.Write((byte)ValueTag.Date);
                    writer.Write(date.DayNumber);
                    break;
                case DateTime time:
                    writer.Write((byte)ValueTag.DateTime);
                    writer.Write(time.Ticks);
                    break;
                case double number:
                    writer.Write((byte)ValueTag.Double);
                    writer.Write(number);
                    break;
                case decimal number:
                    writer.Write((byte)ValueTag.Decimal);
                    writer.Write(number);
                    break;
                case string text:
                    writer.Write((byte)ValueTag.String);
                    writer.Write(text);
                    break;
                case string[] items:
                    writer.Write((byte)ValueTag.StringArray);
                    writer.Write7BitEncodedInt(items.Length);
                    foreach (string item in items)
                    {
                        writer.Write(item);
                    }

                    break;
                default:
                    throw new InvalidOperationException($"A window cannot spill a value of type {value.GetType().Name}.");
            }
        }
    }

    private static (WindowEntry Entry, long Sequence) Read(BinaryReader reader)
    {
        string key = reader.ReadString();
        int day = reader.ReadInt32();
        long sequence = reader.ReadInt64();
        long line = reader.ReadInt64();
        var values = new object?[reader.Read7BitEncodedInt()];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (ValueTag)reader.ReadByte() switch
            {
                ValueTag.Null => null,
                ValueTag.Int => reader.ReadInt32(),
                ValueTag.Long => reader.ReadInt64(),
                ValueTag.Bool => reader.ReadBoolean(),
                ValueTag.Date => DateOnly.FromDayNumber(reader.ReadInt32()),
                ValueTag.DateTime => new DateTime(reader.ReadInt64(), DateTimeKind.Unspecified),
                ValueTag.Double => reader.ReadDouble(),
                ValueTag.Decimal => reader.ReadDecimal(),
                ValueTag.String => reader.ReadString(),
                ValueTag.StringArray => ReadArray(reader),
                var tag => throw new InvalidDataException($"A window spill file holds an unknown value tag {(byte)tag}."),
            };
        }

        return (new WindowEntry(key, day, line, values), sequence);
    }

    private static string[] ReadArray(BinaryReader reader)
    {
        var items = new string[reader.Read7BitEncodedInt()];
        for (int i = 0; i < items.Length; i++)
        {
            items[i] = reader.ReadString();
        }

        return items;
    }

    private enum ValueTag : byte
    {
        Null,
        Int,
        Long,
        Bool,
        Date,
        DateTime,
        Double,
        Decimal,
        String,
        StringArray,
    }

    /// <summary>One sorted run, read from its start.</summary>
    private abstract class RunReader : IDisposable
    {
        public (WindowEntry Entry, long Sequence) Current { get; protected set; }

        public abstract bool MoveNext();

        public virtual void Dispose()
        {
        }
    }

    private sealed class FileRunReader(FileStream file) : RunReader
    {
        private readonly BinaryReader _reader = new(new BufferedStream(file, SpillBufferBytes), Encoding.UTF8, leaveOpen: true);

        public override bool MoveNext()
        {
            if (_reader.BaseStream.Position >= file.Length)
            {
                return false;
            }

            Current = Read(_reader);
            return true;
        }

        public override void Dispose()
        {
            _reader.Dispose();
            base.Dispose();
        }
    }

    private sealed class MemoryRunReader(List<(WindowEntry Entry, long Sequence)> buffer) : RunReader
    {
        private int _next;

        public override bool MoveNext()
        {
            if (_next >= buffer.Count)
            {
                return false;
            }

            Current = buffer[_next++];
            return true;
        }
    }
}
