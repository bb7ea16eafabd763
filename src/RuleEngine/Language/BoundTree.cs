namespace RuleEngine.Language;

/// <summary>Walks a bound expression tree.</summary>
internal static class BoundTree
{
    /// <summary>The direct operands of a node.</summary>
    public static IEnumerable<BoundExpression> Children(BoundExpression node) => node switch
    {
        BoundUnary unary => [unary.Operand],
        BoundBinary binary => [binary.Left, binary.Right],
        BoundLogical logical => logical.Operands,
        BoundIsNull isNull => [isNull.Operand],
        BoundIn @in => [@in.Value, .. @in.Items],
        BoundLike like => [like.Value, like.Pattern],
        BoundCase @case => [.. @case.Branches.SelectMany(b => new[] { b.When, b.Then }), .. @case.Else is null ? [] : new[] { @case.Else }],
        BoundCall call => call.Arguments,
        BoundConvert convert => [convert.Operand],
        _ => [],
    };

    /// <summary>The node and every node under it, parents before their operands.</summary>
    public static IEnumerable<BoundExpression> DescendantsAndSelf(BoundExpression node) =>
        Children(node).SelectMany(DescendantsAndSelf).Prepend(node);
}
