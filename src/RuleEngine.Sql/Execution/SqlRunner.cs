using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using RuleEngine.Clues;
using RuleEngine.Diagnostics;
using RuleEngine.Execution;
using RuleEngine.Records;
using RuleEngine.Schema;
using RuleEngine.Sql.Planning;

namespace RuleEngine.Sql.Execution;

/// <summary>
/// Sends a plan's queries and turns the rows into clues with the engine's own clue factory, so subjects, evidence,
/// masking and fingerprints are the in-process engine's. Scripts run on the rows their rule's condition let through;
/// window rules' rows go, in input order, through the engine's window processor.
/// </summary>
internal sealed class SqlRunner(SqlSyntax syntax, IReadOnlyList<PlannedQuery> queries, IReadOnlyDictionary<string, SqlTable> tables, RunOptions options)
{
    private readonly ClueFactory _factory = new(options);

    /// <summary>The records of the derived datasets, held from their deriving rule's query until they are written to their table.</summary>
    private readonly DerivedRecords _derived = new(options.MaxReferenceRecords);

    public async Task<RunSummary> RunAsync(DbConnection connection, IClueSink sink, IEnumerable<string> ruleIds, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var statistics = new RunStatistics(options, ruleIds);
        foreach (string statement in syntax.Prelude)
        {
            await ExecuteAsync(connection, statement, cancellationToken).ConfigureAwait(false);
        }

        // Derived datasets (stages) are tables this run writes, once the query of their deriving rule has run.
        Dictionary<string, CompiledRule> stages = queries.SelectMany(q => q.Rules).Where(r => r.Derive is not null).ToDictionary(r => r.Definition.Derive!.Dataset, StringComparer.Ordinal);
        try
        {
            foreach (string dataset in queries.Select(q => q.Primary.Schema.Name).Distinct(StringComparer.Ordinal).Where(d => !stages.ContainsKey(d)))
            {
                statistics.Read(dataset, await CountAsync(connection, dataset, cancellationToken).ConfigureAwait(false));
            }

            foreach (string dataset in Joined(queries).Where(d => !stages.ContainsKey(d)))
            {
                statistics.ReferenceRecords(dataset, await CountAsync(connection, dataset, cancellationToken).ConfigureAwait(false));
            }

            bool stopped = false;
            foreach (PlannedQuery query in queries)
            {
                stopped = query.Shape == QueryShape.Scan
                    ? await ScanAsync(connection, query, sink, statistics, cancellationToken).ConfigureAwait(false)
                    : await JoinAsync(connection, query, sink, statistics, cancellationToken).ConfigureAwait(false);
                if (stopped)
                {
                    break;
                }

                foreach (CompiledRule rule in query.Rules.Where(r => r.Derive is not null))
                {
                    await WriteStageAsync(connection, rule, statistics, cancellationToken).ConfigureAwait(false);
                }
            }

            if (!stopped)
            {
                await ClueOutput.FlushAsync(sink, cancellationToken).ConfigureAwait(false);
                await DeadLetters.FlushAsync(options, cancellationToken).ConfigureAwait(false);
            }

            RunSummary summary = statistics.ToSummary(clock.Elapsed, stopped);
            return stopped ? throw new BadRecordLimitExceededException(summary) : summary;
        }
        finally
        {
            foreach (string dataset in stages.Keys)
            {
                try
                {
                    await ExecuteAsync(connection, $"DROP TABLE IF EXISTS {tables[dataset].Relation}", CancellationToken.None).ConfigureAwait(false);
                }
                catch (DbException)
                {
                    // The run's own failure (a broken connection, say) is what the caller needs to see.
                }
            }
        }
    }

    private static IEnumerable<string> Joined(IEnumerable<PlannedQuery> queries) =>
        queries.SelectMany(q => q.Rules).SelectMany(r => r.Joins).Select(j => j.Definition.Dataset).Distinct(StringComparer.Ordinal);

    /// <summary>Writes the records a deriving rule gave into its dataset's table, for the queries of the next stage.</summary>
    private async Task WriteStageAsync(DbConnection connection, CompiledRule rule, RunStatistics statistics, CancellationToken cancellationToken)
    {
        string dataset = rule.Definition.Derive!.Dataset;
        string table = tables[dataset].Relation;
        HeldRecords records = _derived.Of(dataset, rule.Derive!.Layout);
        DatasetSchema schema = rule.Derive.Layout.Schema;
        await SqlTableLoader.CreateTableAsync(connection, table, schema, cancellationToken).ConfigureAwait(false);
        await using (SqlTableLoader.IRowWriter writer = await SqlTableLoader.OpenWriterAsync(connection, table, schema, cancellationToken).ConfigureAwait(false))
        {
            // The writer takes each row's values as it is given, so one record carries them all.
            Record record = records.Layout.CreateRecord();
            for (int i = 0; i < records.Count; i++)
            {
                records.CopyTo(i, record);
                await writer.WriteAsync(record, cancellationToken).ConfigureAwait(false);
            }

            await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }

        if (queries.Any(q => q.Primary.Schema.Name == dataset))
        {
            statistics.Read(dataset, records.Count);
        }

        if (Joined(queries).Contains(dataset, StringComparer.Ordinal))
        {
            statistics.ReferenceRecords(dataset, records.Count);
        }

        records.Clear();
    }

    /// <summary>Rows handed to a worker at a time.</summary>
    private const int ChunkRows = 256;

    private async Task<bool> ScanAsync(DbConnection connection, PlannedQuery query, IClueSink sink, RunStatistics statistics, CancellationToken cancellationToken)
    {
        Dictionary<CompiledRule, WindowProcessor> windows = query.Rules.Where(r => r.Window is not null).ToDictionary(r => r, r => new WindowProcessor(r, options));
        try
        {
            return await ScanAsync(connection, query, windows, sink, statistics, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            foreach ((CompiledRule rule, WindowProcessor window) in windows)
            {
                statistics.Window(rule.Definition.Id, window);
                window.Dispose();
            }
        }
    }

    private async Task<bool> ScanAsync(DbConnection connection, PlannedQuery query, Dictionary<CompiledRule, WindowProcessor> windows, IClueSink sink, RunStatistics statistics, CancellationToken cancellationToken)
    {
        CompiledDataset dataset = query.Primary;
        int fields = dataset.Schema.Fields.Count;
        bool stopped;
        await using (DbDataReader reader = await ReadAsync(connection, query, cancellationToken).ConfigureAwait(false))
        {
            Type[] columns = ColumnTypes(reader);
            Row ReadRow()
            {
                Record record = dataset.CreateRecord();
                if (Fill(reader, record, dataset.Schema, 0, columns) is { } rejection)
                {
                    return new Row([record], [], rejection);
                }

                return new Row([record], [.. query.Rules.Where((_, i) => reader.GetBoolean(1 + fields + i))], null);
            }

            async ValueTask<bool> HandOnAsync(Outcome outcome)
            {
                if (outcome.Kind == OutcomeKind.Window)
                {
                    List<WindowEpisode> closed = windows[outcome.Rule!].Add(outcome.Record!, out RecordRejection? late);
                    if (late is not null && await FailAsync(statistics, late, cancellationToken).ConfigureAwait(false))
                    {
                        return true;
                    }

                    await EmitEpisodesAsync(outcome.Rule!, closed, sink, statistics, cancellationToken).ConfigureAwait(false);
                    return false;
                }

                if (outcome.Kind == OutcomeKind.Matched)
                {
                    statistics.Matched();
                    return false;
                }

                return await EmitOutcomeAsync(outcome, sink, statistics, cancellationToken).ConfigureAwait(false);
            }

            stopped = await PipelineAsync(reader, query, ReadRow, HandOnAsync, cancellationToken).ConfigureAwait(false);
        }

        if (stopped)
        {
            return true;
        }

        foreach ((CompiledRule rule, WindowProcessor window) in windows)
        {
            await EmitEpisodesAsync(rule, window.Flush(), sink, statistics, cancellationToken).ConfigureAwait(false);
        }

        return false;
    }

    private async Task<bool> JoinAsync(DbConnection connection, PlannedQuery query, IClueSink sink, RunStatistics statistics, CancellationToken cancellationToken)
    {
        CompiledRule rule = query.Rules[0];
        if (rule.Window is null)
        {
            return await JoinAsync(connection, query, null, sink, statistics, cancellationToken).ConfigureAwait(false);
        }

        // A window rule that joins: the join and the condition decide which records count, each once.
        using var window = new WindowProcessor(rule, options);
        try
        {
            if (await JoinAsync(connection, query, window, sink, statistics, cancellationToken).ConfigureAwait(false))
            {
                return true;
            }

            await EmitEpisodesAsync(rule, window.Flush(), sink, statistics, cancellationToken).ConfigureAwait(false);
            return false;
        }
        finally
        {
            statistics.Window(rule.Definition.Id, window);
        }
    }

    private async Task<bool> JoinAsync(DbConnection connection, PlannedQuery query, WindowProcessor? window, IClueSink sink, RunStatistics statistics, CancellationToken cancellationToken)
    {
        CompiledRule rule = query.Rules[0];
        CompiledRule[] rules = [rule];
        long lastPrimary = -1;
        long lastCounted = -1;
        await using DbDataReader reader = await ReadAsync(connection, query, cancellationToken).ConfigureAwait(false);
        Type[] columns = ColumnTypes(reader);
        Row ReadRow()
        {
            var context = new Record[query.SlotsRead.Length];
            int ordinal = 0;
            RecordRejection? rejection = null;
            for (int slot = 0; slot < context.Length; slot++)
            {
                CompiledJoin? join = slot == 0 ? null : rule.Joins[slot - 1];
                if (!query.SlotsRead[slot])
                {
                    context[slot] = join!.NullRecord;
                    continue;
                }

                // An aggregating join's slot is its record of aggregates (line 0, as in-process).
                RecordLayout? layout = join is null ? null : join.Aggregates?.Layout ?? join.Layout;
                DatasetSchema schema = layout?.Schema ?? query.Primary.Schema;
                if (reader.IsDBNull(ordinal))
                {
                    // A left join without a match: the engine's all-NULL record.
                    context[slot] = join!.NullRecord;
                }
                else
                {
                    Record record = layout is null ? query.Primary.CreateRecord() : layout.CreateRecord();
                    rejection ??= Fill(reader, record, schema, ordinal, columns);
                    context[slot] = record;
                }

                ordinal += 1 + schema.Fields.Count;
            }

            return new Row(context, rejection is null ? rules : [], rejection);
        }

        async ValueTask<bool> HandOnAsync(Outcome outcome)
        {
            if (outcome.Kind == OutcomeKind.Window)
            {
                // A record with several matching contexts has several rows, next to each other: it counts once.
                if (outcome.Record!.Line == lastCounted)
                {
                    return false;
                }

                lastCounted = outcome.Record.Line;
                List<WindowEpisode> closed = window!.Add(outcome.Record, out RecordRejection? late);
                if (late is not null && await FailAsync(statistics, late, cancellationToken).ConfigureAwait(false))
                {
                    return true;
                }

                await EmitEpisodesAsync(rule, closed, sink, statistics, cancellationToken).ConfigureAwait(false);
                return false;
            }

            if (outcome.Kind == OutcomeKind.Matched)
            {
                // A record with several matches has several rows, next to each other (ordered by its line first).
                if (outcome.Record!.Line != lastPrimary)
                {
                    statistics.Matched();
                    lastPrimary = outcome.Record.Line;
                }

                return false;
            }

            return await EmitOutcomeAsync(outcome, sink, statistics, cancellationToken).ConfigureAwait(false);
        }

        return await PipelineAsync(reader, query, ReadRow, HandOnAsync, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Reads rows on this thread (a data reader is not thread-safe), has chunks of them evaluated on the thread pool —
    /// scripts and clue building, the costly part — at most a few chunks at once, and hands the outcomes on strictly
    /// in row order, so output, window episodes and the bad-record policy are as if one thread did everything.
    /// </summary>
    /// <returns>Whether the bad-record policy stopped the run.</returns>
    private async Task<bool> PipelineAsync(DbDataReader reader, PlannedQuery query, Func<Row> readRow, Func<Outcome, ValueTask<bool>> emit, CancellationToken cancellationToken)
    {
        int inFlight = Math.Max(1, options.MaxDegreeOfParallelism) + 1;
        var pending = new Queue<Task<List<Outcome>>>();
        var chunk = new List<Row>(ChunkRows);
        async ValueTask<bool> DrainOneAsync()
        {
            foreach (Outcome outcome in await pending.Dequeue().ConfigureAwait(false))
            {
                if (await emit(outcome).ConfigureAwait(false))
                {
                    return true;
                }
            }

            return false;
        }

        while (await NextAsync(reader, query, cancellationToken).ConfigureAwait(false))
        {
            chunk.Add(readRow());
            if (chunk.Count < ChunkRows)
            {
                continue;
            }

            List<Row> rows = chunk;
            pending.Enqueue(Task.Run(() => Evaluate(rows), cancellationToken));
            chunk = new List<Row>(ChunkRows);
            if (pending.Count >= inFlight && await DrainOneAsync().ConfigureAwait(false))
            {
                return true;
            }
        }

        if (chunk.Count > 0)
        {
            List<Row> rows = chunk;
            pending.Enqueue(Task.Run(() => Evaluate(rows), cancellationToken));
        }

        while (pending.Count > 0)
        {
            if (await DrainOneAsync().ConfigureAwait(false))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>What a chunk of rows gives, in row order: failures, clues made, records for windows, and a mark after each matched record.</summary>
    private List<Outcome> Evaluate(List<Row> rows)
    {
        var outcomes = new List<Outcome>(rows.Count);
        foreach (Row row in rows)
        {
            Record record = row.Context[0];
            if (row.Failure is not null)
            {
                outcomes.Add(new Outcome(OutcomeKind.Failure, null, record, null, row.Failure));
                continue;
            }

            bool matched = false;
            foreach (CompiledRule rule in row.Rules)
            {
                if (Script(rule, record, out bool passes) is { } failure)
                {
                    outcomes.Add(new Outcome(OutcomeKind.Failure, rule, record, null, failure));
                }
                else if (passes && rule.Window is not null)
                {
                    outcomes.Add(new Outcome(OutcomeKind.Window, rule, record, null, null));
                }
                else if (passes && rule.Derive is { } derive)
                {
                    outcomes.Add(new Outcome(OutcomeKind.Derived, rule, derive.Create(row.Context), null, null));
                }
                else if (passes)
                {
                    outcomes.Add(new Outcome(OutcomeKind.Clue, rule, record, _factory.Create(rule, row.Context), null));
                    matched = true;
                }
            }

            if (matched)
            {
                outcomes.Add(new Outcome(OutcomeKind.Matched, null, record, null, null));
            }
        }

        return outcomes;
    }

    private async ValueTask<bool> EmitOutcomeAsync(Outcome outcome, IClueSink sink, RunStatistics statistics, CancellationToken cancellationToken)
    {
        if (outcome.Kind == OutcomeKind.Failure)
        {
            return await FailAsync(statistics, outcome.Failure!, cancellationToken).ConfigureAwait(false);
        }

        if (outcome.Kind == OutcomeKind.Derived)
        {
            string dataset = outcome.Rule!.Definition.Derive!.Dataset;
            _derived.Add(dataset, outcome.Record!);
            statistics.Derived(dataset);
            return false;
        }

        await EmitAsync(outcome.Clue!, sink, statistics, cancellationToken).ConfigureAwait(false);
        return false;
    }

    /// <summary>
    /// Runs the rule's script, if it has one, on a record its condition let through in SQL. A script that fails on the
    /// record gives the rule's error for it (code and script line, never the message of the exception), as in-process.
    /// </summary>
    /// <returns><see langword="null"/> when the script ran (<paramref name="passes"/> is its answer), else the failure.</returns>
    private static RecordRejection? Script(CompiledRule rule, Record record, out bool passes)
    {
        passes = true;
        if (rule.Script is null)
        {
            return null;
        }

        try
        {
            passes = rule.Predicate(record);
            return null;
        }
        catch (Exception e) when (RuleFailure.TryClassify(e, rule.Script, out string code, out string message))
        {
            passes = false;
            return new RecordRejection(rule.Sources[0].Dataset, record.Line, code, message) { RuleId = rule.Definition.Id };
        }
    }

    /// <summary>Counts and lists a failure and hands it to the dead-letter sink; returns whether the bad-record policy stops the run.</summary>
    private async ValueTask<bool> FailAsync(RunStatistics statistics, RecordRejection rejection, CancellationToken cancellationToken)
    {
        await DeadLetters.WriteAsync(options, rejection, cancellationToken).ConfigureAwait(false);
        return statistics.Fail(rejection);
    }

    private async Task<long> CountAsync(DbConnection connection, string dataset, CancellationToken cancellationToken)
    {
        object? count = await ScalarAsync(connection, $"SELECT count(*) FROM {tables[dataset].Relation} AS t", dataset, cancellationToken).ConfigureAwait(false);
        return Convert.ToInt64(count, CultureInfo.InvariantCulture);
    }

    private async Task EmitEpisodesAsync(CompiledRule rule, IEnumerable<WindowEpisode> episodes, IClueSink sink, RunStatistics statistics, CancellationToken cancellationToken)
    {
        foreach (WindowEpisode episode in episodes)
        {
            if (rule.Definition.Derive is { } derive)
            {
                // A window that derives: the episode is a record of the next stage, not a clue.
                _derived.Add(derive.Dataset, ClueFactory.CreateWindowRecord(rule, episode));
                statistics.Derived(derive.Dataset);
                continue;
            }

            await EmitAsync(_factory.CreateWindowClue(rule, episode), sink, statistics, cancellationToken).ConfigureAwait(false);
            statistics.WindowClue();
        }
    }

    private static async Task EmitAsync(Clue clue, IClueSink sink, RunStatistics statistics, CancellationToken cancellationToken)
    {
        await ClueOutput.WriteAsync(sink, clue, cancellationToken).ConfigureAwait(false);
        statistics.Clue(clue);
    }

    private static Type[] ColumnTypes(DbDataReader reader) => [.. Enumerable.Range(0, reader.FieldCount).Select(reader.GetFieldType)];

    /// <summary>
    /// Reads a slot's line and fields (from <paramref name="ordinal"/> on) into <paramref name="record"/>, with the
    /// engine's conversions. Decimals from a fixed-scale column lose the trailing zeros the column added, so a title
    /// shows 1500.5, not 1500.5000000000.
    /// </summary>
    private RecordRejection? Fill(DbDataReader reader, Record record, DatasetSchema schema, int ordinal, Type[] columns)
    {
        record.Line = reader.GetInt64(ordinal);
        for (int f = 0; f < schema.Fields.Count; f++)
        {
            if (DataReaderFieldWriter.Write(reader, ordinal + 1 + f, columns[ordinal + 1 + f], f, schema.Fields[f], record) is { } failure)
            {
                return new RecordRejection(schema.Name, record.Line, failure.Code, failure.Message) { Field = schema.Fields[f].Name };
            }

            if (syntax.HasFixedDecimalScale && schema.Fields[f].Type == FieldType.Decimal && record.GetValue(f) is decimal value)
            {
                record.SetDecimal(f, DecimalScale.WithoutTrailingZeros(value));
            }
        }

        return null;
    }

    private static async Task<DbDataReader> ReadAsync(DbConnection connection, PlannedQuery query, CancellationToken cancellationToken)
    {
        await using DbCommand command = connection.CreateCommand();
        command.CommandText = query.Text;
        command.CommandTimeout = 0;
        try
        {
            return await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DbException e)
        {
            throw Failed(query, e);
        }
    }

    private static async Task<bool> NextAsync(DbDataReader reader, PlannedQuery query, CancellationToken cancellationToken)
    {
        try
        {
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DbException e)
        {
            throw Failed(query, e);
        }
    }

    private static async Task ExecuteAsync(DbConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using DbCommand command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<object?> ScalarAsync(DbConnection connection, string sql, string dataset, CancellationToken cancellationToken)
    {
        await using DbCommand command = connection.CreateCommand();
        command.CommandText = sql;
        command.CommandTimeout = 0;
        try
        {
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DbException e)
        {
            throw new SqlRunException(DiagnosticIds.SqlQueryFailed, $"Counting the records of dataset '{dataset}' failed in the database ({Describe(e)}); check its table.");
        }
    }

    /// <summary>
    /// A database error names the query's rules and the database's error class; neither its message nor the exception
    /// travels on, because a database quotes the row value that failed (an ID number, a name).
    /// </summary>
    private static SqlRunException Failed(PlannedQuery query, DbException e) =>
        new(DiagnosticIds.SqlQueryFailed, $"The query of rule(s) {string.Join(", ", query.Rules.Select(r => $"'{r.Definition.Id}'"))} over dataset '{query.Primary.Schema.Name}' failed in the database ({Describe(e)}); SqlPlan.Queries shows its text.");

    private static string Describe(DbException e) => e.SqlState is { } state ? $"{e.GetType().Name}, SQLSTATE {state}" : e.GetType().Name;

    /// <summary>A row read back: its record context, the rules whose condition held on it, or why it could not be read.</summary>
    private sealed record Row(Record[] Context, CompiledRule[] Rules, RecordRejection? Failure);

    private enum OutcomeKind
    {
        Clue,
        Failure,
        Window,
        Matched,

        /// <summary>A record of a derived dataset, in <see cref="Outcome.Record"/>.</summary>
        Derived,
    }

    /// <summary>One outcome of a row, handed on in row order.</summary>
    private readonly record struct Outcome(OutcomeKind Kind, CompiledRule? Rule, Record? Record, Clue? Clue, RecordRejection? Failure);
}
