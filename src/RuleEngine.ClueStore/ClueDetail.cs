namespace RuleEngine.ClueStore;

/// <summary>A clue with its evidence in every run that produced it and its history.</summary>
/// <param name="Clue">The clue.</param>
/// <param name="Sightings">Each run that produced it, newest first, with the evidence and explanation of that run.</param>
/// <param name="Events">Its history, oldest first: raised, seen again, assigned, confirmed, reopened, not reproduced.</param>
public sealed record ClueDetail(StoredClue Clue, IReadOnlyList<ClueSighting> Sightings, IReadOnlyList<ClueEvent> Events);

/// <summary>One run's view of a clue: the rule version, the record's line, the evidence and why the rule fired.</summary>
/// <param name="RunId">The run.</param>
/// <param name="RunStartedAt">When the run began.</param>
/// <param name="RuleVersion">The rule's version in that run.</param>
/// <param name="Line">The record's line in that run's input.</param>
/// <param name="Evidence">The evidence as the run gave it.</param>
/// <param name="Explanation">Each leaf of the condition with its value.</param>
public sealed record ClueSighting(long RunId, DateTimeOffset RunStartedAt, string RuleVersion, long Line, IReadOnlyList<StoredEvidence> Evidence, IReadOnlyList<StoredOutcome> Explanation);

/// <summary>One evidence value as stored: the value as text (as the run gave it, so masked unless revealed).</summary>
/// <param name="Field">The field's name.</param>
/// <param name="Value">The value as text, or <see langword="null"/>.</param>
/// <param name="Dataset">The dataset of the record.</param>
/// <param name="Line">The record's line.</param>
/// <param name="Personal">The kind of personal data the field holds, so a reader can mask a revealed value; <see cref="Schema.PersonalDataKind.None"/> for others.</param>
/// <param name="Material">Whether the rule declares it material.</param>
public sealed record StoredEvidence(string Field, string? Value, string Dataset, long Line, Schema.PersonalDataKind Personal, bool Material);

/// <summary>One leaf of a rule's condition and its value on the clue's record.</summary>
/// <param name="Text">The leaf's text.</param>
/// <param name="Value">Its value: <see langword="true"/>, <see langword="false"/> or unknown.</param>
public sealed record StoredOutcome(string Text, bool? Value);

/// <summary>Something that happened to a clue: an entry of its append-only history.</summary>
/// <param name="Id">The event's id.</param>
/// <param name="At">When.</param>
/// <param name="Actor">Who (a user's name, or <c>run</c>).</param>
/// <param name="Action">What: <c>raised</c>, <c>seen_again</c>, <c>reopened</c>, <c>not_reproduced</c>, <c>assigned</c>, <c>verifying</c>, <c>confirmed</c>, <c>rejected</c>, <c>followed_up</c>.</param>
/// <param name="FromState">The state before, for changes of state.</param>
/// <param name="ToState">The state after, for changes of state.</param>
/// <param name="RunId">The run, for events a run caused.</param>
/// <param name="Detail">The action's detail (assignee, document, reason, note, changed fields).</param>
public sealed record ClueEvent(long Id, DateTimeOffset At, string Actor, string Action, ClueState? FromState, ClueState? ToState, long? RunId, string? Detail);
