using RuleEngine.Records;
using RuleEngine.Schema;

namespace RuleEngine;

/// <summary>
/// A rule condition written in C# rather than in the condition language, compiled by a script compiler such as
/// <c>RuleEngine.Scripting.ScriptRuleCompiler</c>. It runs in the same hot loop as conditions of the language and
/// fails the same way: an exception on a record is reported as NotEvaluated with a code, never as "no clue".
/// </summary>
/// <remarks>Only the RuleEngine packages derive from this class; hosts receive instances from a compiler.</remarks>
public abstract class ScriptCondition
{
    internal ScriptCondition()
    {
    }

    /// <summary>Gets the schema the script was compiled against; the rule's dataset must have the same one.</summary>
    public abstract DatasetSchema Schema { get; }

    /// <summary>Gets the names of the fields the script reads, in schema order; they become the clue's evidence.</summary>
    public abstract IReadOnlyList<string> FieldsRead { get; }

    /// <summary>Gets how an explanation names the script, such as <c>script (models/m07.csx:4)</c>.</summary>
    public abstract string Description { get; }

    /// <summary>
    /// Gets a value indicating whether the script runs outside this process (the untrusted tier): the run then hands it
    /// a batch of records at a time through <see cref="EvaluateBatch"/>, and <see cref="CreatePredicate"/> is not used.
    /// </summary>
    internal virtual bool RunsInWorker => false;

    /// <summary>Creates the predicate over records laid out by <paramref name="layout"/>.</summary>
    internal abstract Func<Record, bool> CreatePredicate(RecordLayout layout);

    /// <summary>Evaluates the script on <c>records[positions[0 .. count]]</c>, writing <c>outcomes[position]</c> for each.</summary>
    internal virtual void EvaluateBatch(Record[] records, int[] positions, int count, ScriptOutcome[] outcomes) =>
        throw new NotSupportedException("This script runs in process.");

    /// <summary>
    /// Maps an exception the script raised on a record to a code and a message free of record values. Returns
    /// <see langword="false"/> only for an exception of the rule's condition, which the core classifies itself.
    /// </summary>
    internal abstract bool TryClassify(Exception exception, out string code, out string message);
}

/// <summary>What a script gave on one record: a value, or a failure with its code and a message free of record values.</summary>
internal readonly record struct ScriptOutcome(bool Value, string? Code = null, string? Message = null);
