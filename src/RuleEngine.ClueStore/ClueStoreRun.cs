using System.Data;
using System.Data.Common;
using Dapper;
using RuleEngine.Clues;

namespace RuleEngine.ClueStore;

/// <summary>
/// One run writing into a clue store: a clue sink that records each clue by its fingerprint — new ones raised, known
/// ones seen again (never twice), closed ones reopened only when their material evidence changed — and, on
/// <see cref="CompleteAsync"/>, marks the clues of its models and region that it no longer produced. Clues are
/// written in batches, each batch one transaction; a run that is disposed without completing is recorded as failed.
/// </summary>
public sealed class ClueStoreRun : IClueSink, IAsyncDisposable
{
    private const int BatchSize = 512;

    /// <summary>Rows per multi-row statement on PostgreSQL: half a batch in one round trip (17 × 256 parameters).</summary>
    private const int PostgresRows = 256;

    private const string ClosedList = "('confirmed', 'rejected', 'closed')";

    private readonly ClueStore _store;
    private readonly DbConnection _connection;
    private readonly ClueStoreRunInfo _info;
    private readonly List<Clue> _batch = new(BatchSize);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<string, DbCommand> _sqliteCommands = new(StringComparer.Ordinal);
    private long _new;
    private long _seenAgain;
    private long _reopened;
    private bool _ended;

    internal ClueStoreRun(ClueStore store, DbConnection connection, long id, ClueStoreRunInfo info)
    {
        _store = store;
        _connection = connection;
        Id = id;
        _info = info;
    }

    /// <summary>Gets the run's id in the store.</summary>
    public long Id { get; }

    /// <inheritdoc/>
    public async ValueTask WriteAsync(Clue clue, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(clue);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_ended, this);
            _batch.Add(clue);
            if (_batch.Count >= BatchSize)
            {
                await WriteBatchAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Writes the clues gathered for the next batch; a run calls it after its last clue.</summary>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the batch is committed.</returns>
    public async ValueTask FlushAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_ended, this);
            await WriteBatchAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Writes the last clues, marks the clues of the run's models and region that it did not produce as not
    /// reproduced (unless records were lost: then nothing is marked), and records the summary.
    /// </summary>
    /// <param name="summary">The run's summary.</param>
    /// <param name="cancellationToken">Cancels the completion.</param>
    /// <returns>The run as stored.</returns>
    public async Task<StoredRun> CompleteAsync(RunSummary summary, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(summary);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_ended, this);
            await WriteBatchAsync(cancellationToken).ConfigureAwait(false);
            bool lost = summary.RecordsRejected > 0 || summary.RuleErrors > 0 || summary.StoppedByPolicy || summary.QuarantinedRules.Count > 0
                || summary.LinesPerDataset.Values.Any(l => l.Unaccounted > 0);
            string now = StoredForms.Time(_store.Now());
            await using DbTransaction transaction = StoreDatabase.BeginWrite(_connection);
            long notReproduced = 0;
            string[] models = [.. _info.Models.Select(m => m.Id)];
            if (!lost && models.Length > 0)
            {
                var scope = new { Run = Id, Models = models, _info.Region, Now = now };
                string Missing = $"FROM clues WHERE reproduced = 1 AND last_run_id <> @Run AND {_store.Database.In("model_id", "Models")} AND region = @Region";
                await _connection.ExecuteAsync(
                    new CommandDefinition($"INSERT INTO clue_events (clue_id, run_id, at, actor, action) SELECT id, @Run, @Now, 'run', 'not_reproduced' {Missing}", scope, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
                notReproduced = await _connection.ExecuteAsync(
                    new CommandDefinition($"UPDATE clues SET reproduced = 0, updated_at = @Now WHERE id IN (SELECT id {Missing})", scope, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
            }

            await _connection.ExecuteAsync(new CommandDefinition(
                "UPDATE runs SET completed_at = @Now, status = @Status, summary = @Summary, new_clues = @New, seen_again = @Seen, reopened = @Reopened, not_reproduced = @NotReproduced WHERE id = @Run",
                new { Now = now, Status = lost ? "completed_with_losses" : "completed", Summary = summary.ToString(), New = _new, Seen = _seenAgain, Reopened = _reopened, NotReproduced = notReproduced, Run = Id },
                transaction,
                cancellationToken: cancellationToken)).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            _ended = true;
            return await _store.GetRunAsync(Id, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Records the run as failed if it did not complete, and closes its connection.</summary>
    /// <returns>A task that completes when the connection is closed.</returns>
    public async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (!_ended)
            {
                _ended = true;

                // What was written stays; the run says it never completed, so nothing is taken as not reproduced. When the
                // connection itself is what failed, the run stays "running" — as true — and the original error stands.
                try
                {
                    await _connection.ExecuteAsync(
                        "UPDATE runs SET status = 'failed', new_clues = @New, seen_again = @Seen, reopened = @Reopened WHERE id = @Run",
                        new { New = _new, Seen = _seenAgain, Reopened = _reopened, Run = Id }).ConfigureAwait(false);
                }
                catch (DbException)
                {
                }
            }

            foreach (DbCommand command in _sqliteCommands.Values)
            {
                await command.DisposeAsync().ConfigureAwait(false);
            }

            await _connection.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
            _gate.Dispose();
        }
    }

    /// <summary>
    /// Writes the batch in one transaction and a handful of set-based statements (multi-row inserts, one update from a
    /// VALUES list), so a batch costs the same few round trips on PostgreSQL as on SQLite, whatever its size.
    /// </summary>
    private async Task WriteBatchAsync(CancellationToken cancellationToken)
    {
        if (_batch.Count == 0)
        {
            return;
        }

        string now = StoredForms.Time(_store.Now());
        await using DbTransaction transaction = StoreDatabase.BeginWrite(_connection);

        // A fingerprint twice in a batch (a subject twice in the input) is one clue; its first sighting counts, as in the run.
        List<Form> forms = [.. _batch.DistinctBy(c => c.Fingerprint, StringComparer.Ordinal).Select(c => new Form(c))];

        // 1. Every clue not yet in the store is raised by this run; a clue another writer raised meanwhile is left alone.
        await WriteRowsAsync(
            "INSERT INTO clues (fingerprint, model_id, rule_id, rule_version, region, subject_key, title, severity, dataset, state, "
            + "first_run_id, last_run_id, reproduced, material_hash, created_at, updated_at, row_version) VALUES ",
            forms.Select(f => new object?[]
            {
                f.Clue.Fingerprint, f.Clue.ModelId ?? string.Empty, f.Clue.RuleId, f.Clue.RuleVersion, _info.Region, f.SubjectKey, f.Title,
                StoredForms.Severity(f.Clue.Severity), f.Clue.Dataset, "generated", Id, Id, 1L, f.Material, now, now, 1L,
            }),
            " ON CONFLICT (fingerprint) DO NOTHING",
            returning: false,
            transaction,
            cancellationToken).ConfigureAwait(false);

        Dictionary<string, KnownClue> known = (await _connection.QueryAsync<KnownClue>(new CommandDefinition(
                $"SELECT id AS Id, fingerprint AS Fingerprint, state AS State, first_run_id AS FirstRunId, material_hash AS MaterialHash FROM clues WHERE {_store.Database.In("fingerprint", "Fingerprints")}",
                new { Fingerprints = forms.Select(f => f.Clue.Fingerprint).ToArray() },
                transaction,
                cancellationToken: cancellationToken)).ConfigureAwait(false))
            .ToDictionary(k => k.Fingerprint, StringComparer.Ordinal);

        // 2. The run's sightings; a clue the run already produced in an earlier batch has one and changes nothing more.
        var sighted = new HashSet<long>(await WriteRowsAsync(
            "INSERT INTO clue_sightings (clue_id, run_id, rule_version, line, evidence, explanation, evidence_hash) VALUES ",
            forms.Select(f => new object?[] { known[f.Clue.Fingerprint].Id, Id, f.Clue.RuleVersion, f.Clue.Line, f.Json, StoredForms.ExplanationJson(f.Clue), f.Hash }),
            " ON CONFLICT (clue_id, run_id) DO NOTHING RETURNING clue_id",
            returning: true,
            transaction,
            cancellationToken).ConfigureAwait(false));

        var events = new List<object?[]>();
        var again = new List<(Form Form, KnownClue Clue)>();
        foreach (Form form in forms)
        {
            KnownClue clue = known[form.Clue.Fingerprint];
            if (!sighted.Contains(clue.Id))
            {
                continue;
            }

            if (clue.FirstRunId == Id)
            {
                _new++;
                events.Add([clue.Id, Id, now, "run", "raised", null, ClueLifecycle.Stored(ClueState.Generated), null]);
                continue;
            }

            _seenAgain++;
            again.Add((form, clue));

            // 3. A closed clue whose material evidence changed opens again (guarded by its state, in case a desk user
            // moved it meanwhile); one whose evidence did not stays closed. Rare, so one statement each.
            if (form.Material is not null && clue.MaterialHash is not null && !string.Equals(form.Material, clue.MaterialHash, StringComparison.Ordinal)
                && ClueLifecycle.ClosedStates.Contains(clue.State)
                && await _connection.ExecuteAsync(new CommandDefinition(
                    $"UPDATE clues SET state = 'generated', material_hash = @Material, row_version = row_version + 1, updated_at = @Now WHERE id = @Clue AND state IN {ClosedList} AND material_hash IS NOT NULL AND material_hash <> @Material",
                    new { form.Material, Now = now, Clue = clue.Id },
                    transaction,
                    cancellationToken: cancellationToken)).ConfigureAwait(false) > 0)
            {
                _reopened++;
                string fields = string.Join(", ", form.Evidence.Where(e => e.Material).Select(e => e.Field).Distinct(StringComparer.Ordinal));
                events.Add([clue.Id, Id, now, "run", "reopened", clue.State, ClueLifecycle.Stored(ClueState.Generated), $"material evidence changed: {fields}"]);
            }
        }

        // 4. Clues seen again take this run as their last, with its title, version and (unless closed) material hash:
        // on PostgreSQL a chunk in one UPDATE … FROM (VALUES …); on SQLite, which joins that by scanning the table, a
        // statement per clue (in-process, nothing to save by batching).
        const string Take = $"material_hash = CASE WHEN clues.state IN {ClosedList} THEN clues.material_hash ELSE v.column6 END";
        if (_store.Database.IsSqlite)
        {
            await WriteRowsAsync(
                "UPDATE clues SET last_run_id = @Run, reproduced = 1, rule_version = @RuleVersion, subject_key = @SubjectKey, title = @Title, severity = @Severity, updated_at = @Now, "
                + $"material_hash = CASE WHEN state IN {ClosedList} THEN material_hash ELSE @Material END WHERE id = @Clue",
                again.Select(a => new object?[] { Id, a.Form.Clue.RuleVersion, a.Form.SubjectKey, a.Form.Title, StoredForms.Severity(a.Form.Clue.Severity), now, a.Form.Material, a.Clue.Id }),
                string.Empty,
                returning: false,
                transaction,
                cancellationToken,
                named: ["Run", "RuleVersion", "SubjectKey", "Title", "Severity", "Now", "Material", "Clue"]).ConfigureAwait(false);
        }
        else
        {
            foreach ((Form Form, KnownClue Clue)[] chunk in again.Chunk(PostgresRows))
            {
                (string values, DynamicParameters parameters) = Rows(chunk.Select(a => new object?[]
                {
                    a.Clue.Id, a.Form.Clue.RuleVersion, a.Form.SubjectKey, a.Form.Title, StoredForms.Severity(a.Form.Clue.Severity), a.Form.Material,
                }));
                parameters.Add("Run", Id);
                parameters.Add("Now", now);
                await _connection.ExecuteAsync(new CommandDefinition(
                    "UPDATE clues SET last_run_id = @Run, reproduced = 1, rule_version = v.column2, subject_key = v.column3, title = v.column4, severity = v.column5, updated_at = @Now, "
                    + $"{Take} FROM (VALUES {values}) AS v WHERE clues.id = v.column1",
                    parameters,
                    transaction,
                    cancellationToken: cancellationToken)).ConfigureAwait(false);
            }
        }

        await WriteRowsAsync("INSERT INTO clue_events (clue_id, run_id, at, actor, action, from_state, to_state, detail) VALUES ", events, string.Empty, returning: false, transaction, cancellationToken).ConfigureAwait(false);

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        _batch.Clear();
    }

    /// <summary>
    /// Writes rows through "<paramref name="head"/> VALUES … <paramref name="tail"/>": on PostgreSQL, chunks of
    /// <see cref="PostgresRows"/> rows in one statement each (one round trip); on SQLite one row per execution of a
    /// command kept for the run, so SQLite compiles it once — Microsoft.Data.Sqlite binds parameters by name with a
    /// linear search, so a statement of thousands of parameters would cost quadratic time (measured: 500 clues/s).
    /// <paramref name="named"/> gives the parameter names of a statement whose text already holds them (no VALUES list).
    /// </summary>
    private async Task<List<long>> WriteRowsAsync(string head, IEnumerable<object?[]> rows, string tail, bool returning, DbTransaction transaction, CancellationToken cancellationToken, string[]? named = null)
    {
        var returned = new List<long>();
        if (!_store.Database.IsSqlite)
        {
            foreach (object?[][] chunk in rows.Chunk(PostgresRows))
            {
                (string values, DynamicParameters parameters) = Rows(chunk);
                var command = new CommandDefinition(head + values + tail, parameters, transaction, cancellationToken: cancellationToken);
                if (returning)
                {
                    returned.AddRange(await _connection.QueryAsync<long>(command).ConfigureAwait(false));
                }
                else
                {
                    await _connection.ExecuteAsync(command).ConfigureAwait(false);
                }
            }

            return returned;
        }

        foreach (object?[] row in rows)
        {
            string sql = named is null ? head + "(" + string.Join(", ", row.Select((_, c) => "@c" + c.ToString(System.Globalization.CultureInfo.InvariantCulture))) + ")" + tail : head + tail;
            if (!_sqliteCommands.TryGetValue(sql, out DbCommand? command))
            {
                command = _connection.CreateCommand();
                command.CommandText = sql;
                for (int c = 0; c < row.Length; c++)
                {
                    DbParameter parameter = command.CreateParameter();
                    parameter.ParameterName = named?[c] ?? "c" + c.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    command.Parameters.Add(parameter);
                }

                _sqliteCommands.Add(sql, command);
            }

            command.Transaction = transaction;
            for (int c = 0; c < row.Length; c++)
            {
                command.Parameters[c].Value = row[c] ?? DBNull.Value;
            }

            if (returning)
            {
                if (await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long id)
                {
                    returned.Add(id);
                }
            }
            else
            {
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        return returned;
    }

    /// <summary>
    /// A multi-row VALUES list, <c>(@r0c0, @r0c1, …), (@r1c0, …)</c>, with its parameters typed by their values
    /// (a NULL as text): values are always parameters, never SQL text.
    /// </summary>
    private static (string Values, DynamicParameters Parameters) Rows(IEnumerable<object?[]> rows)
    {
        var parameters = new DynamicParameters();
        var sql = new System.Text.StringBuilder();
        int r = 0;
        foreach (object?[] row in rows)
        {
            sql.Append(r == 0 ? "(" : ", (");
            for (int c = 0; c < row.Length; c++)
            {
                string name = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"r{r}c{c}");
                sql.Append(c == 0 ? "@" : ", @").Append(name);
                parameters.Add(name, row[c], row[c] is long ? DbType.Int64 : DbType.String);
            }

            sql.Append(')');
            r++;
        }

        return (sql.ToString(), parameters);
    }

    /// <summary>A clue as the batch writes it: its evidence, hashes, and masked title and subject, computed once.</summary>
    private sealed class Form
    {
        public Form(Clue clue)
        {
            Clue = clue;
            Evidence = StoredForms.Evidence(clue);
            Json = StoredForms.EvidenceJson(Evidence);
            Hash = StoredForms.EvidenceHash(Evidence);
            Material = StoredForms.MaterialHash(Evidence);
        }

        public Clue Clue { get; }

        public StoredEvidence[] Evidence { get; }

        public string Json { get; }

        public string Hash { get; }

        public string? Material { get; }

        public string Title => Clue.MaskedTitle ?? Clue.Title;

        public string SubjectKey => Clue.MaskedSubjectKey ?? Clue.SubjectKey;
    }

    /// <summary>What the store knows of a clue when a run meets it.</summary>
    private sealed class KnownClue
    {
        public long Id { get; set; }

        public string Fingerprint { get; set; } = string.Empty;

        public string State { get; set; } = string.Empty;

        public long FirstRunId { get; set; }

        public string? MaterialHash { get; set; }
    }
}
