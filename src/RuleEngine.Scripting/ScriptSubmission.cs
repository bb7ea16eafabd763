using Microsoft.CodeAnalysis.Scripting;
using RuleEngine.Records;
using RuleEngine.Schema;
using RuleEngine.Scripting.Runtime;

namespace RuleEngine.Scripting;

/// <summary>
/// One submission of a <see cref="ScriptSession"/>, checked and compiled: as a rule's script it is true on the
/// records where its value is <see langword="true"/>, and it tallies what its value was on each record it ran on.
/// </summary>
/// <threadsafety static="true" instance="false"/>
public sealed class ScriptSubmission : ScriptCondition
{
    private readonly Script<object> _script;
    private long _true;
    private long _false;
    private long _unknown;
    private long _other;
    private Record? _lastRecord;
    private long _lastLine;

    internal ScriptSubmission(ScriptSession session, Script<object> script, IReadOnlyList<string> fieldsRead, string? valueType)
    {
        Session = session;
        _script = script;
        FieldsRead = fieldsRead;
        ValueType = valueType;
    }

    /// <inheritdoc/>
    public override DatasetSchema Schema => Session.Schema;

    /// <inheritdoc/>
    public override IReadOnlyList<string> FieldsRead { get; }

    /// <inheritdoc/>
    public override string Description => "C#";

    /// <summary>
    /// Gets the C# type of the submission's value (<c>bool?</c>, <c>decimal?</c>), or <see langword="null"/> when it
    /// has none: it ends in a statement, not in an expression without <c>;</c>.
    /// </summary>
    public string? ValueType { get; }

    /// <summary>Gets a value indicating whether the submission's value is a condition: <c>bool</c> or <c>bool?</c>.</summary>
    public bool IsCondition => ValueType is "bool" or "bool?";

    /// <summary>Gets the value on the last record it was evaluated on.</summary>
    public object? LastValue { get; private set; }

    /// <summary>Gets how many evaluations gave <see langword="true"/>.</summary>
    public long TrueCount => Interlocked.Read(ref _true);

    /// <summary>Gets how many evaluations gave <see langword="false"/>.</summary>
    public long FalseCount => Interlocked.Read(ref _false);

    /// <summary>Gets how many evaluations gave <see langword="null"/> (unknown: a field it read was empty).</summary>
    public long UnknownCount => Interlocked.Read(ref _unknown);

    /// <summary>Gets how many evaluations gave a value that is not a Boolean.</summary>
    public long OtherCount => Interlocked.Read(ref _other);

    internal ScriptSession Session { get; }

    internal ScriptState<object>? LastState { get; private set; }

    /// <summary>Gets a value indicating whether it ran to the end on a record since it was compiled or reset, so it can be committed.</summary>
    public bool IsEvaluated => LastState is not null;

    /// <summary>Forgets the tallies and the last evaluation, before a run counts again or one record is evaluated.</summary>
    public void Reset()
    {
        _lastRecord = null;
        LastState = null;
        LastValue = null;
        Interlocked.Exchange(ref _true, 0);
        Interlocked.Exchange(ref _false, 0);
        Interlocked.Exchange(ref _unknown, 0);
        Interlocked.Exchange(ref _other, 0);
    }

    internal override Func<Record, bool> CreatePredicate(RecordLayout layout) => Evaluate;

    internal override bool TryClassify(Exception exception, out string code, out string message)
    {
        (code, string what) = ScriptFaults.Classify(exception);
        message = $"The C# submission {what} on this record.";
        return true;
    }

    private bool Evaluate(Record record)
    {
        // Submissions share the session's globals and state: one evaluation at a time.
        lock (Session)
        {
            ScriptLimits limits = Session.Limits;
            (LastState, LastValue) = (null, null);
            Session.Globals.Record = record;
            Session.Globals.Guard = ScriptGuard.Begin(limits.MaxSteps, limits.MaxCallDepth, limits.MaxAllocatedBytes, limits.MaxArrayLength, limits.ProcessCeiling);
            try
            {
                ScriptState<object> state = _script.RunFromAsync(Session.Committed, catchException: null, CancellationToken.None).GetAwaiter().GetResult();
                LastState = state;
                LastValue = state.ReturnValue;
            }
            finally
            {
                Session.Globals.Record = null;
            }

            // A run evaluates a record's conditions again to explain its clue: count each record once.
            if (ReferenceEquals(record, _lastRecord) && record.Line == _lastLine)
            {
                return LastValue is true;
            }

            (_lastRecord, _lastLine) = (record, record.Line);
            switch (LastValue)
            {
                case true:
                    Interlocked.Increment(ref _true);
                    return true;
                case false:
                    Interlocked.Increment(ref _false);
                    return false;
                case null when ValueType is null or "bool?":
                    Interlocked.Increment(ref _unknown);
                    return false;
                default:
                    Interlocked.Increment(ref _other);
                    return false;
            }
        }
    }
}
