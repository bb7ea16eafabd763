using FluentMigrator;

namespace RuleEngine.ClueStore.Migrations;

/// <summary>
/// The first schema: runs, clues by fingerprint, each run's sighting of a clue (its evidence then), the clue's event
/// history, and the audit log. Events and audit entries are append-only: triggers refuse UPDATE and DELETE on them.
/// Times are ISO 8601 UTC text and booleans 0/1 integers in both databases, so one set of queries serves both.
/// </summary>
[Migration(1, "runs, clues, sightings, events, audit log")]
public sealed class InitialSchema : Migration
{
    /// <inheritdoc/>
    public override void Up()
    {
        Create.Table("runs")
            .WithColumn("id").AsInt64().PrimaryKey().Identity()
            .WithColumn("started_at").AsString(40).NotNullable()
            .WithColumn("completed_at").AsString(40).Nullable()
            .WithColumn("status").AsString(32).NotNullable()
            .WithColumn("region").AsString(12).NotNullable()
            .WithColumn("revealed").AsInt64().NotNullable()
            .WithColumn("models").AsString(int.MaxValue).NotNullable()
            .WithColumn("inputs").AsString(int.MaxValue).NotNullable()
            .WithColumn("parameters").AsString(int.MaxValue).NotNullable()
            .WithColumn("summary").AsString(int.MaxValue).Nullable()
            .WithColumn("new_clues").AsInt64().NotNullable()
            .WithColumn("seen_again").AsInt64().NotNullable()
            .WithColumn("reopened").AsInt64().NotNullable()
            .WithColumn("not_reproduced").AsInt64().NotNullable()
            .WithColumn("note").AsString(int.MaxValue).Nullable();

        Create.Table("clues")
            .WithColumn("id").AsInt64().PrimaryKey().Identity()
            .WithColumn("fingerprint").AsString(128).NotNullable().Unique("ux_clues_fingerprint")
            .WithColumn("model_id").AsString(64).NotNullable()
            .WithColumn("rule_id").AsString(128).NotNullable()
            .WithColumn("rule_version").AsString(64).NotNullable()
            .WithColumn("region").AsString(12).NotNullable()
            .WithColumn("subject_key").AsString(512).NotNullable()
            .WithColumn("title").AsString(int.MaxValue).NotNullable()
            .WithColumn("severity").AsString(16).NotNullable()
            .WithColumn("dataset").AsString(128).NotNullable()
            .WithColumn("state").AsString(16).NotNullable()
            .WithColumn("assignee").AsString(128).Nullable()
            .WithColumn("first_run_id").AsInt64().NotNullable().ForeignKey("fk_clues_first_run", "runs", "id")
            .WithColumn("last_run_id").AsInt64().NotNullable().ForeignKey("fk_clues_last_run", "runs", "id")
            .WithColumn("reproduced").AsInt64().NotNullable()
            .WithColumn("material_hash").AsString(64).Nullable()
            .WithColumn("document_type").AsString(64).Nullable()
            .WithColumn("document_number").AsString(128).Nullable()
            .WithColumn("decided_on").AsString(10).Nullable()
            .WithColumn("due_on").AsString(10).Nullable()
            .WithColumn("rejection_reason").AsString(32).Nullable()
            .WithColumn("note").AsString(int.MaxValue).Nullable()
            .WithColumn("created_at").AsString(40).NotNullable()
            .WithColumn("updated_at").AsString(40).NotNullable()
            .WithColumn("row_version").AsInt64().NotNullable();
        Create.Index("ix_clues_region_state").OnTable("clues").OnColumn("region").Ascending().OnColumn("state").Ascending();
        Create.Index("ix_clues_model").OnTable("clues").OnColumn("model_id").Ascending().OnColumn("rule_version").Ascending();
        Create.Index("ix_clues_last_run").OnTable("clues").OnColumn("last_run_id").Descending().OnColumn("id").Descending();

        Create.Table("clue_sightings")
            .WithColumn("clue_id").AsInt64().NotNullable().PrimaryKey("pk_clue_sightings").ForeignKey("fk_sightings_clue", "clues", "id")
            .WithColumn("run_id").AsInt64().NotNullable().PrimaryKey("pk_clue_sightings").ForeignKey("fk_sightings_run", "runs", "id")
            .WithColumn("rule_version").AsString(64).NotNullable()
            .WithColumn("line").AsInt64().NotNullable()
            .WithColumn("evidence").AsString(int.MaxValue).NotNullable()
            .WithColumn("explanation").AsString(int.MaxValue).NotNullable()
            .WithColumn("evidence_hash").AsString(64).NotNullable();
        Create.Index("ix_sightings_run").OnTable("clue_sightings").OnColumn("run_id").Ascending();

        Create.Table("clue_events")
            .WithColumn("id").AsInt64().PrimaryKey().Identity()
            .WithColumn("clue_id").AsInt64().NotNullable().ForeignKey("fk_events_clue", "clues", "id")
            .WithColumn("run_id").AsInt64().Nullable()
            .WithColumn("at").AsString(40).NotNullable()
            .WithColumn("actor").AsString(128).NotNullable()
            .WithColumn("action").AsString(32).NotNullable()
            .WithColumn("from_state").AsString(16).Nullable()
            .WithColumn("to_state").AsString(16).Nullable()
            .WithColumn("detail").AsString(int.MaxValue).Nullable();
        Create.Index("ix_events_clue").OnTable("clue_events").OnColumn("clue_id").Ascending();

        Create.Table("audit_log")
            .WithColumn("id").AsInt64().PrimaryKey().Identity()
            .WithColumn("at").AsString(40).NotNullable()
            .WithColumn("actor").AsString(128).NotNullable()
            .WithColumn("address").AsString(64).Nullable()
            .WithColumn("action").AsString(32).NotNullable()
            .WithColumn("clue_id").AsInt64().Nullable()
            .WithColumn("detail").AsString(int.MaxValue).Nullable();

        foreach (string table in new[] { "clue_events", "audit_log" })
        {
            IfDatabase("sqlite").Execute.Sql($"CREATE TRIGGER {table}_append_only_update BEFORE UPDATE ON {table} BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END;");
            IfDatabase("sqlite").Execute.Sql($"CREATE TRIGGER {table}_append_only_delete BEFORE DELETE ON {table} BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END;");
            IfDatabase("postgres").Execute.Sql($"CREATE FUNCTION {table}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION '{table} is append-only'; END $$;");
            IfDatabase("postgres").Execute.Sql($"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} FOR EACH ROW EXECUTE FUNCTION {table}_append_only();");
        }
    }

    /// <inheritdoc/>
    public override void Down()
    {
        Delete.Table("audit_log");
        Delete.Table("clue_events");
        Delete.Table("clue_sightings");
        Delete.Table("clues");
        Delete.Table("runs");
    }
}
