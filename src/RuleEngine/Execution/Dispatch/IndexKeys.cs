using RuleEngine.Language;
using RuleEngine.Records;

namespace RuleEngine.Execution.Dispatch;

/// <summary>
/// Reads from a rule's condition every key it can be filed under: each conjunct (at any depth of AND, so a
/// <c>BETWEEN</c> too) that an index can answer — equality and <c>IN</c> on text, integer, date and truth fields, a bare
/// truth field or its NOT, ranges on numbers and dates (merged per field), <c>starts_with</c> and <c>LIKE 'p%'</c>,
/// <c>array_contains</c> — and each conjunct that is an <c>OR</c> every branch of which has such a key. <c>&lt;&gt;</c> and
/// <c>NOT IN</c> on the same fields as equality make keys a rule can only be filtered by (<see cref="IndexKey.FiltersOnly"/>).
/// </summary>
internal static class IndexKeys
{
    /// <summary>An <c>OR</c> with more branches than this is not filed.</summary>
    private const int MaxBranches = 64;

    /// <summary>The keys of a condition; empty when none (the rule is evaluated on every record).</summary>
    public static List<IndexKey> Of(BoundExpression condition, RecordLayout layout, Func<IndexKey, double> selectivity)
    {
        var keys = new List<IndexKey>();
        var ranges = new Dictionary<int, RangePosting>();
        var equalities = new Dictionary<int, Posting>();
        foreach (BoundExpression conjunct in Conjuncts(condition))
        {
            if (Single(conjunct, layout) is { } posting)
            {
                if (posting is RangePosting range)
                {
                    ranges[range.Field] = ranges.TryGetValue(range.Field, out RangePosting? other) ? other.Intersect(range) : range;
                }
                else if (posting is TextEquals { Excluded: false } or IntegerEquals { Excluded: false })
                {
                    // Equalities on one field must all hold: the values they share (none: the rule is never TRUE).
                    equalities[posting.Field] = equalities.TryGetValue(posting.Field, out Posting? other) ? Intersect(other, posting) : posting;
                }
                else
                {
                    keys.Add(new IndexKey([posting]));
                }
            }
            else if (conjunct is BoundLogical { IsAnd: false } or && Branches(or, layout, selectivity) is { } branches)
            {
                keys.Add(new IndexKey(branches));
            }
        }

        // A value an equality names and a <> or NOT IN on the field excludes cannot be the field's value either.
        foreach (Posting excluding in keys.Where(k => k.Postings is [{ Excludes: true }]).Select(k => k.Postings[0]).ToList())
        {
            if (equalities.TryGetValue(excluding.Field, out Posting? equality))
            {
                equalities[excluding.Field] = Without(equality, excluding);
            }
        }

        keys.AddRange(equalities.Values.Select(e => new IndexKey([e])));
        keys.AddRange(ranges.Values.Select(r => new IndexKey([r])));
        return keys;
    }

    private static Posting Intersect(Posting first, Posting second) => (first, second) switch
    {
        (TextEquals a, TextEquals b) => a with { Values = [.. a.Values.Intersect(b.Values, StringComparer.Ordinal)] },
        (IntegerEquals a, IntegerEquals b) => a with { Values = [.. a.Values.Intersect(b.Values)] },
        _ => first,
    };

    private static Posting Without(Posting equality, Posting excluding) => (equality, excluding) switch
    {
        (TextEquals a, TextEquals b) => a with { Values = [.. a.Values.Except(b.Values, StringComparer.Ordinal)] },
        (IntegerEquals a, IntegerEquals b) => a with { Values = [.. a.Values.Except(b.Values)] },
        _ => equality,
    };

    private static IEnumerable<BoundExpression> Conjuncts(BoundExpression condition) =>
        condition is BoundLogical { IsAnd: true } and ? and.Operands.SelectMany(Conjuncts) : [condition];

    /// <summary>A posting per branch (each branch's most selective key); <see langword="null"/> when a branch has none.</summary>
    private static Posting[]? Branches(BoundLogical or, RecordLayout layout, Func<IndexKey, double> selectivity)
    {
        var postings = new List<Posting>();
        foreach (BoundExpression branch in Disjuncts(or))
        {
            IndexKey? best = Of(branch, layout, selectivity).OrderBy(k => k.FiltersOnly).ThenBy(selectivity).FirstOrDefault();
            if (best is null || postings.Count + best.Postings.Length > MaxBranches)
            {
                return null;
            }

            postings.AddRange(best.Postings);
        }

        return [.. postings];
    }

    private static IEnumerable<BoundExpression> Disjuncts(BoundExpression condition) =>
        condition is BoundLogical { IsAnd: false } or ? or.Operands.SelectMany(Disjuncts) : [condition];

    /// <summary>The posting a single test makes, or <see langword="null"/>.</summary>
    private static Posting? Single(BoundExpression test, RecordLayout layout)
    {
        switch (test)
        {
            case BoundField { Type: LanguageType.Bool } field when Own(field):
                return new IntegerEquals(field.FieldIndex, [1]);
            case BoundUnary { Operator: UnaryOperator.Not, Operand: BoundField { Type: LanguageType.Bool } field } when Own(field):
                return new IntegerEquals(field.FieldIndex, [0]);
            case BoundBinary { Left: BoundField field } binary when Own(field) && Literal(binary.Right) is { } value:
                return Compare(field, binary.Operator, value, layout);
            case BoundBinary { Right: BoundField field } binary when Own(field) && Literal(binary.Left) is { } value:
                return Compare(field, Flip(binary.Operator), value, layout);
            case BoundIn { Negated: false, Value: BoundField field } @in when Own(field) && @in.Items.All(i => i is BoundLiteral):
                object[] values = [.. @in.Items.Cast<BoundLiteral>().Where(l => l.Value is not null).Select(l => l.Value!)];
                return values.Length == 0 ? null : Equality(field, values, layout);
            case BoundIn { Negated: true, Value: BoundField field } notIn when Own(field) && notIn.Items.Count > 0 && notIn.Items.All(i => i is BoundLiteral { Value: not null }):
                // NOT IN with a NULL among the values is never TRUE; without, it passes every other value.
                return Equality(field, [.. notIn.Items.Cast<BoundLiteral>().Select(l => l.Value!)], layout, excluded: true);
            case BoundCall { Function.Name: "starts_with", Arguments: [BoundField field, BoundLiteral { Value: string prefix }] } when Own(field) && prefix.Length > 0:
                return new PrefixPosting(field.FieldIndex, prefix);
            case BoundLike { Negated: false, Value: BoundField field, Pattern: BoundLiteral { Value: string pattern } } when Own(field) && LiteralPrefix(pattern) is { Length: > 0 } prefix:
                return new PrefixPosting(field.FieldIndex, prefix);
            case BoundCall { Function.Name: "array_contains", Arguments: [BoundField field, BoundLiteral { Value: string tag }] } when Own(field):
                return new TagPosting(field.FieldIndex, tag);
            default:
                return null;
        }
    }

    private static bool Own(BoundField field) => field.Source == 0;

    /// <summary>A literal, or a literal under a widening conversion (an integer compared with a decimal field).</summary>
    private static object? Literal(BoundExpression node) => node switch
    {
        BoundLiteral { Value: { } value } => value,
        BoundConvert { IsExplicit: false, Operand: BoundLiteral { Value: long l }, Type: LanguageType.Decimal } => (decimal)l,
        BoundConvert { IsExplicit: false, Operand: BoundLiteral { Value: long l }, Type: LanguageType.Double } => (double)l,
        BoundConvert { IsExplicit: false, Operand: BoundLiteral { Value: decimal m }, Type: LanguageType.Double } => (double)m,
        _ => null,
    };

    private static Posting? Compare(BoundField field, BinaryOperator op, object value, RecordLayout layout)
    {
        StorageKind storage = layout.Kinds[field.FieldIndex];
        if (op is BinaryOperator.Equal or BinaryOperator.NotEqual)
        {
            return Equality(field, [value], layout, excluded: op == BinaryOperator.NotEqual);
        }

        IComparable? bound = (storage, value) switch
        {
            (StorageKind.Int64, long l) when field.Type is LanguageType.Int => l,
            (StorageKind.Int64, int day) when field.Type is LanguageType.Date => (long)day,
            (StorageKind.Decimal, decimal m) => m,
            (StorageKind.Double, double d) when !double.IsNaN(d) => d,
            _ => null,
        };
        return bound is null ? null : op switch
        {
            BinaryOperator.Greater => new RangePosting(field.FieldIndex, storage, bound, false, null, false),
            BinaryOperator.GreaterOrEqual => new RangePosting(field.FieldIndex, storage, bound, true, null, false),
            BinaryOperator.Less => new RangePosting(field.FieldIndex, storage, null, false, bound, false),
            BinaryOperator.LessOrEqual => new RangePosting(field.FieldIndex, storage, null, false, bound, true),
            _ => null,
        };
    }

    private static Posting? Equality(BoundField field, object[] values, RecordLayout layout, bool excluded = false)
    {
        StorageKind storage = layout.Kinds[field.FieldIndex];
        if (storage == StorageKind.String && values.All(v => v is string))
        {
            return new TextEquals(field.FieldIndex, [.. values.Cast<string>().Distinct(StringComparer.Ordinal)], excluded);
        }

        if (storage != StorageKind.Int64 || field.Type is not (LanguageType.Int or LanguageType.Date or LanguageType.Bool))
        {
            return null;
        }

        long[] stored = [.. values.Select(v => v switch
        {
            long l => l,
            int day => day,
            bool b => b ? 1L : 0L,
            _ => long.MinValue,
        }).Distinct()];
        return stored.Contains(long.MinValue) ? null : new IntegerEquals(field.FieldIndex, stored, excluded);
    }

    private static BinaryOperator Flip(BinaryOperator op) => op switch
    {
        BinaryOperator.Less => BinaryOperator.Greater,
        BinaryOperator.LessOrEqual => BinaryOperator.GreaterOrEqual,
        BinaryOperator.Greater => BinaryOperator.Less,
        BinaryOperator.GreaterOrEqual => BinaryOperator.LessOrEqual,
        _ => op,
    };

    /// <summary>The text before the first wildcard of a LIKE pattern that ends in <c>%</c>; <see langword="null"/> when it has an escape.</summary>
    private static string? LiteralPrefix(string pattern)
    {
        int wildcard = pattern.AsSpan().IndexOfAny('%', '_');
        return wildcard < 0 || pattern.Contains('\\', StringComparison.Ordinal) ? null : pattern[..wildcard];
    }
}
