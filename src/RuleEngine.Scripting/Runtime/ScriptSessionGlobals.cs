using System.ComponentModel;

namespace RuleEngine.Scripting.Runtime;

/// <summary>
/// What the submissions of a <see cref="ScriptSession"/> run against: the record being evaluated and the budget of
/// this evaluation. Used by the session's generated preamble only; submissions read the record through <c>r</c> and
/// cannot name these members (they are not on the allow-list).
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class ScriptSessionGlobals
{
    internal ScriptSessionGlobals()
    {
    }

    /// <summary>Gets the record being evaluated, as the run hands it over.</summary>
    public object? Record { get; internal set; }

    /// <summary>Gets the budget of the evaluation.</summary>
    public ScriptGuard? Guard { get; internal set; }
}
