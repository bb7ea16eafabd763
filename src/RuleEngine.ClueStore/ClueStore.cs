using System.Data.Common;
using System.Globalization;
using Dapper;

namespace RuleEngine.ClueStore;

/// <summary>
/// Clues that live past the run: every run and every clue by its identity, the clue's evidence in each run that
/// produced it, its life-cycle with an append-only history, and an audit log. An embedded SQLite file by default
/// (<see cref="OpenAsync"/> with a path), PostgreSQL for a team (a connection string); the schema is created and
/// migrated on open. Safe to share between threads and processes: every change is one transaction, and life-cycle
/// actions change a clue only from the state (and version) they expect.
/// </summary>
public sealed class ClueStore : IAsyncDisposable
{
    private const string ClueColumns =
        "id AS Id, fingerprint AS Fingerprint, model_id AS ModelId, rule_id AS RuleId, rule_version AS RuleVersion, region AS Region, "
        + "subject_key AS SubjectKey, title AS Title, severity AS Severity, dataset AS Dataset, state AS State, assignee AS Assignee, "
        + "first_run_id AS FirstRunId, last_run_id AS LastRunId, reproduced AS Reproduced, document_type AS DocumentType, "
        + "document_number AS DocumentNumber, decided_on AS DecidedOn, due_on AS DueOn, rejection_reason AS RejectionReason, note AS Note, "
        + "created_at AS CreatedAt, updated_at AS UpdatedAt, row_version AS RowVersion";

    private const string RunColumns =
        "id AS Id, started_at AS StartedAt, completed_at AS CompletedAt, status AS Status, region AS Region, revealed AS Revealed, models AS Models, "
        + "inputs AS Inputs, parameters AS Parameters, summary AS Summary, new_clues AS NewClues, seen_again AS SeenAgain, reopened AS Reopened, "
        + "not_reproduced AS NotReproduced, note AS Note";

    private readonly StoreDatabase _database;
    private readonly TimeProvider _time;

    private ClueStore(StoreDatabase database, TimeProvider time)
    {
        _database = database;
        _time = time;
    }

    /// <summary>Gets whether the store is an embedded SQLite file (otherwise PostgreSQL).</summary>
    public bool IsSqlite => _database.IsSqlite;

    /// <summary>
    /// Opens a store, creating or migrating its schema: <paramref name="target"/> is a PostgreSQL connection string
    /// (<c>Host=…;Username=…;Database=…</c>) or the path of a SQLite file (created when missing).
    /// </summary>
    /// <param name="target">A connection string with <c>Host=</c>, or a file path.</param>
    /// <param name="timeProvider">The clock for the times the store records; the system clock by default.</param>
    /// <param name="cancellationToken">Cancels the opening.</param>
    /// <returns>The open store.</returns>
    /// <exception cref="ClueStoreException">The database's schema is newer than this library (RE8005).</exception>
    public static async Task<ClueStore> OpenAsync(string target, TimeProvider? timeProvider = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(target);
        StoreDatabase database = target.Contains("Host=", StringComparison.OrdinalIgnoreCase)
            ? StoreDatabase.PostgreSql(target)
            : StoreDatabase.Sqlite(Path.GetFullPath(target));
        try
        {
            await database.MigrateAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await database.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return new ClueStore(database, timeProvider ?? TimeProvider.System);
    }

    /// <summary>Begins a run: records it, and returns the sink its clues go to.</summary>
    /// <param name="info">The run's region, models, inputs and parameters.</param>
    /// <param name="cancellationToken">Cancels the beginning.</param>
    /// <returns>The run's sink; complete it with the run's summary, then dispose it.</returns>
    public async Task<ClueStoreRun> BeginRunAsync(ClueStoreRunInfo info, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(info);
        DbConnection connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            long id = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                "INSERT INTO runs (started_at, status, region, revealed, models, inputs, parameters, new_clues, seen_again, reopened, not_reproduced, note) "
                + "VALUES (@Now, 'running', @Region, @Revealed, @Models, @Inputs, @Parameters, 0, 0, 0, 0, @Note) RETURNING id",
                new
                {
                    Now = StoredForms.Time(Now()),
                    info.Region,
                    Revealed = info.PersonalDataRevealed ? 1L : 0L,
                    Models = StoredForms.ToJson(info.Models),
                    Inputs = StoredForms.ToJson(info.Inputs),
                    Parameters = StoredForms.ToJson(info.Parameters),
                    info.Note,
                },
                cancellationToken: cancellationToken)).ConfigureAwait(false);
            return new ClueStoreRun(this, connection, id, info);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Gets a run.</summary>
    /// <param name="id">The run's id.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The run.</returns>
    /// <exception cref="ClueStoreException">No run has that id (RE8001).</exception>
    public async Task<StoredRun> GetRunAsync(long id, CancellationToken cancellationToken = default)
    {
        await using DbConnection connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        RunRow? row = await connection.QuerySingleOrDefaultAsync<RunRow>(new CommandDefinition($"SELECT {RunColumns} FROM runs WHERE id = @Id", new { Id = id }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return row?.ToRun() ?? throw new ClueStoreException(ClueStoreErrorCodes.NotFound, $"No run {id} in the clue store.");
    }

    /// <summary>Lists the runs, newest first.</summary>
    /// <param name="limit">How many at most.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The runs.</returns>
    public async Task<IReadOnlyList<StoredRun>> ListRunsAsync(int limit = 100, CancellationToken cancellationToken = default)
    {
        await using DbConnection connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        IEnumerable<RunRow> rows = await connection.QueryAsync<RunRow>(new CommandDefinition($"SELECT {RunColumns} FROM runs ORDER BY id DESC LIMIT @Limit", new { Limit = Math.Clamp(limit, 1, 10_000) }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return [.. rows.Select(r => r.ToRun())];
    }

    /// <summary>Lists a page of the clues the actor's region covers that match the query, most recently seen first.</summary>
    /// <param name="query">The filters and the page.</param>
    /// <param name="actor">Who asks; their region scope limits the clues.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The page and the total.</returns>
    public async Task<CluePage> ListAsync(ClueQuery query, ClueActor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(actor);
        var parameters = new DynamicParameters();
        var where = new List<string>();
        Scope(actor, where, parameters);
        if (query.Region is { } region)
        {
            where.Add("region LIKE @NarrowRegion");
            parameters.Add("NarrowRegion", new ClueActor(actor.Name, region).RegionPattern());
        }

        Add("model_id = @ModelId", "ModelId", query.ModelId);
        Add("rule_id = @RuleId", "RuleId", query.RuleId);
        Add("assignee = @Assignee", "Assignee", query.Assignee);
        Add("severity = @Severity", "Severity", query.Severity is { } severity ? StoredForms.Severity(severity) : null);
        Add("reproduced = @Reproduced", "Reproduced", query.Reproduced is { } reproduced ? (reproduced ? 1L : 0L) : null);
        Add("id IN (SELECT clue_id FROM clue_sightings WHERE run_id = @RunId)", "RunId", query.RunId);
        if (query.States.Count > 0)
        {
            where.Add(_database.In("state", "States"));
            parameters.Add("States", query.States.Select(ClueLifecycle.Stored).ToArray());
        }

        if (!string.IsNullOrEmpty(query.TitleContains))
        {
            where.Add("title LIKE @Title ESCAPE '\\'");
            parameters.Add("Title", "%" + query.TitleContains.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%");
        }

        string filter = where.Count == 0 ? string.Empty : " WHERE " + string.Join(" AND ", where);
        parameters.Add("Offset", Math.Max(0, query.Offset));
        parameters.Add("Limit", Math.Clamp(query.Limit, 1, 1000));
        await using DbConnection connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        long total = await connection.ExecuteScalarAsync<long>(new CommandDefinition($"SELECT COUNT(*) FROM clues{filter}", parameters, cancellationToken: cancellationToken)).ConfigureAwait(false);
        IEnumerable<ClueRow> rows = await connection.QueryAsync<ClueRow>(new CommandDefinition($"SELECT {ClueColumns} FROM clues{filter} ORDER BY last_run_id DESC, id DESC LIMIT @Limit OFFSET @Offset", parameters, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return new CluePage([.. rows.Select(r => r.ToClue())], total);

        void Add(string condition, string name, object? value)
        {
            if (value is not null)
            {
                where.Add(condition);
                parameters.Add(name, value);
            }
        }
    }

    /// <summary>Gets a clue with its evidence in every run that produced it and its history.</summary>
    /// <param name="id">The clue's id.</param>
    /// <param name="actor">Who asks; a clue outside their region is not found.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The clue.</returns>
    /// <exception cref="ClueStoreException">No clue has that id in the actor's regions (RE8001).</exception>
    public async Task<ClueDetail> GetAsync(long id, ClueActor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        await using DbConnection connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        StoredClue clue = await FindAsync(connection, null, id, actor, cancellationToken).ConfigureAwait(false);
        IEnumerable<SightingRow> sightings = await connection.QueryAsync<SightingRow>(new CommandDefinition(
            "SELECT s.run_id AS RunId, r.started_at AS RunStartedAt, s.rule_version AS RuleVersion, s.line AS Line, s.evidence AS Evidence, s.explanation AS Explanation "
            + "FROM clue_sightings s JOIN runs r ON r.id = s.run_id WHERE s.clue_id = @Id ORDER BY s.run_id DESC",
            new { Id = id },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        IEnumerable<EventRow> events = await connection.QueryAsync<EventRow>(new CommandDefinition(
            "SELECT id AS Id, at AS At, actor AS Actor, action AS Action, from_state AS FromState, to_state AS ToState, run_id AS RunId, detail AS Detail FROM clue_events WHERE clue_id = @Id ORDER BY id",
            new { Id = id },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return new ClueDetail(clue, [.. sightings.Select(s => s.ToSighting())], [.. events.Select(e => e.ToEvent())]);
    }

    /// <summary>Assigns a clue to a prosecutor or team (from raised, assigned or verifying).</summary>
    /// <param name="id">The clue.</param>
    /// <param name="assignee">Who verifies it.</param>
    /// <param name="actor">Who assigns.</param>
    /// <param name="expectedVersion">The clue's <see cref="StoredClue.Version"/> as the actor saw it, to refuse a change made in between; <see langword="null"/> not to check.</param>
    /// <param name="cancellationToken">Cancels the action.</param>
    /// <returns>The clue after the action.</returns>
    public Task<StoredClue> AssignAsync(long id, string assignee, ClueActor actor, long? expectedVersion = null, CancellationToken cancellationToken = default)
    {
        Require(!string.IsNullOrWhiteSpace(assignee), "An assignee is required.");
        return TransitionAsync(id, actor, expectedVersion, ClueState.Assigned, "assigned", $"assignee: {assignee}", new() { ["assignee"] = assignee.Trim() }, cancellationToken);
    }

    /// <summary>Starts the verification of an assigned clue (调查核实).</summary>
    /// <param name="id">The clue.</param>
    /// <param name="actor">Who verifies.</param>
    /// <param name="expectedVersion">The version the actor saw, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the action.</param>
    /// <returns>The clue after the action.</returns>
    public Task<StoredClue> StartVerifyingAsync(long id, ClueActor actor, long? expectedVersion = null, CancellationToken cancellationToken = default) =>
        TransitionAsync(id, actor, expectedVersion, ClueState.Verifying, "verifying", null, [], cancellationToken);

    /// <summary>Confirms a verified clue as a case, with the document issued; the follow-up date comes from the document's reply period.</summary>
    /// <param name="id">The clue.</param>
    /// <param name="document">The document's type (<see cref="ClueDocumentTypes"/>).</param>
    /// <param name="documentNumber">The document's number.</param>
    /// <param name="issuedOn">The day it was issued.</param>
    /// <param name="actor">Who confirms.</param>
    /// <param name="expectedVersion">The version the actor saw, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the action.</param>
    /// <returns>The clue after the action.</returns>
    public Task<StoredClue> ConfirmAsync(long id, ClueDocumentType document, string documentNumber, DateOnly issuedOn, ClueActor actor, long? expectedVersion = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(document);
        Require(!string.IsNullOrWhiteSpace(documentNumber), "A document number is required.");
        return TransitionAsync(id, actor, expectedVersion, ClueState.Confirmed, "confirmed", $"{document.Name} {documentNumber.Trim()}", new()
        {
            ["document_type"] = document.Name,
            ["document_number"] = documentNumber.Trim(),
            ["decided_on"] = StoredForms.Day(issuedOn),
            ["due_on"] = document.DueDate(issuedOn) is { } due ? StoredForms.Day(due) : null,
            ["rejection_reason"] = null,
        }, cancellationToken);
    }

    /// <summary>Rejects a clue with a reason (from assigned or verifying).</summary>
    /// <param name="id">The clue.</param>
    /// <param name="reason">Why it is not a case.</param>
    /// <param name="note">The detail; required for <see cref="RejectionReason.Other"/>.</param>
    /// <param name="decidedOn">The day of the decision.</param>
    /// <param name="actor">Who rejects.</param>
    /// <param name="expectedVersion">The version the actor saw, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the action.</param>
    /// <returns>The clue after the action.</returns>
    public Task<StoredClue> RejectAsync(long id, RejectionReason reason, string? note, DateOnly decidedOn, ClueActor actor, long? expectedVersion = null, CancellationToken cancellationToken = default)
    {
        Require(reason != RejectionReason.Other || !string.IsNullOrWhiteSpace(note), "A rejection for another reason needs a note that says it.");
        return TransitionAsync(id, actor, expectedVersion, ClueState.Rejected, "rejected", ClueLifecycle.ChineseName(reason) + (string.IsNullOrWhiteSpace(note) ? string.Empty : $": {note.Trim()}"), new()
        {
            ["rejection_reason"] = ClueLifecycle.Stored(reason),
            ["decided_on"] = StoredForms.Day(decidedOn),
            ["note"] = note?.Trim(),
        }, cancellationToken);
    }

    /// <summary>Records the follow-up of a confirmed clue (the agency's reply, the rectification) and closes it.</summary>
    /// <param name="id">The clue.</param>
    /// <param name="reply">What the agency replied or did.</param>
    /// <param name="actor">Who records it.</param>
    /// <param name="expectedVersion">The version the actor saw, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the action.</param>
    /// <returns>The clue after the action.</returns>
    public Task<StoredClue> RecordFollowUpAsync(long id, string reply, ClueActor actor, long? expectedVersion = null, CancellationToken cancellationToken = default)
    {
        Require(!string.IsNullOrWhiteSpace(reply), "The follow-up needs the reply or the rectification.");
        return TransitionAsync(id, actor, expectedVersion, ClueState.Closed, "followed_up", reply.Trim(), new() { ["note"] = reply.Trim() }, cancellationToken);
    }

    /// <summary>Writes an entry of the audit log: a reveal of personal values, an export, a sign-in.</summary>
    /// <param name="actor">Who.</param>
    /// <param name="action">What (<c>reveal</c>, <c>export</c>).</param>
    /// <param name="clueId">The clue, if one.</param>
    /// <param name="detail">The detail, without personal values.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the entry is written.</returns>
    public async Task AuditAsync(ClueActor actor, string action, long? clueId = null, string? detail = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentException.ThrowIfNullOrWhiteSpace(action);
        await using DbConnection connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await WriteAuditAsync(connection, null, actor, action, clueId, detail, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads the audit log, newest first.</summary>
    /// <param name="offset">How many entries to skip.</param>
    /// <param name="limit">How many at most.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The entries.</returns>
    public async Task<IReadOnlyList<AuditEntry>> ReadAuditAsync(int offset = 0, int limit = 100, CancellationToken cancellationToken = default)
    {
        await using DbConnection connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        IEnumerable<AuditRow> rows = await connection.QueryAsync<AuditRow>(new CommandDefinition(
            "SELECT id AS Id, at AS At, actor AS Actor, address AS Address, action AS Action, clue_id AS ClueId, detail AS Detail FROM audit_log ORDER BY id DESC LIMIT @Limit OFFSET @Offset",
            new { Offset = Math.Max(0, offset), Limit = Math.Clamp(limit, 1, 10_000) },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return [.. rows.Select(r => new AuditEntry(r.Id, StoredForms.ReadTime(r.At), r.Actor, r.Address, r.Action, r.ClueId, r.Detail))];
    }

    /// <summary>
    /// Compares two runs over the clues the actor's region covers: clues only the second produced, only the first
    /// produced, and clues both produced with different evidence — how a model's new version changes its clues over
    /// the same data, or what a month changed.
    /// </summary>
    /// <param name="fromRunId">The first run.</param>
    /// <param name="toRunId">The second run.</param>
    /// <param name="actor">Who asks.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The differences.</returns>
    public async Task<RunDiff> DiffAsync(long fromRunId, long toRunId, ClueActor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        await GetRunAsync(fromRunId, cancellationToken).ConfigureAwait(false);
        await GetRunAsync(toRunId, cancellationToken).ConfigureAwait(false);
        await using DbConnection connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var where = new List<string>();
        var parameters = new DynamicParameters(new { From = fromRunId, To = toRunId });
        Scope(actor, where, parameters, "c.");
        string scope = where.Count == 0 ? string.Empty : " AND " + string.Join(" AND ", where);
        IEnumerable<DiffRow> rows = await connection.QueryAsync<DiffRow>(new CommandDefinition(
            "SELECT s.clue_id AS ClueId, s.run_id AS RunId, s.evidence_hash AS EvidenceHash FROM clue_sightings s JOIN clues c ON c.id = s.clue_id "
            + $"WHERE s.run_id IN (@From, @To){scope}",
            parameters,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        var sides = rows.GroupBy(r => r.ClueId).Select(g => (Clue: g.Key, From: g.FirstOrDefault(r => r.RunId == fromRunId), To: g.FirstOrDefault(r => r.RunId == toRunId))).ToList();
        long[] added = [.. sides.Where(s => s.From is null).Select(s => s.Clue)];
        long[] removed = [.. sides.Where(s => s.To is null).Select(s => s.Clue)];
        long[] changed = [.. sides.Where(s => s.From is not null && s.To is not null && !string.Equals(s.From.EvidenceHash, s.To.EvidenceHash, StringComparison.Ordinal)).Select(s => s.Clue)];
        return new RunDiff(
            fromRunId,
            toRunId,
            await ChangesAsync(added).ConfigureAwait(false),
            await ChangesAsync(removed).ConfigureAwait(false),
            await ChangesAsync(changed).ConfigureAwait(false));

        async Task<IReadOnlyList<ClueChange>> ChangesAsync(long[] ids)
        {
            var changes = new List<ClueChange>(ids.Length);
            foreach (long[] chunk in ids.Order().Chunk(500))
            {
                IEnumerable<ClueRow> clues = await connection.QueryAsync<ClueRow>(new CommandDefinition($"SELECT {ClueColumns} FROM clues WHERE {_database.In("id", "Ids")} ORDER BY id", new { Ids = chunk }, cancellationToken: cancellationToken)).ConfigureAwait(false);
                var sightings = (await connection.QueryAsync<SightingRow>(new CommandDefinition(
                        "SELECT s.clue_id AS ClueId, s.run_id AS RunId, r.started_at AS RunStartedAt, s.rule_version AS RuleVersion, s.line AS Line, s.evidence AS Evidence, s.explanation AS Explanation "
                        + $"FROM clue_sightings s JOIN runs r ON r.id = s.run_id WHERE {_database.In("s.clue_id", "Ids")} AND s.run_id IN (@From, @To)",
                        new { Ids = chunk, From = fromRunId, To = toRunId },
                        cancellationToken: cancellationToken)).ConfigureAwait(false))
                    .ToLookup(s => (s.ClueId, s.RunId));
                changes.AddRange(clues.Select(c => new ClueChange(
                    c.ToClue(),
                    sightings[(c.Id, fromRunId)].FirstOrDefault()?.ToSighting(),
                    sightings[(c.Id, toRunId)].FirstOrDefault()?.ToSighting())));
            }

            return changes;
        }
    }

    /// <summary>How each model's clues fared, per rule version, over the clues the actor's region covers.</summary>
    /// <param name="actor">Who asks.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>One entry per model and version, ordered by model then version.</returns>
    public async Task<IReadOnlyList<ModelHitRate>> HitRatesAsync(ClueActor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var where = new List<string>();
        var parameters = new DynamicParameters();
        Scope(actor, where, parameters);
        string filter = where.Count == 0 ? string.Empty : " WHERE " + string.Join(" AND ", where);
        await using DbConnection connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        IEnumerable<CountRow> rows = await connection.QueryAsync<CountRow>(new CommandDefinition(
            $"SELECT model_id AS ModelId, rule_version AS RuleVersion, state AS State, rejection_reason AS Reason, COUNT(*) AS Count FROM clues{filter} GROUP BY model_id, rule_version, state, rejection_reason",
            parameters,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return [.. rows.GroupBy(r => (r.ModelId, r.RuleVersion))
            .OrderBy(g => g.Key.ModelId, StringComparer.Ordinal).ThenBy(g => g.Key.RuleVersion, StringComparer.Ordinal)
            .Select(g =>
            {
                long Count(params ClueState[] states) => g.Where(r => states.Contains(ClueLifecycle.ParseState(r.State))).Sum(r => r.Count);
                var reasons = g.Where(r => r.State == ClueLifecycle.Stored(ClueState.Rejected) && r.Reason is not null)
                    .GroupBy(r => ClueLifecycle.ParseReason(r.Reason)!.Value)
                    .ToDictionary(r => r.Key, r => r.Sum(x => x.Count));
                return new ModelHitRate(
                    g.Key.ModelId,
                    g.Key.RuleVersion,
                    g.Sum(r => r.Count),
                    Count(ClueState.Generated, ClueState.Assigned, ClueState.Verifying),
                    Count(ClueState.Confirmed, ClueState.Closed),
                    Count(ClueState.Rejected),
                    reasons);
            })];
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => _database.DisposeAsync();

    internal StoreDatabase Database => _database;

    internal DateTimeOffset Now() => _time.GetUtcNow();

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new ClueStoreException(ClueStoreErrorCodes.InvalidArgument, message);
        }
    }

    private static void Scope(ClueActor actor, List<string> where, DynamicParameters parameters, string prefix = "")
    {
        if (actor.RegionPattern() is { } pattern)
        {
            where.Add($"{prefix}region LIKE @Scope");
            parameters.Add("Scope", pattern);
        }
    }

    private static async Task<StoredClue> FindAsync(DbConnection connection, DbTransaction? transaction, long id, ClueActor actor, CancellationToken cancellationToken)
    {
        var where = new List<string> { "id = @Id" };
        var parameters = new DynamicParameters(new { Id = id });
        Scope(actor, where, parameters);
        ClueRow? row = await connection.QuerySingleOrDefaultAsync<ClueRow>(new CommandDefinition($"SELECT {ClueColumns} FROM clues WHERE {string.Join(" AND ", where)}", parameters, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return row?.ToClue() ?? throw new ClueStoreException(ClueStoreErrorCodes.NotFound, $"No clue {id} in the clue store for this user.");
    }

    private Task WriteAuditAsync(DbConnection connection, DbTransaction? transaction, ClueActor actor, string action, long? clueId, string? detail, CancellationToken cancellationToken, string? at = null) =>
        connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO audit_log (at, actor, address, action, clue_id, detail) VALUES (@At, @Actor, @Address, @Action, @Clue, @Detail)",
            new { At = at ?? StoredForms.Time(Now()), Actor = actor.Name, actor.Address, Action = action, Clue = clueId, Detail = detail },
            transaction,
            cancellationToken: cancellationToken));

    /// <summary>
    /// Moves a clue to <paramref name="to"/> from any state that allows it, in one statement guarded by the expected
    /// states, version and region, then writes its history and the audit log in the same transaction.
    /// </summary>
    private async Task<StoredClue> TransitionAsync(long id, ClueActor actor, long? expectedVersion, ClueState to, string action, string? detail, Dictionary<string, string?> columns, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ClueState[] from = [.. Enum.GetValues<ClueState>().Where(s => ClueLifecycle.NextStates(s).Contains(to))];
        string now = StoredForms.Time(Now());
        await using DbConnection connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using DbTransaction transaction = StoreDatabase.BeginWrite(connection);
        StoredClue before = await FindAsync(connection, transaction, id, actor, cancellationToken).ConfigureAwait(false);
        if (!from.Contains(before.State))
        {
            throw new ClueStoreException(ClueStoreErrorCodes.InvalidTransition, $"Clue {id} is {ClueLifecycle.ChineseName(before.State)} ({before.State}); it cannot be {action} from there.");
        }

        if (expectedVersion is { } version && version != before.Version)
        {
            throw new ClueStoreException(ClueStoreErrorCodes.Conflict, $"Clue {id} changed since it was read (version {version}, now {before.Version}); read it again.");
        }

        var parameters = new DynamicParameters(new { Id = id, To = ClueLifecycle.Stored(to), Now = now, From = ClueLifecycle.Stored(before.State), Version = before.Version });
        var sets = new List<string> { "state = @To", "row_version = row_version + 1", "updated_at = @Now" };
        int i = 0;
        foreach ((string column, string? value) in columns)
        {
            sets.Add($"{column} = @V{i.ToString(CultureInfo.InvariantCulture)}");
            parameters.Add($"V{i.ToString(CultureInfo.InvariantCulture)}", value, System.Data.DbType.String);
            i++;
        }

        int changed = await connection.ExecuteAsync(new CommandDefinition(
            $"UPDATE clues SET {string.Join(", ", sets)} WHERE id = @Id AND state = @From AND row_version = @Version",
            parameters,
            transaction,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        if (changed == 0)
        {
            throw new ClueStoreException(ClueStoreErrorCodes.Conflict, $"Clue {id} changed while the action ran; read it again.");
        }

        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO clue_events (clue_id, at, actor, action, from_state, to_state, detail) VALUES (@Id, @Now, @Actor, @Action, @From, @To, @Detail)",
            new { Id = id, Now = now, Actor = actor.Name, Action = action, From = ClueLifecycle.Stored(before.State), To = ClueLifecycle.Stored(to), Detail = detail },
            transaction,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        await WriteAuditAsync(connection, transaction, actor, action, id, detail, cancellationToken, now).ConfigureAwait(false);
        StoredClue after = await FindAsync(connection, transaction, id, actor, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return after;
    }
}
