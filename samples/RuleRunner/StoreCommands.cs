using System.CommandLine;
using System.Data.Common;
using System.Globalization;
using RuleEngine.ClueStore;

namespace RuleRunner;

/// <summary>
/// The clue store from scripts: <c>clues list|show|assign|verify|confirm|reject|follow-up</c>, <c>runs</c>,
/// <c>diff</c> between two runs and <c>stats</c> (hit rates per model version). Every action is recorded under
/// <c>--as</c> (the user's name by default) and limited to <c>--region-scope</c> when given.
/// </summary>
internal static class StoreCommands
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static Command Clues()
    {
        var command = new Command("clues", "List, show and act on the clues of a clue store (run --store): assign, verify, confirm, reject, follow up.");
        command.Subcommands.Add(List());
        command.Subcommands.Add(Show());
        command.Subcommands.Add(Act("assign", "Assign a clue to a prosecutor or team.", [new Option<string>("--to") { Description = "Who verifies it.", Required = true }], (store, id, parse, actor, ct) =>
            store.AssignAsync(id, parse.GetValue<string>("--to")!, actor, cancellationToken: ct)));
        command.Subcommands.Add(Act("verify", "Start verifying an assigned clue (调查核实).", [], (store, id, parse, actor, ct) =>
            store.StartVerifyingAsync(id, actor, cancellationToken: ct)));
        command.Subcommands.Add(Act(
            "confirm",
            "Confirm a clue under verification as a case, with the document issued; its reply is due after the document's period.",
            [
                new Option<string>("--document") { Description = $"The document: {string.Join(", ", ClueDocumentTypes.All.Select(d => d.Name))}.", Required = true },
                new Option<string>("--number") { Description = "The document's number, such as （2026）浙0106检建1号.", Required = true },
                new Option<string?>("--issued") { Description = "The day it was issued, yyyy-MM-dd; today by default." },
            ],
            (store, id, parse, actor, ct) =>
            {
                string name = parse.GetValue<string>("--document")!;
                ClueDocumentType document = ClueDocumentTypes.Find(name)
                    ?? throw new ClueStoreException(ClueStoreErrorCodes.InvalidArgument, $"--document: '{name}' is not one of {string.Join(", ", ClueDocumentTypes.All.Select(d => d.Name))}.");
                return store.ConfirmAsync(id, document, parse.GetValue<string>("--number")!, Day(parse.GetValue<string?>("--issued"), "--issued"), actor, cancellationToken: ct);
            }));
        command.Subcommands.Add(Act(
            "reject",
            "Reject a clue with a reason.",
            [
                new Option<string>("--reason") { Description = "data-error, legal-exception, already-handled, outside-jurisdiction or other (with --note).", Required = true },
                new Option<string?>("--note") { Description = "The detail." },
                new Option<string?>("--decided") { Description = "The day of the decision, yyyy-MM-dd; today by default." },
            ],
            (store, id, parse, actor, ct) =>
            {
                string reason = parse.GetValue<string>("--reason")!;
                RejectionReason parsed = reason switch
                {
                    "data-error" => RejectionReason.DataError,
                    "legal-exception" => RejectionReason.LegalException,
                    "already-handled" => RejectionReason.AlreadyHandled,
                    "outside-jurisdiction" => RejectionReason.OutsideJurisdiction,
                    "other" => RejectionReason.Other,
                    _ => throw new ClueStoreException(ClueStoreErrorCodes.InvalidArgument, $"--reason: '{reason}' is not data-error, legal-exception, already-handled, outside-jurisdiction or other."),
                };
                return store.RejectAsync(id, parsed, parse.GetValue<string?>("--note"), Day(parse.GetValue<string?>("--decided"), "--decided"), actor, cancellationToken: ct);
            }));
        command.Subcommands.Add(Act("follow-up", "Record the agency's reply or rectification for a confirmed clue, and close it.", [new Option<string>("--reply") { Description = "What the agency replied or did.", Required = true }], (store, id, parse, actor, ct) =>
            store.RecordFollowUpAsync(id, parse.GetValue<string>("--reply")!, actor, cancellationToken: ct)));
        return command;
    }

    public static Command Runs()
    {
        var (store, _, _) = Common();
        var command = new Command("runs", "List the runs recorded in a clue store, newest first.") { store };
        command.SetAction((parse, ct) => WithStore(parse.GetValue(store)!, async s =>
        {
            foreach (StoredRun run in await s.ListRunsAsync(cancellationToken: ct))
            {
                string models = string.Join(", ", run.Info.Models.Select(m => $"{m.Id}@{m.Version}"));
                Console.WriteLine(string.Create(Invariant, $"{run.Id,5}  {run.StartedAt:yyyy-MM-dd HH:mm}  {run.Status,-20} region {(run.Info.Region.Length == 0 ? "-" : run.Info.Region),-6}  new {run.NewClues}, seen again {run.SeenAgain}, reopened {run.Reopened}, not reproduced {run.NotReproduced}  [{models}]"));
            }

            return ExitCodes.Success;
        }));
        return command;
    }

    public static Command Diff()
    {
        var (store, actorName, scope) = Common();
        var from = new Option<long>("--from") { Description = "The first run's id (the model's old version, or last month).", Required = true };
        var to = new Option<long>("--to") { Description = "The second run's id.", Required = true };
        var limit = new Option<int>("--limit") { Description = "Clues listed of each kind (all are counted).", DefaultValueFactory = _ => 50 };
        var command = new Command("diff", "Compare two runs in a clue store: clues added, removed, and changed in their evidence, with why each rule fired.") { store, from, to, limit, actorName, scope };
        command.SetAction((parse, ct) => WithStore(parse.GetValue(store)!, async s =>
        {
            RunDiff diff = await s.DiffAsync(parse.GetValue(from), parse.GetValue(to), Actor(parse, actorName, scope), ct);
            Console.WriteLine(string.Create(Invariant, $"Run {diff.FromRunId} → run {diff.ToRunId}: {diff.Added.Count} added, {diff.Removed.Count} removed, {diff.Changed.Count} changed"));
            Print("added", diff.Added, c => c.After!);
            Print("removed", diff.Removed, c => c.Before!);
            foreach (ClueChange change in diff.Changed.Take(parse.GetValue(limit)))
            {
                Console.WriteLine(string.Create(Invariant, $"changed  #{change.Clue.Id} [{change.Clue.RuleId}] {change.Clue.Title}"));
                var before = change.Before!.Evidence.ToDictionary(e => e.Field, e => e.Value, StringComparer.Ordinal);
                foreach (StoredEvidence after in change.After!.Evidence.Where(e => !before.TryGetValue(e.Field, out string? old) || old != e.Value))
                {
                    Console.WriteLine($"         {after.Field}: {before.GetValueOrDefault(after.Field) ?? "—"} → {after.Value ?? "—"}");
                }
            }

            return ExitCodes.Success;

            void Print(string kind, IReadOnlyList<ClueChange> changes, Func<ClueChange, ClueSighting> sighting)
            {
                foreach (ClueChange change in changes.Take(parse.GetValue(limit)))
                {
                    Console.WriteLine(string.Create(Invariant, $"{kind,-8} #{change.Clue.Id} [{change.Clue.RuleId}] {change.Clue.Title}"));
                    foreach (StoredOutcome outcome in sighting(change).Explanation)
                    {
                        Console.WriteLine($"         {(outcome.Value switch { true => "✓", false => "✗", null => "?" })} {outcome.Text}");
                    }
                }
            }
        }));
        return command;
    }

    public static Command Stats()
    {
        var (store, actorName, scope) = Common();
        var command = new Command("stats", "Hit rates and rejection reasons per model and version in a clue store.") { store, actorName, scope };
        command.SetAction((parse, ct) => WithStore(parse.GetValue(store)!, async s =>
        {
            Console.WriteLine("model    version   clues   open  confirmed  rejected  hit rate  rejection reasons");
            foreach (ModelHitRate rate in await s.HitRatesAsync(Actor(parse, actorName, scope), ct))
            {
                string reasons = string.Join(", ", rate.RejectionReasons.OrderByDescending(r => r.Value).Select(r => string.Create(Invariant, $"{ClueLifecycle.ChineseName(r.Key)} {r.Value}")));
                string hit = rate.HitRate is { } h ? h.ToString("P0", Invariant) : "—";
                Console.WriteLine(string.Create(Invariant, $"{rate.ModelId,-8} {rate.RuleVersion,-8} {rate.Clues,6} {rate.Open,6} {rate.Confirmed,10} {rate.Rejected,9} {hit,9}  {reasons}"));
            }

            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command List()
    {
        var (store, actorName, scope) = Common();
        var model = new Option<string?>("--model") { Description = "Only this model's clues." };
        var state = new Option<string[]>("--state") { Description = "Only clues in these states: generated, assigned, verifying, confirmed, rejected, closed.", AllowMultipleArgumentsPerToken = true };
        var run = new Option<long?>("--run") { Description = "Only the clues this run produced." };
        var notReproduced = new Option<bool>("--not-reproduced") { Description = "Only clues the latest run of their model no longer produced." };
        var page = new Option<int>("--page") { Description = "The page, from 1.", DefaultValueFactory = _ => 1 };
        var pageSize = new Option<int>("--page-size") { Description = "Clues per page.", DefaultValueFactory = _ => 50 };
        var command = new Command("list", "List the clues of a clue store, most recently seen first.") { store, model, state, run, notReproduced, page, pageSize, actorName, scope };
        command.SetAction((parse, ct) => WithStore(parse.GetValue(store)!, async s =>
        {
            ClueState[] states = [.. (parse.GetValue(state) ?? []).Select(ParseState)];
            int size = Math.Clamp(parse.GetValue(pageSize), 1, 1000);
            CluePage clues = await s.ListAsync(
                new ClueQuery
                {
                    ModelId = parse.GetValue(model),
                    States = states,
                    RunId = parse.GetValue(run),
                    Reproduced = parse.GetValue(notReproduced) ? false : null,
                    Offset = (Math.Max(1, parse.GetValue(page)) - 1) * size,
                    Limit = size,
                },
                Actor(parse, actorName, scope),
                ct);
            foreach (StoredClue clue in clues.Items)
            {
                string due = clue.DueOn is { } d ? " due " + d.ToString("yyyy-MM-dd", Invariant) : string.Empty;
                Console.WriteLine(string.Create(Invariant, $"#{clue.Id,-6} {ClueLifecycle.ChineseName(clue.State)}  [{clue.RuleId}] {clue.Title}  region {(clue.Region.Length == 0 ? "-" : clue.Region)}  runs {clue.FirstRunId}–{clue.LastRunId}{(clue.Reproduced ? string.Empty : " (not reproduced)")}{due}"));
            }

            Console.WriteLine(string.Create(Invariant, $"{clues.Items.Count} of {clues.Total} clue(s), page {Math.Max(1, parse.GetValue(page))}"));
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command Show()
    {
        var (store, actorName, scope) = Common();
        var id = new Argument<long>("id") { Description = "The clue's id (clues list shows it)." };
        var command = new Command("show", "Show a clue: its state, latest evidence and explanation, every run that produced it, and its history.") { id, store, actorName, scope };
        command.SetAction((parse, ct) => WithStore(parse.GetValue(store)!, async s =>
        {
            ClueDetail detail = await s.GetAsync(parse.GetValue(id), Actor(parse, actorName, scope), ct);
            StoredClue clue = detail.Clue;
            Console.WriteLine(string.Create(Invariant, $"#{clue.Id} [{clue.RuleId} {clue.RuleVersion}] {clue.Title}"));
            Console.WriteLine($"state: {ClueLifecycle.ChineseName(clue.State)} ({clue.State}){(clue.Assignee is null ? string.Empty : ", assigned to " + clue.Assignee)}");
            Console.WriteLine($"subject: {clue.SubjectKey}  region: {(clue.Region.Length == 0 ? "-" : clue.Region)}  severity: {clue.Severity}");
            if (clue.DocumentType is not null)
            {
                Console.WriteLine($"document: {clue.DocumentType} {clue.DocumentNumber}{(clue.DueOn is { } due ? ", reply due " + due.ToString("yyyy-MM-dd", Invariant) : string.Empty)}");
            }

            if (clue.RejectionReason is { } reason)
            {
                Console.WriteLine($"rejected: {ClueLifecycle.ChineseName(reason)}{(clue.Note is null ? string.Empty : " — " + clue.Note)}");
            }

            if (detail.Sightings.Count > 0)
            {
                ClueSighting latest = detail.Sightings[0];
                Console.WriteLine(string.Create(Invariant, $"evidence (run {latest.RunId}, line {latest.Line}):"));
                foreach (StoredEvidence evidence in latest.Evidence)
                {
                    Console.WriteLine(string.Create(Invariant, $"  {evidence.Field} = {evidence.Value ?? "NULL"}  ({evidence.Dataset}:{evidence.Line}){(evidence.Material ? "  material" : string.Empty)}"));
                }

                Console.WriteLine("why:");
                foreach (StoredOutcome outcome in latest.Explanation)
                {
                    Console.WriteLine($"  {(outcome.Value switch { true => "✓", false => "✗", null => "?" })} {outcome.Text}");
                }
            }

            Console.WriteLine("runs: " + string.Join(", ", detail.Sightings.Select(v => string.Create(Invariant, $"{v.RunId} ({v.RunStartedAt:yyyy-MM-dd})"))));
            Console.WriteLine("history:");
            foreach (ClueEvent e in detail.Events)
            {
                string move = e.FromState is { } f && e.ToState is { } t ? $" {ClueLifecycle.ChineseName(f)} → {ClueLifecycle.ChineseName(t)}" : string.Empty;
                Console.WriteLine(string.Create(Invariant, $"  {e.At.ToLocalTime():yyyy-MM-dd HH:mm}  {e.Actor}  {e.Action}{move}{(e.Detail is null ? string.Empty : "  " + e.Detail)}"));
            }

            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command Act(string name, string description, Option[] options, Func<ClueStore, long, ParseResult, ClueActor, CancellationToken, Task<StoredClue>> action)
    {
        var (store, actorName, scope) = Common();
        var id = new Argument<long>("id") { Description = "The clue's id (clues list shows it)." };
        var command = new Command(name, description) { id, store, actorName, scope };
        foreach (Option option in options)
        {
            command.Options.Add(option);
        }

        command.SetAction((parse, ct) => WithStore(parse.GetValue(store)!, async s =>
        {
            StoredClue clue = await action(s, parse.GetValue(id), parse, Actor(parse, actorName, scope), ct);
            Console.WriteLine(string.Create(Invariant, $"#{clue.Id} is now {ClueLifecycle.ChineseName(clue.State)} ({clue.State}){(clue.DueOn is { } due ? ", reply due " + due.ToString("yyyy-MM-dd", Invariant) : string.Empty)}."));
            return ExitCodes.Success;
        }));
        return command;
    }

    private static (Option<string> Store, Option<string?> Actor, Option<string?> Scope) Common() =>
        (new Option<string>("--store") { Description = "The clue store: a SQLite file, or a PostgreSQL connection string (Host=…).", Required = true },
         new Option<string?>("--as") { Description = "The name the clue's history records; the user's login name by default." },
         new Option<string?>("--region-scope") { Description = "Act only on the clues of this division code's regions (330100: Hangzhou and its counties)." });

    private static ClueActor Actor(ParseResult parse, Option<string?> name, Option<string?> scope) =>
        new(parse.GetValue(name) is { Length: > 0 } given ? given : Environment.UserName, parse.GetValue(scope));

    private static ClueState ParseState(string text) =>
        Enum.TryParse(text, ignoreCase: true, out ClueState state) && Enum.IsDefined(state)
            ? state
            : throw new ClueStoreException(ClueStoreErrorCodes.InvalidArgument, $"--state: '{text}' is not generated, assigned, verifying, confirmed, rejected or closed.");

    private static DateOnly Day(string? text, string option) =>
        text is null ? DateOnly.FromDateTime(TimeProvider.System.GetLocalNow().DateTime)
        : DateOnly.TryParseExact(text, "yyyy-MM-dd", Invariant, DateTimeStyles.None, out DateOnly day) ? day
        : throw new ClueStoreException(ClueStoreErrorCodes.InvalidArgument, $"{option}: '{text}' is not a date as yyyy-MM-dd.");

    /// <summary>Opens the store, runs the command, and turns a store's refusal into its code and message (exit code 1).</summary>
    private static async Task<int> WithStore(string target, Func<ClueStore, Task<int>> command)
    {
        try
        {
            await using ClueStore store = await ClueStore.OpenAsync(target);
            return await command(store);
        }
        catch (ClueStoreException e)
        {
            await Console.Error.WriteLineAsync($"error {e.Code}: {e.Message}");
            return e.Code == ClueStoreErrorCodes.InvalidArgument ? ExitCodes.Usage : ExitCodes.ModelErrors;
        }
        catch (DbException e)
        {
            await Console.Error.WriteLineAsync($"error: the clue store {StoreTarget.Shown(target)} failed: {e.Message}");
            return ExitCodes.ModelErrors;
        }
    }
}
