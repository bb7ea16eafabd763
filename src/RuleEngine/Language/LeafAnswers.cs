using System.Linq.Expressions;

namespace RuleEngine.Language;

/// <summary>
/// The costly tests that several conditions of one compiled method ask alike — the same regular expression, or
/// <c>LIKE</c> pattern with <c>_</c>, on the same fields — each with a local per question (is it TRUE, is it FALSE)
/// that the first asking fills and later askings read. A test is still evaluated only where some condition reaches it, and first where the
/// conditions reach it first, so answers and errors are those of evaluating each condition alone. Only tests that
/// cost well more than reading a local are shared (see <see cref="MinimumCost"/>), and not tests whose text cannot
/// tell them apart (<c>CASE</c>).
/// </summary>
internal sealed class LeafAnswers
{
    /// <summary>
    /// The least <see cref="ConditionCost"/> of a shared test: a <c>LIKE</c> with <c>_</c> (12), a regular expression
    /// (40 and more); not comparisons, <c>IN</c> lists or plain calls. Measured on the benchmark workloads: sharing every
    /// repeated test (text and number comparisons among them) made 30 selective rules 13 % slower — reading, testing
    /// and filling the answer costs what a comparison does, and the larger method misses the instruction cache more.
    /// </summary>
    private const int MinimumCost = 12;

    private readonly HashSet<string> _repeated;
    private readonly Dictionary<(string Key, bool Want), ParameterExpression> _answers = [];

    public LeafAnswers(IEnumerable<BoundExpression> conditions)
    {
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (BoundExpression leaf in conditions.SelectMany(Leaves).Where(Shareable))
        {
            string key = SharedSubexpressions.Key(leaf);
            seen[key] = seen.GetValueOrDefault(key) + 1;
        }

        _repeated = [.. seen.Where(s => s.Value > 1).Select(s => s.Key)];
    }

    /// <summary>Gets the locals of the answers handed out, which the method declares and sets to 0 on entry.</summary>
    public IEnumerable<ParameterExpression> Locals => _answers.Values;

    /// <summary>The local holding the answer to "is <paramref name="node"/> <paramref name="want"/>?", or <see langword="null"/> when the test is not shared.</summary>
    public ParameterExpression? AnswerFor(BoundExpression node, bool want)
    {
        if (_repeated.Count == 0 || !Shareable(node) || SharedSubexpressions.Key(node) is not { } key || !_repeated.Contains(key))
        {
            return null;
        }

        if (!_answers.TryGetValue((key, want), out ParameterExpression? answer))
        {
            _answers[(key, want)] = answer = Expression.Variable(typeof(int), "answer");
        }

        return answer;
    }

    /// <summary>The tests of a condition: what is left below its AND, OR and NOT.</summary>
    private static IEnumerable<BoundExpression> Leaves(BoundExpression condition) => condition switch
    {
        BoundLogical logical => logical.Operands.SelectMany(Leaves),
        BoundUnary { Operator: UnaryOperator.Not } not => Leaves(not.Operand),
        _ => [condition],
    };

    /// <summary>
    /// Whether a test is worth an answer of its own: one that costs well more than reading and testing a local, and
    /// whose text tells it apart from every other test.
    /// </summary>
    private static bool Shareable(BoundExpression node) =>
        node is BoundBinary or BoundIn or BoundLike or BoundCall
        && ConditionCost.Cost(node) >= MinimumCost
        && BoundTree.DescendantsAndSelf(node).All(n => n is not (BoundCase or BoundError or BoundLogical));
}
