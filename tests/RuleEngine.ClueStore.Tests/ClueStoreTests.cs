using System.Data.Common;
using Microsoft.Data.Sqlite;
using RuleEngine.ClueStore.Tests.Support;

namespace RuleEngine.ClueStore.Tests;

/// <summary>
/// What a procuratorate relies on month after month: a clue raised once, closed clues left closed, history kept. Every
/// test runs on both back ends (<see cref="SqliteClueStoreTests"/>, <see cref="PostgreSqlClueStoreTests"/>).
/// </summary>
public abstract class ClueStoreTests
{
    private static readonly ClueActor Admin = ClueActor.System("tester");
    private static readonly DateOnly Day = new(2026, 3, 2);

    private protected abstract Backend Backend { get; }

    [Fact]
    public async Task A_rerun_over_the_same_data_raises_nothing_new_and_duplicates_nothing()
    {
        await using StoreFixture fixture = await StoreFixture.CreateAsync(Backend);
        string data = People.Fined(5) + $"{People.Id(9)},0,行政拘留\n";

        StoredRun first = await fixture.RunAsync(data);
        StoredRun second = await fixture.RunAsync(data);

        Assert.Equal((6, 0), (first.NewClues, first.SeenAgain));
        Assert.Equal((0, 6, 0), (second.NewClues, second.SeenAgain, second.NotReproduced));
        Assert.Equal(RunStatus.Completed, second.Status);
        CluePage all = await fixture.Store.ListAsync(new ClueQuery(), Admin);
        Assert.Equal(6, all.Total);
        Assert.All(all.Items, c => Assert.Equal((first.Id, second.Id), (c.FirstRunId, c.LastRunId)));
        ClueDetail detail = await fixture.Store.GetAsync(all.Items[0].Id, Admin);
        Assert.Equal([second.Id, first.Id], detail.Sightings.Select(s => s.RunId));
        Assert.Equal(["raised"], detail.Events.Select(e => e.Action));
    }

    [Fact]
    public async Task A_run_that_revealed_personal_data_keeps_it_in_the_evidence_only_and_masks_titles_and_subjects()
    {
        await using StoreFixture fixture = await StoreFixture.CreateAsync(Backend);
        string id = People.Id(1);

        await fixture.RunAsync(People.Fined(1), reveal: true);

        StoredClue clue = (await fixture.Store.ListAsync(new ClueQuery { RuleId = "M12.R1" }, Admin)).Items.Single();
        ClueDetail detail = await fixture.Store.GetAsync(clue.Id, Admin);
        Assert.DoesNotContain(id, clue.Title, StringComparison.Ordinal);
        Assert.DoesNotContain(id, clue.SubjectKey, StringComparison.Ordinal);
        Assert.Contains(RuleEngine.ChineseData.PersonalDataMasker.MaskIdNumber(id), clue.Title, StringComparison.Ordinal);
        StoredEvidence person = detail.Sightings[0].Evidence.Single(e => e.Field == "person_id");
        Assert.Equal((id, RuleEngine.Schema.PersonalDataKind.IdNumber), (person.Value, person.Personal));
        Assert.True((await fixture.Store.ListRunsAsync()).Single().Info.PersonalDataRevealed);
    }

    [Fact]
    public async Task A_rejected_clue_stays_rejected_when_a_rerun_finds_it_again()
    {
        await using StoreFixture fixture = await StoreFixture.CreateAsync(Backend);
        await fixture.RunAsync(People.Fined(2));
        StoredClue clue = (await fixture.Store.ListAsync(new ClueQuery(), Admin)).Items[0];
        await fixture.Store.AssignAsync(clue.Id, "李检察官", Admin);
        await fixture.Store.RejectAsync(clue.Id, RejectionReason.AlreadyHandled, "公安已处理", Day, Admin);

        StoredRun rerun = await fixture.RunAsync(People.Fined(2));

        Assert.Equal((0, 2, 0), (rerun.NewClues, rerun.SeenAgain, rerun.Reopened));
        StoredClue after = (await fixture.Store.GetAsync(clue.Id, Admin)).Clue;
        Assert.Equal(ClueState.Rejected, after.State);
        Assert.Equal(RejectionReason.AlreadyHandled, after.RejectionReason);
        Assert.Equal(rerun.Id, after.LastRunId);
    }

    [Fact]
    public async Task A_closed_clue_reopens_when_its_material_evidence_changes_and_only_then()
    {
        await using StoreFixture fixture = await StoreFixture.CreateAsync(Backend);
        await fixture.RunAsync(People.Fined(2, 3000m));
        long[] ids = [.. (await fixture.Store.ListAsync(new ClueQuery { RuleId = "M12.R1" }, Admin)).Items.Select(c => c.Id).Order()];
        foreach (long id in ids)
        {
            await fixture.Store.AssignAsync(id, "李检察官", Admin);
            await fixture.Store.StartVerifyingAsync(id, Admin);
            await fixture.Store.ConfirmAsync(id, ClueDocumentTypes.Find("检察建议")!, "（2026）浙0106检建1号", Day, Admin);
        }

        // Person 1's fine grew (amount is material); person 2's record is the same.
        StoredRun rerun = await fixture.RunAsync($"{People.Id(1)},5000,罚款\n{People.Id(2)},3000,罚款\n");

        Assert.Equal(1, rerun.Reopened);
        ClueDetail changed = await fixture.Store.GetAsync(ids[0], Admin);
        ClueDetail same = await fixture.Store.GetAsync(ids[1], Admin);
        Assert.Equal(ClueState.Generated, changed.Clue.State);
        ClueEvent reopened = changed.Events[^1];
        Assert.Equal(("reopened", ClueState.Confirmed, ClueState.Generated, rerun.Id), (reopened.Action, reopened.FromState, reopened.ToState, reopened.RunId));
        Assert.Contains("amount", reopened.Detail, StringComparison.Ordinal);
        Assert.Equal(ClueState.Confirmed, same.Clue.State);
        Assert.Equal(["5000", "3000"], changed.Sightings.Select(s => s.Evidence.Single(e => e.Field == "amount").Value));
        Assert.True(changed.Sightings[0].Evidence.Single(e => e.Field == "amount").Material);
    }

    [Fact]
    public async Task A_clue_the_next_run_no_longer_produces_is_marked_not_reproduced_within_its_models_and_region()
    {
        await using StoreFixture fixture = await StoreFixture.CreateAsync(Backend);
        await fixture.RunAsync(People.Fined(3));
        await fixture.RunAsync(People.Fined(1, first: 100), region: "110105");

        StoredRun rerun = await fixture.RunAsync(People.Fined(2));

        Assert.Equal(1, rerun.NotReproduced);
        CluePage gone = await fixture.Store.ListAsync(new ClueQuery { Reproduced = false }, Admin);
        StoredClue missing = Assert.Single(gone.Items);
        Assert.Equal("330106", missing.Region);
        Assert.Equal("not_reproduced", (await fixture.Store.GetAsync(missing.Id, Admin)).Events[^1].Action);
    }

    [Fact]
    public async Task A_run_that_lost_records_marks_nothing_not_reproduced()
    {
        await using StoreFixture fixture = await StoreFixture.CreateAsync(Backend);
        await fixture.RunAsync(People.Fined(3));

        // Person 3's line does not convert (amount), so the run cannot say person 3's clue is gone.
        StoredRun rerun = await fixture.RunAsync(People.Fined(2) + $"{People.Id(3)},three thousand,罚款\n");

        Assert.Equal(RunStatus.CompletedWithLosses, rerun.Status);
        Assert.Equal(0, rerun.NotReproduced);
        Assert.Equal(0, (await fixture.Store.ListAsync(new ClueQuery { Reproduced = false }, Admin)).Total);
    }

    [Fact]
    public async Task The_lifecycle_records_each_step_and_refuses_moves_it_does_not_allow()
    {
        await using StoreFixture fixture = await StoreFixture.CreateAsync(Backend);
        await fixture.RunAsync(People.Fined(1));
        long id = (await fixture.Store.ListAsync(new ClueQuery(), Admin)).Items[0].Id;
        var prosecutor = new ClueActor("李检察官", "330106", "10.0.0.7");

        var early = await Assert.ThrowsAsync<ClueStoreException>(() => fixture.Store.ConfirmAsync(id, ClueDocumentTypes.All[0], "1号", Day, prosecutor));
        StoredClue assigned = await fixture.Store.AssignAsync(id, "李检察官", prosecutor);
        var stale = await Assert.ThrowsAsync<ClueStoreException>(() => fixture.Store.StartVerifyingAsync(id, prosecutor, expectedVersion: assigned.Version - 1));
        await fixture.Store.StartVerifyingAsync(id, prosecutor, assigned.Version);
        StoredClue confirmed = await fixture.Store.ConfirmAsync(id, ClueDocumentTypes.Find("检察建议")!, "（2026）浙0106检建1号", Day, prosecutor);
        var rejectConfirmed = await Assert.ThrowsAsync<ClueStoreException>(() => fixture.Store.RejectAsync(id, RejectionReason.DataError, null, Day, prosecutor));
        StoredClue closed = await fixture.Store.RecordFollowUpAsync(id, "交管部门已吊销驾驶证", prosecutor);

        Assert.Equal(ClueStoreErrorCodes.InvalidTransition, early.Code);
        Assert.Equal(ClueStoreErrorCodes.Conflict, stale.Code);
        Assert.Equal(ClueStoreErrorCodes.InvalidTransition, rejectConfirmed.Code);
        Assert.Equal((new DateOnly(2026, 5, 2), "检察建议", "（2026）浙0106检建1号"), (confirmed.DueOn!.Value, confirmed.DocumentType!, confirmed.DocumentNumber!));
        Assert.Equal(ClueState.Closed, closed.State);
        ClueDetail detail = await fixture.Store.GetAsync(id, prosecutor);
        Assert.Equal(["raised", "assigned", "verifying", "confirmed", "followed_up"], detail.Events.Select(e => e.Action));
        Assert.All(detail.Events.Skip(1), e => Assert.Equal("李检察官", e.Actor));
        IReadOnlyList<AuditEntry> audit = await fixture.Store.ReadAuditAsync();
        Assert.Equal(["followed_up", "confirmed", "verifying", "assigned"], audit.Select(a => a.Action));
        Assert.All(audit, a => Assert.Equal(("李检察官", "10.0.0.7", (long?)id), (a.Actor, a.Address, a.ClueId)));
    }

    [Fact]
    public async Task A_user_sees_and_acts_on_the_clues_of_the_regions_their_code_covers_only()
    {
        await using StoreFixture fixture = await StoreFixture.CreateAsync(Backend);
        await fixture.RunAsync(People.Fined(2), region: "330106");
        await fixture.RunAsync(People.Fined(3, first: 50), region: "110105");
        var hangzhou = new ClueActor("杭州", "330100");
        var zhejiang = new ClueActor("浙江", "330000");
        var beijingCounty = new ClueActor("朝阳", "110105");

        CluePage hangzhouClues = await fixture.Store.ListAsync(new ClueQuery(), hangzhou);
        long beijingClue = (await fixture.Store.ListAsync(new ClueQuery(), beijingCounty)).Items[0].Id;

        Assert.Equal(2, hangzhouClues.Total);
        Assert.Equal(2, (await fixture.Store.ListAsync(new ClueQuery(), zhejiang)).Total);
        Assert.Equal(3, (await fixture.Store.ListAsync(new ClueQuery(), beijingCounty)).Total);
        Assert.Equal(5, (await fixture.Store.ListAsync(new ClueQuery(), Admin)).Total);
        Assert.Equal(ClueStoreErrorCodes.NotFound, (await Assert.ThrowsAsync<ClueStoreException>(() => fixture.Store.GetAsync(beijingClue, hangzhou))).Code);
        Assert.Equal(ClueStoreErrorCodes.NotFound, (await Assert.ThrowsAsync<ClueStoreException>(() => fixture.Store.AssignAsync(beijingClue, "x", hangzhou))).Code);
        Assert.Equal(0, (await fixture.Store.ListAsync(new ClueQuery { Region = "110105" }, hangzhou)).Total);
    }

    [Fact]
    public async Task A_diff_between_two_model_versions_over_the_same_data_lists_added_removed_and_changed_clues()
    {
        await using StoreFixture fixture = await StoreFixture.CreateAsync(Backend);
        string data = $"{People.Id(1)},800,罚款\n{People.Id(2)},1500,罚款\n{People.Id(3)},0,行政拘留\n";
        StoredRun old = await fixture.RunAsync(data, rules: StoreFixture.Rules(threshold: 1000m, version: "1.0.0"), version: "1.0.0");
        StoredRun lowered = await fixture.RunAsync(data, rules: StoreFixture.Rules(threshold: 500m, version: "1.1.0"), version: "1.1.0");
        StoredRun raised = await fixture.RunAsync(data, rules: StoreFixture.Rules(threshold: 2000m, version: "1.2.0"), version: "1.2.0");

        RunDiff widen = await fixture.Store.DiffAsync(old.Id, lowered.Id, Admin);
        RunDiff narrow = await fixture.Store.DiffAsync(lowered.Id, raised.Id, Admin);

        ClueChange added = Assert.Single(widen.Added);
        Assert.Equal("800", added.After!.Evidence.Single(e => e.Field == "amount").Value);
        Assert.Null(added.Before);
        Assert.Empty(widen.Removed);
        Assert.Empty(widen.Changed);
        Assert.Equal(2, narrow.Removed.Count);
        Assert.All(narrow.Removed, r => Assert.NotNull(r.Before));
        Assert.Contains(added.After.Explanation, o => o.Text.Contains("500", StringComparison.Ordinal) && o.Value == true);
    }

    [Fact]
    public async Task Hit_rates_count_confirmations_and_rejection_reasons_per_model_version()
    {
        await using StoreFixture fixture = await StoreFixture.CreateAsync(Backend);
        await fixture.RunAsync(People.Fined(4));
        long[] ids = [.. (await fixture.Store.ListAsync(new ClueQuery(), Admin)).Items.Select(c => c.Id).Order()];
        foreach (long id in ids)
        {
            await fixture.Store.AssignAsync(id, "李检察官", Admin);
        }

        await fixture.Store.StartVerifyingAsync(ids[0], Admin);
        await fixture.Store.ConfirmAsync(ids[0], ClueDocumentTypes.Find("纠正违法通知书")!, "1号", Day, Admin);
        await fixture.Store.StartVerifyingAsync(ids[1], Admin);
        await fixture.Store.ConfirmAsync(ids[1], ClueDocumentTypes.Find("检察建议")!, "2号", Day, Admin);
        await fixture.Store.RejectAsync(ids[2], RejectionReason.DataError, null, Day, Admin);

        ModelHitRate rate = Assert.Single(await fixture.Store.HitRatesAsync(Admin));

        Assert.Equal(("M12", "1.0.0", 4L, 1L, 2L, 1L), (rate.ModelId, rate.RuleVersion, rate.Clues, rate.Open, rate.Confirmed, rate.Rejected));
        Assert.Equal(2.0 / 3, rate.HitRate!.Value, 6);
        Assert.Equal(1, rate.RejectionReasons[RejectionReason.DataError]);
    }

    [Fact]
    public async Task Parallel_runs_and_desk_actions_on_one_store_raise_each_clue_once()
    {
        await using StoreFixture fixture = await StoreFixture.CreateAsync(Backend);
        await fixture.RunAsync(People.Fined(10));
        long[] existing = [.. (await fixture.Store.ListAsync(new ClueQuery(), Admin)).Items.Select(c => c.Id)];

        // Four runs over overlapping people (1-60, 20-80, 40-100, 1-100) while a desk user assigns the first clues.
        Task<StoredRun>[] runs =
        [
            fixture.RunAsync(People.Fined(60)),
            fixture.RunAsync(People.Fined(61, first: 20)),
            fixture.RunAsync(People.Fined(61, first: 40)),
            fixture.RunAsync(People.Fined(100)),
        ];
        Task desk = Task.WhenAll(existing.Select(id => fixture.Store.AssignAsync(id, "李检察官", Admin)));
        StoredRun[] done = await Task.WhenAll(runs);
        await desk;

        CluePage all = await fixture.Store.ListAsync(new ClueQuery { Limit = 1000 }, Admin);
        Assert.Equal(100, all.Total);
        Assert.Equal(100, all.Items.Select(c => c.Fingerprint).Distinct().Count());
        Assert.Equal(90, done.Sum(r => r.NewClues));
        Assert.All(done, r => Assert.Equal(RunStatus.Completed, r.Status));
        Assert.Equal(10, all.Items.Count(c => c.State == ClueState.Assigned));
    }
}

/// <summary>The store on an embedded SQLite file, and what only a file shows: its triggers, its schema version.</summary>
public sealed class SqliteClueStoreTests : ClueStoreTests
{
    private static readonly ClueActor Admin = ClueActor.System("tester");

    private protected override Backend Backend => Backend.Sqlite;

    [Fact]
    public async Task The_history_and_the_audit_log_refuse_updates_and_deletes_in_the_database_itself()
    {
        await using StoreFixture fixture = await StoreFixture.CreateAsync(Backend.Sqlite);
        await fixture.RunAsync(People.Fined(1));
        await fixture.Store.AuditAsync(Admin, "export", detail: "1 clue");

        await using var connection = new SqliteConnection($"Data Source={fixture.Target}");
        await connection.OpenAsync();
        foreach (string sql in new[] { "UPDATE audit_log SET actor = 'x'", "DELETE FROM audit_log", "UPDATE clue_events SET action = 'x'", "DELETE FROM clue_events" })
        {
            await using SqliteCommand command = connection.CreateCommand();
            command.CommandText = sql;
            var refused = await Assert.ThrowsAsync<SqliteException>(() => command.ExecuteNonQueryAsync());
            Assert.Contains("append-only", refused.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_store_whose_schema_is_newer_than_the_library_is_refused()
    {
        string folder = Directory.CreateTempSubdirectory("re-cluestore-").FullName;
        string path = Path.Combine(folder, "clues.db");
        try
        {
            await (await ClueStore.OpenAsync(path)).DisposeAsync();
            await using (var connection = new SqliteConnection($"Data Source={path}"))
            {
                await connection.OpenAsync();
                await using SqliteCommand command = connection.CreateCommand();
                command.CommandText = "INSERT INTO VersionInfo (Version, AppliedOn, Description) VALUES (999, '2027-01-01', 'from the future')";
                await command.ExecuteNonQueryAsync();
            }

            var refused = await Assert.ThrowsAsync<ClueStoreException>(() => ClueStore.OpenAsync(path));

            Assert.Equal(ClueStoreErrorCodes.SchemaTooNew, refused.Code);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }
}

/// <summary>The store on a PostgreSQL database: the same behaviour, on the server a team shares.</summary>
[Trait("Requires", "postgresql")]
public sealed class PostgreSqlClueStoreTests : ClueStoreTests
{
    private protected override Backend Backend => Backend.PostgreSql;
}

/// <summary>Opening a store that is not there: whatever the back end, the provider's own error.</summary>
public sealed class ClueStoreOpeningTests
{
    [Fact]
    public async Task A_server_that_cannot_be_reached_fails_the_opening_with_the_providers_database_error()
    {
        // Port 1 on this machine refuses at once. The migration runner wraps such a failure in its own exception, which
        // hosts (and the runner) do not expect from a database; the store connects before migrating.
        DbException refused = await Assert.ThrowsAnyAsync<DbException>(() => ClueStore.OpenAsync("Host=127.0.0.1;Port=1;Database=clues;Username=clues;Password=secret;Timeout=5"));

        Assert.DoesNotContain("secret", refused.Message, StringComparison.Ordinal);
    }
}
