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

    private readonly ClueStore _store;
    private readonly DbConnection _connection;
    private readonly ClueStoreRunInfo _info;
    private readonly List<Clue> _batch = new(BatchSize);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private Statements? _statements;
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
                await FlushAsync(cancellationToken).ConfigureAwait(false);
            }
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
            await FlushAsync(cancellationToken).ConfigureAwait(false);
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

                // What was written stays; the run says it never completed, so nothing is taken as not reproduced.
                await _connection.ExecuteAsync(
                    "UPDATE runs SET status = 'failed', new_clues = @New, seen_again = @Seen, reopened = @Reopened WHERE id = @Run",
                    new { New = _new, Seen = _seenAgain, Reopened = _reopened, Run = Id }).ConfigureAwait(false);
            }

            if (_statements is not null)
            {
                await _statements.DisposeAsync().ConfigureAwait(false);
            }

            await _connection.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
            _gate.Dispose();
        }
    }

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (_batch.Count == 0)
        {
            return;
        }

        string now = StoredForms.Time(_store.Now());
        await using DbTransaction transaction = StoreDatabase.BeginWrite(_connection);
        var forms = _batch.Select(c =>
        {
            StoredEvidence[] evidence = StoredForms.Evidence(c);
            return (Clue: c, Evidence: evidence, Json: StoredForms.EvidenceJson(evidence), Hash: StoredForms.EvidenceHash(evidence), Material: StoredForms.MaterialHash(evidence),
                Title: c.MaskedTitle ?? c.Title,
                SubjectKey: c.MaskedSubjectKey ?? c.SubjectKey);
        }).ToList();

        // 1. Every clue not yet in the store is raised by this run; a clue another writer raised meanwhile is left alone.
        Statements statements = _statements ??= new Statements(_connection);
        foreach (var form in forms)
        {
            await statements.Raise.ExecuteAsync(transaction, cancellationToken, form.Clue.Fingerprint, form.Clue.ModelId ?? string.Empty, form.Clue.RuleId, form.Clue.RuleVersion, _info.Region, form.SubjectKey, form.Title, StoredForms.Severity(form.Clue.Severity), form.Clue.Dataset, Id, form.Material, now).ConfigureAwait(false);
        }

        Dictionary<string, KnownClue> known = (await _connection.QueryAsync<KnownClue>(new CommandDefinition(
                $"SELECT id AS Id, fingerprint AS Fingerprint, state AS State, first_run_id AS FirstRunId FROM clues WHERE {_store.Database.In("fingerprint", "Fingerprints")}",
                new { Fingerprints = forms.Select(f => f.Clue.Fingerprint).Distinct(StringComparer.Ordinal).ToArray() },
                transaction,
                cancellationToken: cancellationToken)).ConfigureAwait(false))
            .ToDictionary(k => k.Fingerprint, StringComparer.Ordinal);

        foreach (var form in forms)
        {
            KnownClue clue = known[form.Clue.Fingerprint];

            // 2. The run's sighting; a clue the run already produced (a repeated clue) has one and changes nothing more.
            int sighted = await statements.Sight.ExecuteAsync(transaction, cancellationToken, clue.Id, Id, form.Clue.RuleVersion, form.Clue.Line, form.Json, StoredForms.ExplanationJson(form.Clue), form.Hash).ConfigureAwait(false);
            if (sighted == 0)
            {
                continue;
            }

            if (clue.FirstRunId == Id)
            {
                _new++;
                await statements.Event.ExecuteAsync(transaction, cancellationToken, clue.Id, Id, now, "raised", null, ClueLifecycle.Stored(ClueState.Generated), null).ConfigureAwait(false);
                continue;
            }

            _seenAgain++;

            // 3. A closed clue whose material evidence changed opens again; one whose evidence did not stays closed.
            if (form.Material is not null && await statements.Reopen.ExecuteAsync(transaction, cancellationToken, form.Material, now, clue.Id).ConfigureAwait(false) > 0)
            {
                _reopened++;
                string fields = string.Join(", ", form.Evidence.Where(e => e.Material).Select(e => e.Field).Distinct(StringComparer.Ordinal));
                await statements.Event.ExecuteAsync(transaction, cancellationToken, clue.Id, Id, now, "reopened", clue.State, ClueLifecycle.Stored(ClueState.Generated), $"material evidence changed: {fields}").ConfigureAwait(false);
            }

            await statements.SeeAgain.ExecuteAsync(transaction, cancellationToken, Id, form.Clue.RuleVersion, form.SubjectKey, form.Title, StoredForms.Severity(form.Clue.Severity), now, form.Material, clue.Id).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        _batch.Clear();
    }

    /// <summary>The statements a run executes per clue, made on its first batch and kept for the run.</summary>
    private sealed class Statements(DbConnection connection) : IAsyncDisposable
    {
        private const string Closed = "('confirmed', 'rejected', 'closed')";

        public Statement Raise { get; } = new(
            connection,
            """
            INSERT INTO clues (fingerprint, model_id, rule_id, rule_version, region, subject_key, title, severity, dataset, state,
                               first_run_id, last_run_id, reproduced, material_hash, created_at, updated_at, row_version)
            VALUES (@Fingerprint, @ModelId, @RuleId, @RuleVersion, @Region, @SubjectKey, @Title, @Severity, @Dataset, 'generated',
                    @Run, @Run, 1, @Material, @Now, @Now, 1)
            ON CONFLICT (fingerprint) DO NOTHING
            """,
            ("Fingerprint", DbType.String), ("ModelId", DbType.String), ("RuleId", DbType.String), ("RuleVersion", DbType.String), ("Region", DbType.String),
            ("SubjectKey", DbType.String), ("Title", DbType.String), ("Severity", DbType.String), ("Dataset", DbType.String), ("Run", DbType.Int64),
            ("Material", DbType.String), ("Now", DbType.String));

        public Statement Sight { get; } = new(
            connection,
            """
            INSERT INTO clue_sightings (clue_id, run_id, rule_version, line, evidence, explanation, evidence_hash)
            VALUES (@Clue, @Run, @RuleVersion, @Line, @Evidence, @Explanation, @Hash)
            ON CONFLICT (clue_id, run_id) DO NOTHING
            """,
            ("Clue", DbType.Int64), ("Run", DbType.Int64), ("RuleVersion", DbType.String), ("Line", DbType.Int64), ("Evidence", DbType.String), ("Explanation", DbType.String), ("Hash", DbType.String));

        public Statement Reopen { get; } = new(
            connection,
            $"UPDATE clues SET state = 'generated', material_hash = @Material, row_version = row_version + 1, updated_at = @Now WHERE id = @Clue AND state IN {Closed} AND material_hash IS NOT NULL AND material_hash <> @Material",
            ("Material", DbType.String), ("Now", DbType.String), ("Clue", DbType.Int64));

        public Statement SeeAgain { get; } = new(
            connection,
            "UPDATE clues SET last_run_id = @Run, reproduced = 1, rule_version = @RuleVersion, subject_key = @SubjectKey, title = @Title, severity = @Severity, updated_at = @Now, "
            + $"material_hash = CASE WHEN state IN {Closed} THEN material_hash ELSE @Material END WHERE id = @Clue",
            ("Run", DbType.Int64), ("RuleVersion", DbType.String), ("SubjectKey", DbType.String), ("Title", DbType.String), ("Severity", DbType.String), ("Now", DbType.String), ("Material", DbType.String), ("Clue", DbType.Int64));

        public Statement Event { get; } = new(
            connection,
            "INSERT INTO clue_events (clue_id, run_id, at, actor, action, from_state, to_state, detail) VALUES (@Clue, @Run, @Now, 'run', @Action, @From, @To, @Detail)",
            ("Clue", DbType.Int64), ("Run", DbType.Int64), ("Now", DbType.String), ("Action", DbType.String), ("From", DbType.String), ("To", DbType.String), ("Detail", DbType.String));

        public async ValueTask DisposeAsync()
        {
            foreach (Statement statement in new[] { Raise, Sight, Reopen, SeeAgain, Event })
            {
                await statement.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>What the store knows of a clue when a run meets it.</summary>
    private sealed class KnownClue
    {
        public long Id { get; set; }

        public string Fingerprint { get; set; } = string.Empty;

        public string State { get; set; } = string.Empty;

        public long FirstRunId { get; set; }
    }
}
