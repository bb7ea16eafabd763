using System.Globalization;
using RuleEngine.Diagnostics;
using RuleEngine.Records;
using RuleEngine.Schema;

namespace RuleEngine.Execution;

/// <summary>
/// The state of one window rule during a run, fed in input order by the run's ordered emitter. In
/// <see cref="WindowOrder.Exact"/> (file runs) the counted records go through a <see cref="WindowSorter"/> and are
/// placed in windows by date when the input ends, so the clues do not depend on the input's order. In
/// <see cref="WindowOrder.Arrival"/> (unbounded sources) they are placed as they come: records need only be in date
/// order within their key, and a key whose latest date is more than the window plus the allowed lateness behind the
/// latest date seen is closed and dropped; its last date is remembered, so a record that comes back for a closed window
/// is reported as late (RE5009), never miscounted. Either way, per key the processor keeps the members inside the
/// window (pruned as the window moves) and the open episode (members capped for evidence), so state follows the data's
/// density, not its length; it is bounded and its peak is reported.
/// </summary>
internal sealed class WindowProcessor(CompiledRule rule, RunOptions options) : IDisposable
{
    private static readonly List<WindowEpisode> NoEpisodes = [];

    private readonly CompiledWindow _window = rule.Window!;
    private readonly Dictionary<string, KeyState> _keys = new(StringComparer.Ordinal);
    private readonly PriorityQueue<string, int> _idle = new();
    private readonly Dictionary<string, int> _evicted = new(StringComparer.Ordinal);
    private readonly Record _aggregates = rule.Window!.AggregateLayout.CreateRecord();
    private readonly WindowSorter? _sorter = options.WindowOrder == WindowOrder.Exact || rule.Window!.OverField < 0
        ? new WindowSorter(options.WindowSortBufferRecords, options.SpillDirectory, byKey: rule.Window!.OverField < 0)
        : null;
    private readonly bool _monthly = rule.Window!.OverField >= 0 && rule.Window.Schema.Fields[rule.Window.OverField].Type == FieldType.YearMonth;
    private readonly int? _consecutive = rule.Window!.Definition.Consecutive;
    private int _maxDay = int.MinValue;
    private long _sequence;
    private long _state;

    public long PeakState { get; private set; }

    /// <summary>Gets what sorting the counted records cost, in <see cref="WindowOrder.Exact"/>.</summary>
    public WindowSortFigures? SortFigures => _sorter is null ? null : new WindowSortFigures(_sorter.Records, _sorter.SpilledRuns, _sorter.SpilledBytes);

    /// <summary>
    /// Counts a record that met the rule's condition; returns the episodes that closed (none while sorting), and a
    /// rejection for a late record.
    /// </summary>
    public List<WindowEpisode> Add(Record record, out RecordRejection? late)
    {
        late = null;
        bool grouped = _window.OverField < 0;
        if ((!grouped && record.Nulls[_window.OverField]) || JoinKeys.OfField(_window.Schema.Fields[_window.GroupField], record.GetValue(_window.GroupField), rule.Definition.KeepInvalidIdNumbers) is not { } key)
        {
            return NoEpisodes;
        }

        long moment = grouped ? 0 : record.Int64s[record.Layout.Slots[_window.OverField]];
        int day = !grouped && _window.Schema.Fields[_window.OverField].Type == FieldType.DateTime ? (int)(moment / TimeSpan.TicksPerDay) : (int)moment;
        var entry = new WindowEntry(key, day, record.Line, [.. _window.SnapshotFields.Select(record.GetValue)]);
        if (_sorter is not null)
        {
            _sorter.Add(entry);
            return NoEpisodes;
        }

        var closed = new List<WindowEpisode>();
        late = Place(entry, closed);
        return closed;
    }

    /// <summary>
    /// Places the sorted records (in <see cref="WindowOrder.Exact"/>) and closes every open episode at the end of the
    /// input; episodes come out as they close, then the open ones in order of their first member.
    /// </summary>
    public IEnumerable<WindowEpisode> Flush()
    {
        if (_window.OverField < 0)
        {
            foreach (WindowEpisode episode in FlushGroups())
            {
                yield return episode;
            }

            yield break;
        }

        if (_sorter is not null)
        {
            var closed = new List<WindowEpisode>();
            foreach (WindowEntry entry in _sorter.Drain())
            {
                // Sorted by date, nothing is late: a key closed for going quiet cannot be reached by a later date.
                _ = Place(entry, closed);
                foreach (WindowEpisode episode in closed)
                {
                    yield return episode;
                }

                closed.Clear();
            }
        }

        var open = new List<WindowEpisode>();
        foreach ((string key, KeyState state) in _keys)
        {
            if (state.Episode is { } episode)
            {
                open.Add(episode);
                state.Episode = null;
            }
            else if (_consecutive is not null && CloseRun(key, state) is { } run)
            {
                open.Add(run);
            }
        }

        _keys.Clear();
        _state = 0;
        open.Sort((a, b) => a.FirstSequence.CompareTo(b.FirstSequence));
        foreach (WindowEpisode episode in open)
        {
            yield return episode;
        }
    }

    public void Dispose() => _sorter?.Dispose();

    /// <summary>
    /// A group over the whole input: the records come sorted by key, so one key's records are held at a time, and
    /// <c>having</c> is judged once over all of them; one clue per key that meets it, in key order.
    /// </summary>
    private IEnumerable<WindowEpisode> FlushGroups()
    {
        var members = new List<WindowMember>();
        string? current = null;
        foreach (WindowEntry entry in _sorter!.Drain())
        {
            if (current is not null && entry.Key != current && CloseGroup(current, members) is { } episode)
            {
                yield return episode;
            }

            if (entry.Key != current)
            {
                Grow(-members.Count);
                members.Clear();
                current = entry.Key;
            }

            members.Add(new WindowMember(entry.Day, _sequence++, entry.Line, entry.Values));
            Grow(1);
        }

        if (current is not null && CloseGroup(current, members) is { } last)
        {
            yield return last;
        }

        Grow(-members.Count);
    }

    private WindowEpisode? CloseGroup(string key, List<WindowMember> members)
    {
        long count = WriteAggregates(members);
        if (!_window.Having(_aggregates))
        {
            return null;
        }

        var episode = new WindowEpisode(key, members[0])
        {
            Total = count,
            PeakCount = count,
            PeakAggregates = [.. _window.Aggregates.Select((a, i) => (a.Text, _aggregates.GetValue(i)))],
        };
        episode.Members.AddRange(members.Take(_window.Definition.MaxEvidence));
        return episode;
    }

    private RecordRejection? Place(WindowEntry entry, List<WindowEpisode> closed)
    {
        if (_consecutive is not null)
        {
            return PlaceInRun(entry, closed);
        }

        (string key, int day, long line, object?[] values) = entry;
        _keys.TryGetValue(key, out KeyState? state);
        int? closedUntil = state is null && _evicted.TryGetValue(key, out int last) ? Back(last, -Span) : null;
        if ((state is not null && day < Back(state.Latest, Span)) || day <= closedUntil)
        {
            return Late(line);
        }

        state = Arrive(key, day, closed);
        var member = new WindowMember(day, _sequence++, line, values);
        int at = state.Window.FindLastIndex(m => m.Day <= day) + 1;
        state.Window.Insert(at, member);
        Grow(1);
        MoveOn(key, state, day);

        int start = Back(state.Latest, Span);
        int expired = state.Window.FindIndex(m => m.Day >= start);
        if (expired > 0)
        {
            state.Window.RemoveRange(0, expired);
            Grow(-expired);
        }

        Evaluate(key, state, closed);
        return null;
    }

    /// <summary>The window's span in its unit: days, or months over a year_month.</summary>
    private int Span => _monthly ? _window.Definition.Months ?? 0 : _window.Definition.Days;

    /// <summary>The day <paramref name="units"/> days (or months, over a year_month) before <paramref name="day"/>; negative units go forward.</summary>
    private int Back(int day, int units)
    {
        if (!_monthly)
        {
            return (int)Math.Clamp((long)day - units, int.MinValue, int.MaxValue);
        }

        // Months are first days of months; the horizon is clamped to the calendar's range.
        int month = YearMonths.Index(Math.Clamp(day, DateOnly.MinValue.DayNumber, DateOnly.MaxValue.DayNumber)) - units;
        return YearMonths.FromIndex(Math.Clamp(month, 12, (9999 * 12) + 11));
    }

    /// <summary>The period of a day: itself, or its month's index over a year_month.</summary>
    private int Period(int day) => _monthly ? YearMonths.Index(day) : day;

    private RecordRejection Late(long line) =>
        new(rule.Sources[0].Dataset, line, DiagnosticIds.LateRecord, $"The record's '{_window.Schema.Fields[_window.OverField].Name}' falls in a window of its key that was already counted; order the input by date (or by key and date), or allow more lateness.")
        {
            RuleId = rule.Definition.Id,
            Field = _window.Schema.Fields[_window.OverField].Name,
        };

    /// <summary>
    /// Runs of consecutive periods: a key's records extend its run while each comes in the run's last period or the
    /// next; a gap closes the run (a clue when it is long enough and meets <c>having</c>) and starts another.
    /// </summary>
    private RecordRejection? PlaceInRun(WindowEntry entry, List<WindowEpisode> closed)
    {
        (string key, int day, long line, object?[] values) = entry;
        _keys.TryGetValue(key, out KeyState? state);
        bool closedRunReached = state is null && _evicted.TryGetValue(key, out int last) && Period(day) <= Period(last) + 1;
        if ((state is not null && day < state.Latest) || closedRunReached)
        {
            return Late(line);
        }

        state = Arrive(key, day, closed);
        if (state.Window.Count > 0 && Period(day) > Period(state.Latest) + 1)
        {
            if (CloseRun(key, state) is { } run)
            {
                closed.Add(run);
            }

            Grow(-state.Window.Count);
            state.Window.Clear();
        }

        state.Window.Add(new WindowMember(day, _sequence++, line, values));
        Grow(1);
        MoveOn(key, state, day);
        return null;
    }

    /// <summary>A record of a key arrives on a day: keys that can gain nothing more are closed first, then the key's state (new if it has none).</summary>
    private KeyState Arrive(string key, int day, List<WindowEpisode> closed)
    {
        _maxDay = Math.Max(_maxDay, day);
        EvictIdle(closed);
        if (!_keys.TryGetValue(key, out KeyState? state))
        {
            state = new KeyState();
            _keys.Add(key, state);
        }

        return state;
    }

    /// <summary>A key's latest day moves on: it is queued to be closed once it goes quiet.</summary>
    private void MoveOn(string key, KeyState state, int day)
    {
        if (day > state.Latest)
        {
            state.Latest = day;
            _idle.Enqueue(key, day);
        }
    }

    /// <summary>The clue of a key's run, when it spans enough consecutive periods and meets <c>having</c>.</summary>
    private WindowEpisode? CloseRun(string key, KeyState state)
    {
        List<WindowMember> members = state.Window;
        if (members.Count == 0 || Period(members[^1].Day) - Period(members[0].Day) + 1 < _consecutive)
        {
            return null;
        }

        long count = WriteAggregates(members);
        if (!_window.Having(_aggregates))
        {
            return null;
        }

        var episode = new WindowEpisode(key, members[0])
        {
            LastDay = members[^1].Day,
            Total = count,
            PeakCount = count,
            PeakAggregates = [.. _window.Aggregates.Select((a, i) => (a.Text, _aggregates.GetValue(i)))],
        };
        episode.Members.AddRange(members.Take(_window.Definition.MaxEvidence));
        return episode;
    }

    private void Evaluate(string key, KeyState state, List<WindowEpisode> closed)
    {
        long count = WriteAggregates(state.Window);
        if (_window.Having(_aggregates))
        {
            WindowEpisode episode = state.Episode ??= new WindowEpisode(key, state.Window[0]);
            foreach (WindowMember member in state.Window.Where(m => m.Sequence > episode.LastSequenceAdded))
            {
                episode.Total++;
                episode.FirstDay = Math.Min(episode.FirstDay, member.Day);
                episode.LastDay = Math.Max(episode.LastDay, member.Day);
                if (episode.Members.Count < _window.Definition.MaxEvidence)
                {
                    episode.Members.Add(member);
                    Grow(1);
                }
            }

            episode.LastSequenceAdded = state.Window.Max(m => m.Sequence);
            if (count > episode.PeakCount)
            {
                episode.PeakCount = count;
                episode.PeakAggregates = [.. _window.Aggregates.Select((a, i) => (a.Text, _aggregates.GetValue(i)))];
            }
        }
        else if (state.Episode is { } ended)
        {
            Close(ended, closed);
            state.Episode = null;
        }
    }

    private void EvictIdle(List<WindowEpisode> closed)
    {
        // A key whose latest record is behind the horizon can gain nothing more: the latest date seen (less the
        // lateness allowed) is past its window, or, for runs, past the period after its last.
        int horizon = Back(_maxDay - (_sorter is null ? options.WindowLatenessDays : 0), _consecutive is null ? Span : 1);
        var evicted = new List<WindowEpisode>();
        while (_idle.TryPeek(out string? key, out int latest) && latest < horizon)
        {
            _idle.Dequeue();
            if (!_keys.TryGetValue(key, out KeyState? state) || state.Latest != latest)
            {
                continue;
            }

            if (state.Episode is { } episode)
            {
                evicted.Add(episode);
            }
            else if (_consecutive is not null && CloseRun(key, state) is { } run)
            {
                evicted.Add(run);
            }

            Grow(-state.Window.Count - (state.Episode?.Members.Count ?? 0));
            _keys.Remove(key);
            _evicted[key] = state.Latest;
        }

        evicted.Sort((a, b) => a.FirstSequence.CompareTo(b.FirstSequence));
        closed.AddRange(evicted);
    }

    private void Close(WindowEpisode episode, List<WindowEpisode> closed)
    {
        Grow(-episode.Members.Count);
        closed.Add(episode);
    }

    private void Grow(long delta)
    {
        _state += delta;
        if (_state > PeakState)
        {
            PeakState = _state;
        }

        if (_state > options.MaxWindowState)
        {
            throw new RunLimitExceededException(
                DiagnosticIds.WindowStateLimitExceeded,
                string.Create(CultureInfo.InvariantCulture, $"Rule '{rule.Definition.Id}' holds more than {options.MaxWindowState} records in its windows; raise RunOptions.MaxWindowState, shorten the window, or split the input by region."));
        }
    }

    /// <summary>Computes the window's aggregates into the aggregate record; returns the window's count.</summary>
    private long WriteAggregates(List<WindowMember> members)
    {
        for (int i = 0; i < _window.Aggregates.Length; i++)
        {
            AggregateSpec aggregate = _window.Aggregates[i];
            int position = aggregate.Field < 0 ? -1 : _window.SnapshotIndex[aggregate.Field];
            IEnumerable<object> values = position < 0 ? [] : members.Select(m => m.Values[position]).OfType<object>();
            object? result = aggregate.Function switch
            {
                "count" => (long)members.Count,
                "count_distinct" => (long)values.Distinct().Count(),
                "sum" => values.Any() ? Sum(values, aggregate.Type) : null,
                "avg" => Average(values, aggregate.Type),
                Language.AggregateRewriter.Key => values.FirstOrDefault(),
                "min" => values.Any() ? values.Min(JoinAggregation.ValueOrder) : null,
                _ => values.Any() ? values.Max(JoinAggregation.ValueOrder) : null,
            };
            CompiledWindow.SetAggregate(_aggregates, i, aggregate.Type, result);
        }

        return members.Count;
    }

    /// <summary>The mean of the values that are not NULL (NULL when there are none), as SQL's avg.</summary>
    private static object? Average(IEnumerable<object> values, FieldType type) => !values.Any() ? null : type == FieldType.Double
        ? values.Average(v => (double)v)
        : values.Average(v => Convert.ToDecimal(v, CultureInfo.InvariantCulture));

    private static object? Sum(IEnumerable<object> values, FieldType type) => type switch
    {
        FieldType.Decimal => values.Sum(v => (decimal)v),
        FieldType.Double => values.Sum(v => (double)v),
        _ => values.Sum(v => Convert.ToInt64(v, CultureInfo.InvariantCulture)),
    };

    private sealed class KeyState
    {
        public List<WindowMember> Window { get; } = [];

        public int Latest { get; set; } = int.MinValue;

        public WindowEpisode? Episode { get; set; }
    }
}
