using System.Collections.Frozen;
using System.Linq.Expressions;
using System.Reflection;
using RuleEngine.Records;
using static System.Linq.Expressions.Expression;

namespace RuleEngine.Language;

/// <summary>
/// Compiles bound expressions into LINQ expression trees over a <see cref="Record"/>'s typed slots, then into
/// delegates. Values are nullable CLR types (NULL is <see langword="null"/>); AND, OR and NOT follow SQL's
/// three-valued logic; integer arithmetic is checked. Predicates ("is it TRUE?") are compiled two-valued: see
/// <c>ExpressionCompiler.TwoValued.cs</c>.
/// </summary>
internal sealed partial class ExpressionCompiler
{
    private static readonly FieldInfo Int64sField = typeof(Record).GetField(nameof(Record.Int64s))!;
    private static readonly FieldInfo DoublesField = typeof(Record).GetField(nameof(Record.Doubles))!;
    private static readonly FieldInfo DecimalsField = typeof(Record).GetField(nameof(Record.Decimals))!;
    private static readonly FieldInfo StringsField = typeof(Record).GetField(nameof(Record.Strings))!;
    private static readonly FieldInfo ArraysField = typeof(Record).GetField(nameof(Record.Arrays))!;
    private static readonly FieldInfo NullsField = typeof(Record).GetField(nameof(Record.Nulls))!;
    private static readonly FieldInfo SharedField = typeof(Record).GetField(nameof(Record.Shared))!;

    private readonly ParameterExpression _record = Parameter(typeof(Record), "record");
    private readonly PropertyInfo[]? _properties;
    private readonly ParameterExpression _context = Parameter(typeof(Record[]), "context");
    private readonly RecordLayout[] _layouts;
    private readonly bool _multiSource;
    private readonly IReadOnlyDictionary<string, SharedSlot> _shared = new Dictionary<string, SharedSlot>();
    private readonly LeafAnswers? _leaves;

    /// <summary>Compiles expressions over one record of <paramref name="layout"/>.</summary>
    public ExpressionCompiler(RecordLayout layout)
    {
        _layouts = [layout];
    }

    /// <summary>
    /// Compiles expressions over one record of <paramref name="layout"/>, reading the calls in <paramref name="shared"/>
    /// from the record's <see cref="SharedValues"/> once one rule has computed them.
    /// </summary>
    public ExpressionCompiler(RecordLayout layout, IReadOnlyDictionary<string, SharedSlot> shared)
    {
        _layouts = [layout];
        _shared = shared;
    }

    /// <summary>
    /// Compiles expressions over a host object of <paramref name="type"/> that holds the fields of
    /// <paramref name="layout"/> as <paramref name="properties"/> (one per field, in field order): a field is read
    /// from its property, nothing is copied.
    /// </summary>
    public ExpressionCompiler(RecordLayout layout, Type type, PropertyInfo[] properties)
    {
        _layouts = [layout];
        _record = Parameter(type, "item");
        _properties = properties;
    }

    /// <summary>A predicate over a host object (see the constructor that takes a type); TRUE only where the condition is TRUE.</summary>
    public Func<T, bool> CompileObjectPredicate<T>(BoundExpression condition) =>
        Lambda<Func<T, bool>>(EmitTruth(condition, want: true), _record).Compile();

    /// <summary>
    /// Up to 64 conditions in one method, over what the compiler reads (a host object of the type it was made for, or
    /// a <see cref="Record"/>): bit <c>i</c> of the result is set where condition <c>i</c> is TRUE. A set of rules that
    /// are all evaluated on every record costs one call, not one per rule, and a costly test several of the conditions
    /// make alike (the same regular expression in five rules) is evaluated at most once per call: see <see cref="LeafAnswers"/>.
    /// </summary>
    public Func<T, ulong> CompileMask<T>(IReadOnlyList<BoundExpression> conditions)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(conditions.Count, 64);
        var scoped = new ExpressionCompiler(this, new LeafAnswers(conditions));
        ParameterExpression mask = Variable(typeof(ulong), "mask");
        var rules = new List<Expression>(conditions.Count);
        for (int i = 0; i < conditions.Count; i++)
        {
            rules.Add(IfThen(scoped.EmitTruth(conditions[i], want: true), OrAssign(mask, Constant(1UL << i))));
        }

        ParameterExpression[] answers = [.. scoped._leaves!.Locals];
        Expression[] body = [Assign(mask, Constant(0UL)), .. answers.Select(a => Assign(a, Constant(0))), .. rules, mask];
        return Lambda<Func<T, ulong>>(Block(typeof(ulong), [mask, .. answers], body), _record).Compile();
    }

    /// <summary>A compiler like <paramref name="other"/> that answers the repeated tests of one method once (<see cref="CompileMask{T}"/>).</summary>
    private ExpressionCompiler(ExpressionCompiler other, LeafAnswers leaves)
    {
        _record = other._record;
        _properties = other._properties;
        _context = other._context;
        _layouts = other._layouts;
        _multiSource = other._multiSource;
        _shared = other._shared;
        _leaves = leaves;
    }

    /// <summary>
    /// Writes the given fields of a host object into a record's slots (NULL flags included): what a dispatch reads
    /// to choose the rules an object may match.
    /// </summary>
    public Action<T, Record> CompileObjectWriter<T>(IEnumerable<BoundField> fields)
    {
        ParameterExpression record = Parameter(typeof(Record), "record");
        var statements = new List<Expression>();
        foreach (BoundField field in fields)
        {
            (Expression? isNull, Expression value) = ReadField(field);
            RecordLayout layout = _layouts[0];
            int slot = layout.Slots[field.FieldIndex];
            Expression nulls = ArrayAccess(Field(record, NullsField), Constant(field.FieldIndex));
            var store = (BinaryExpression)(layout.Kinds[field.FieldIndex] switch
            {
                StorageKind.String => Assign(ArrayAccess(Field(record, StringsField), Constant(slot)), value),
                StorageKind.StringArray => Assign(ArrayAccess(Field(record, ArraysField), Constant(slot)), value),
                StorageKind.Double => Assign(ArrayAccess(Field(record, DoublesField), Constant(slot)), value),
                StorageKind.Decimal => Assign(ArrayAccess(Field(record, DecimalsField), Constant(slot)), value),
                _ => Assign(ArrayAccess(Field(record, Int64sField), Constant(slot)), value.Type == typeof(bool) ? Condition(value, Constant(1L), Constant(0L)) : Convert(value, typeof(long))),
            });
            if (isNull is null && value.Type.IsValueType)
            {
                // A host's non-nullable value: never NULL.
                statements.Add(Assign(nulls, Constant(false)));
                statements.Add(store);
            }
            else if (isNull is null)
            {
                // A reference: stored as read, NULL when it is null.
                ParameterExpression read = Variable(value.Type, "value");
                store = store.Update(((BinaryExpression)store).Left, null, read);
                statements.Add(Block([read], Assign(read, value), store, Assign(nulls, ReferenceEqual(read, Constant(null, value.Type)))));
            }
            else
            {
                statements.Add(Assign(nulls, isNull));
                statements.Add(IfThen(Not(nulls), store));
            }
        }

        return Lambda<Action<T, Record>>(statements.Count == 0 ? Empty() : Block(statements), _record, record).Compile();
    }

    /// <summary>Compiles expressions over a context of records, one per source (the rule's record, then each join's).</summary>
    public ExpressionCompiler(RecordLayout[] layouts)
    {
        _layouts = layouts;
        _multiSource = true;
    }

    /// <summary>A predicate over a record context; TRUE only where the condition is TRUE.</summary>
    public Func<Record[], bool> CompileContextPredicate(BoundExpression condition) =>
        Lambda<Func<Record[], bool>>(EmitTruth(condition, want: true), _context).Compile();

    /// <summary>The three-valued result of a condition over a record context.</summary>
    public Func<Record[], bool?> CompileContextCondition(BoundExpression condition) =>
        Lambda<Func<Record[], bool?>>(Convert(Emit(condition), typeof(bool?)), _context).Compile();

    /// <summary>A value over a record context, boxed in its compiled representation (join keys).</summary>
    public Func<Record[], object?> CompileContextValue(BoundExpression expression) =>
        Lambda<Func<Record[], object?>>(Convert(Emit(expression), typeof(object)), _context).Compile();

    /// <summary>
    /// The value as a clue or an explanation shows it: dates as <see cref="DateOnly"/> and timestamps as
    /// <see cref="DateTime"/> (compiled code holds them as day numbers and ticks), other values as they are.
    /// </summary>
    public Func<Record[], object?> CompileContextDisplayValue(BoundExpression expression)
    {
        Func<Record[], object?> value = CompileContextValue(expression);
        return expression.Type switch
        {
            LanguageType.Date => context => value(context) is int day ? DateOnly.FromDayNumber(day) : null,
            LanguageType.Timestamp => context => value(context) is long ticks ? new DateTime(ticks, DateTimeKind.Unspecified) : null,
            _ => value,
        };
    }

    private Expression RecordOf(int source) => _multiSource ? ArrayIndex(_context, Constant(source)) : _record;

    /// <summary>A predicate that is true only where the condition is TRUE (a WHERE clause drops UNKNOWN).</summary>
    public Func<Record, bool> CompilePredicate(BoundExpression condition)
    {
        return Lambda<Func<Record, bool>>(EmitTruth(condition, want: true), _record).Compile();
    }

    /// <summary>The three-valued result of a condition: TRUE, FALSE or UNKNOWN (<see langword="null"/>).</summary>
    public Func<Record, bool?> CompileCondition(BoundExpression condition) =>
        Lambda<Func<Record, bool?>>(Convert(Emit(condition), typeof(bool?)), _record).Compile();

    /// <summary>The value in its compiled representation, boxed (tests and the differential oracle).</summary>
    public Func<Record, object?> CompileValue(BoundExpression expression) =>
        Lambda<Func<Record, object?>>(Convert(Emit(expression), typeof(object)), _record).Compile();

    private Expression Emit(BoundExpression node) => node switch
    {
        BoundLiteral literal => Constant(literal.Value, literal.Type.ClrType()),
        BoundField field => EmitField(field),
        BoundConvert convert => EmitConvert(convert),
        BoundUnary { Operator: UnaryOperator.Not } not => Not(Emit(not.Operand)),
        BoundUnary negate => negate.Type == LanguageType.Int ? NegateChecked(Emit(negate.Operand)) : Negate(Emit(negate.Operand)),
        BoundBinary binary => EmitBinary(binary),
        BoundLogical logical => EmitLogical(logical),
        BoundIsNull isNull => EmitIsNull(isNull),
        BoundIn @in => EmitIn(@in),
        BoundLike like => EmitLike(like),
        BoundCase @case => EmitCase(@case),
        BoundCall call when _shared.Count > 0 && _shared.TryGetValue(SharedSubexpressions.Key(call), out SharedSlot? slot) => EmitShared(slot, EmitCall(call)),
        BoundCall call => EmitCall(call),
        _ => throw new InvalidOperationException($"Cannot compile {node.GetType().Name}."),
    };

    /// <summary>
    /// <c>shared is null ? compute : shared.Stamps[k] == shared.Epoch ? shared.T[k] : (shared.T[k] = compute, stamp it)</c>:
    /// a value several rules need, computed once per record. Without <see cref="SharedValues"/> (a record outside a
    /// run) it is simply computed.
    /// </summary>
    private Expression EmitShared(SharedSlot slot, Expression compute)
    {
        Type clr = slot.Type.ClrType();
        string array = clr == typeof(bool?) ? nameof(SharedValues.Bools)
            : clr == typeof(long?) ? nameof(SharedValues.Int64s)
            : clr == typeof(int?) ? nameof(SharedValues.Int32s)
            : clr == typeof(decimal?) ? nameof(SharedValues.Decimals)
            : clr == typeof(double?) ? nameof(SharedValues.Doubles)
            : clr == typeof(string) ? nameof(SharedValues.Strings)
            : nameof(SharedValues.Arrays);
        ParameterExpression shared = Variable(typeof(SharedValues), "shared");
        ParameterExpression value = Variable(clr, "value");
        Expression index = Constant(slot.Index);
        Expression stamp = ArrayAccess(Field(shared, nameof(SharedValues.Stamps)), index);
        Expression epoch = Field(shared, nameof(SharedValues.Epoch));
        Expression cell = ArrayAccess(Field(shared, array), index);
        return Block(
            clr,
            [shared],
            Assign(shared, Field(RecordOf(0), SharedField)),
            Condition(
                Equal(shared, Constant(null, typeof(SharedValues))),
                compute,
                Condition(
                    Equal(stamp, epoch),
                    cell,
                    Block(
                        clr,
                        [value],
                        Assign(value, compute),
                        Assign(cell, value),
                        Assign(stamp, epoch),
                        PostIncrementAssign(Field(shared, nameof(SharedValues.Computed))),
                        value))));
    }

    private Expression EmitField(BoundField field)
    {
        (Expression? isNull, Expression value) = ReadField(field);
        Type clr = field.Type.ClrType();
        return isNull is null ? (value.Type == clr ? value : Convert(value, clr)) : Condition(isNull, Constant(null, clr), Convert(value, clr));
    }

    /// <summary>
    /// A field's slot read as its plain CLR type (never nullable) and, for value types, the test that it is NULL;
    /// a text or list field is a reference that is itself <see langword="null"/> when NULL.
    /// </summary>
    private (Expression? IsNull, Expression Value) ReadField(BoundField field)
    {
        if (_properties is not null)
        {
            return ObjectFields.Read(_record, _properties[field.FieldIndex], field.Field);
        }

        RecordLayout layout = _layouts[field.Source];
        Expression record = RecordOf(field.Source);
        int index = field.FieldIndex;
        int slot = layout.Slots[index];
        Type clr = field.Type.ClrType();
        Type plain = Nullable.GetUnderlyingType(clr) ?? clr;
        Expression value = layout.Kinds[index] switch
        {
            StorageKind.String => ArrayIndex(Field(record, StringsField), Constant(slot)),
            StorageKind.StringArray => ArrayIndex(Field(record, ArraysField), Constant(slot)),
            StorageKind.Double => ArrayIndex(Field(record, DoublesField), Constant(slot)),
            StorageKind.Decimal => ArrayIndex(Field(record, DecimalsField), Constant(slot)),
            _ => field.Type switch
            {
                LanguageType.Bool => NotEqual(ArrayIndex(Field(record, Int64sField), Constant(slot)), Constant(0L)),
                LanguageType.Date => Convert(ArrayIndex(Field(record, Int64sField), Constant(slot)), typeof(int)),
                _ => ArrayIndex(Field(record, Int64sField), Constant(slot)),
            },
        };
        if (value.Type != plain)
        {
            value = Convert(value, plain);
        }

        return clr.IsValueType ? (ArrayIndex(Field(record, NullsField), Constant(index)), value) : (null, value);
    }

    private Expression EmitConvert(BoundConvert convert)
    {
        LanguageType from = convert.Operand.Type;
        LanguageType to = convert.Type;
        Expression operand = Emit(convert.Operand);
        if (from == LanguageType.Null)
        {
            return Constant(null, to.ClrType());
        }

        return (from, to) switch
        {
            (LanguageType.Int, LanguageType.Decimal) or (LanguageType.Int, LanguageType.Double) or (LanguageType.Decimal, LanguageType.Double) => Convert(operand, to.ClrType()),
            (LanguageType.Date, LanguageType.Timestamp) => Strict([operand], v => Multiply(Convert(v[0], typeof(long)), Constant(TimeSpan.TicksPerDay)), to),
            (LanguageType.Timestamp, LanguageType.Date) => Strict([operand], v => Convert(Divide(v[0], Constant(TimeSpan.TicksPerDay)), typeof(int)), to),
            (LanguageType.Double, LanguageType.Int) => CallStrict(nameof(CastFunctions.DoubleToInt), operand, to),
            (LanguageType.Decimal, LanguageType.Int) => CallStrict(nameof(CastFunctions.DecimalToInt), operand, to),
            (LanguageType.Double, LanguageType.Decimal) => CallStrict(nameof(CastFunctions.DoubleToDecimal), operand, to),
            (LanguageType.Bool, LanguageType.Int) => Strict([operand], v => Condition(v[0], Constant(1L), Constant(0L)), to),
            (LanguageType.Int, LanguageType.Bool) => Strict([operand], v => NotEqual(v[0], Constant(0L)), to),
            (LanguageType.Text, LanguageType.Int) => CallStrict(nameof(CastFunctions.TextToInt), operand, to),
            (LanguageType.Text, LanguageType.Decimal) => CallStrict(nameof(CastFunctions.TextToDecimal), operand, to),
            (LanguageType.Text, LanguageType.Double) => CallStrict(nameof(CastFunctions.TextToDouble), operand, to),
            (LanguageType.Text, LanguageType.Bool) => CallStrict(nameof(CastFunctions.TextToBool), operand, to),
            (LanguageType.Text, LanguageType.Date) => CallStrict(nameof(CastFunctions.TextToDate), operand, to),
            (LanguageType.Text, LanguageType.Timestamp) => CallStrict(nameof(CastFunctions.TextToTimestamp), operand, to),
            (LanguageType.Int, LanguageType.Text) => CallStrict(nameof(CastFunctions.IntToText), operand, to),
            (LanguageType.Decimal, LanguageType.Text) => CallStrict(nameof(CastFunctions.DecimalToText), operand, to),
            (LanguageType.Double, LanguageType.Text) => CallStrict(nameof(CastFunctions.DoubleToText), operand, to),
            (LanguageType.Bool, LanguageType.Text) => CallStrict(nameof(CastFunctions.BoolToText), operand, to),
            (LanguageType.Date, LanguageType.Text) => Strict([operand], v => Call(typeof(BuiltinFunctions).GetMethod(nameof(BuiltinFunctions.FormatDate))!, v[0]), to),
            (LanguageType.Timestamp, LanguageType.Text) => Strict([operand], v => Call(typeof(BuiltinFunctions).GetMethod(nameof(BuiltinFunctions.FormatTimestamp))!, v[0]), to),
            _ => throw new InvalidOperationException($"No conversion from {from} to {to}."),
        };
    }

    private Expression EmitBinary(BoundBinary binary)
    {
        Expression left = Emit(binary.Left);
        Expression right = Emit(binary.Right);
        LanguageType operand = binary.OperandType;
        switch (binary.Operator)
        {
            case BinaryOperator.Add when binary.Type == LanguageType.Date:
                return Strict([left, right], v => Call(typeof(BuiltinFunctions).GetMethod(nameof(BuiltinFunctions.DateAddDays))!, v[0], v[1]), LanguageType.Date);
            case BinaryOperator.Subtract when binary.Type == LanguageType.Date:
                return Strict([left, right], v => Call(typeof(BuiltinFunctions).GetMethod(nameof(BuiltinFunctions.DateAddDays))!, v[0], NegateChecked(v[1])), LanguageType.Date);
            case BinaryOperator.Subtract when operand == LanguageType.Date:
                return Strict([left, right], v => Subtract(Convert(v[0], typeof(long)), Convert(v[1], typeof(long))), LanguageType.Int);
            case BinaryOperator.Add:
                return operand == LanguageType.Int ? AddChecked(left, right) : Add(left, right);
            case BinaryOperator.Subtract:
                return operand == LanguageType.Int ? SubtractChecked(left, right) : Subtract(left, right);
            case BinaryOperator.Multiply:
                return operand == LanguageType.Int ? MultiplyChecked(left, right) : Multiply(left, right);
            case BinaryOperator.Divide:
                return Divide(left, right);
            case BinaryOperator.Modulo:
                return Modulo(left, right);
            case BinaryOperator.Concat:
                return Strict([left, right], v => Call(typeof(string).GetMethod(nameof(string.Concat), [typeof(string), typeof(string)])!, v[0], v[1]), LanguageType.Text);
        }

        return EmitComparison(binary.Operator, left, right, operand);
    }

    private static Expression EmitComparison(BinaryOperator op, Expression left, Expression right, LanguageType operand)
    {
        if (operand == LanguageType.Text)
        {
            MethodInfo compare = typeof(TextComparison).GetMethod(nameof(TextComparison.CompareCodePoints))!;
            return Strict([left, right], v => op switch
            {
                BinaryOperator.Equal => Call(typeof(string).GetMethod(nameof(string.Equals), [typeof(string), typeof(string)])!, v[0], v[1]),
                BinaryOperator.NotEqual => Not(Call(typeof(string).GetMethod(nameof(string.Equals), [typeof(string), typeof(string)])!, v[0], v[1])),
                _ => Compare(op, Call(compare, v[0], v[1]), Constant(0)),
            }, LanguageType.Bool);
        }

        if (operand == LanguageType.Bool)
        {
            return Strict([left, right], v => Compare(op, Condition(v[0], Constant(1), Constant(0)), Condition(v[1], Constant(1), Constant(0))), LanguageType.Bool);
        }

        return op switch
        {
            BinaryOperator.Equal => Equal(left, right, liftToNull: true, method: null),
            BinaryOperator.NotEqual => NotEqual(left, right, liftToNull: true, method: null),
            BinaryOperator.Less => LessThan(left, right, liftToNull: true, method: null),
            BinaryOperator.LessOrEqual => LessThanOrEqual(left, right, liftToNull: true, method: null),
            BinaryOperator.Greater => GreaterThan(left, right, liftToNull: true, method: null),
            _ => GreaterThanOrEqual(left, right, liftToNull: true, method: null),
        };
    }

    private static Expression Compare(BinaryOperator op, Expression left, Expression right) => op switch
    {
        BinaryOperator.Equal => Equal(left, right),
        BinaryOperator.NotEqual => NotEqual(left, right),
        BinaryOperator.Less => LessThan(left, right),
        BinaryOperator.LessOrEqual => LessThanOrEqual(left, right),
        BinaryOperator.Greater => GreaterThan(left, right),
        _ => GreaterThanOrEqual(left, right),
    };

    /// <summary>
    /// n-ary AND/OR without jumps: FALSE (for AND; TRUE for OR) decides at once and later operands are skipped;
    /// otherwise any UNKNOWN operand makes the result UNKNOWN.
    /// </summary>
    private Expression EmitLogical(BoundLogical logical)
    {
        ParameterExpression decided = Variable(typeof(bool), "decided");
        ParameterExpression sawNull = Variable(typeof(bool), "sawNull");
        ParameterExpression operand = Variable(typeof(bool?), "operand");
        bool decisive = !logical.IsAnd;
        var body = new List<Expression> { Assign(decided, Constant(false)), Assign(sawNull, Constant(false)) };
        foreach (BoundExpression item in ConditionCost.CheapestFirst(logical.Operands))
        {
            body.Add(IfThen(
                Not(decided),
                Block(
                    Assign(operand, Convert(Emit(item), typeof(bool?))),
                    IfThenElse(
                        Property(operand, nameof(Nullable<bool>.HasValue)),
                        IfThen(Equal(Property(operand, nameof(Nullable<bool>.Value)), Constant(decisive)), Assign(decided, Constant(true))),
                        Assign(sawNull, Constant(true))))));
        }

        body.Add(Condition(
            decided,
            Constant(decisive, typeof(bool?)),
            Condition(sawNull, Constant(null, typeof(bool?)), Constant(!decisive, typeof(bool?)))));
        return Block(typeof(bool?), [decided, sawNull, operand], body);
    }

    private Expression EmitIsNull(BoundIsNull isNull)
    {
        Expression operand = Emit(isNull.Operand);
        Expression test = operand.Type.IsValueType
            ? Not(Property(operand, "HasValue"))
            : ReferenceEqual(operand, Constant(null, operand.Type));
        if (isNull.Negated)
        {
            test = Not(test);
        }

        return Convert(test, typeof(bool?));
    }

    private Expression EmitIn(BoundIn @in)
    {
        Expression result;
        if (@in.Items.All(i => i is BoundLiteral) && @in.Items.Any(i => i is BoundLiteral { Value: not null }))
        {
            result = EmitInSet(@in);
        }
        else
        {
            var comparisons = @in.Items.Select(i => (BoundExpression)new BoundBinary(LanguageType.Bool, @in.Span, BinaryOperator.Equal, @in.Value, i, @in.Value.Type)).ToList();
            result = EmitLogical(new BoundLogical(@in.Span, IsAnd: false, comparisons));
        }

        return @in.Negated ? Not(result) : result;
    }

    private Expression EmitInSet(BoundIn @in)
    {
        bool hasNull = @in.Items.Any(i => i is BoundLiteral { Value: null });
        var values = @in.Items.Cast<BoundLiteral>().Where(l => l.Value is not null).Select(l => l.Value!).ToList();
        Type clr = @in.Value.Type.ClrType();
        Type element = Nullable.GetUnderlyingType(clr) ?? clr;
        Expression miss = Constant(hasNull ? null : false, typeof(bool?));
        return Strict([Emit(@in.Value)], v => Condition(SetContains(values, element, v[0]), Constant(true, typeof(bool?)), miss), LanguageType.Bool);
    }

    /// <summary><c>set.Contains(value)</c> over a frozen set of the literal values (ordinal for text).</summary>
    private static Expression SetContains(List<object> values, Type element, Expression value)
    {
        object set = typeof(ExpressionCompiler).GetMethod(nameof(CreateSet), BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(element).Invoke(null, [values])!;
        return Call(Constant(set), set.GetType().GetMethod("Contains", [element])!, value);
    }

    private static FrozenSet<T> CreateSet<T>(List<object> values) =>
        typeof(T) == typeof(string)
            ? (FrozenSet<T>)(object)values.Cast<string>().ToFrozenSet(StringComparer.Ordinal)
            : values.Cast<T>().ToFrozenSet();

    private Expression EmitLike(BoundLike like)
    {
        Expression value = Emit(like.Value);
        Expression result;
        if (like.Pattern is BoundLiteral { Value: string pattern })
        {
            LikePattern compiled = LikePattern.Compile(pattern);
            result = Strict([value], v => Call(Constant(compiled), typeof(LikePattern).GetMethod(nameof(LikePattern.IsMatch))!, v[0]), LanguageType.Bool);
        }
        else
        {
            result = Strict([value, Emit(like.Pattern)], v => Call(typeof(LikePattern).GetMethod(nameof(LikePattern.Matches))!, v[0], v[1]), LanguageType.Bool);
        }

        return like.Negated ? Not(result) : result;
    }

    private Expression EmitCase(BoundCase @case)
    {
        Type clr = @case.Type.ClrType();
        Expression result = @case.Else is null ? Constant(null, clr) : Convert(Emit(@case.Else), clr);
        for (int i = @case.Branches.Count - 1; i >= 0; i--)
        {
            (BoundExpression when, BoundExpression then) = @case.Branches[i];
            result = Condition(EmitTruth(when, want: true), Convert(Emit(then), clr), result);
        }

        return result;
    }

    private Expression EmitCall(BoundCall call)
    {
        FunctionDefinition function = call.Function;
        var arguments = call.Arguments.Select(Emit).ToList();
        switch (function.Kind)
        {
            case FunctionKind.Coalesce:
                return arguments.AsEnumerable().Reverse().Aggregate((acc, next) => Coalesce(next, acc));
            case FunctionKind.Least:
            case FunctionKind.Greatest:
                return EmitExtreme(arguments, call.Type, function.Kind == FunctionKind.Least);
        }

        var strictArguments = new List<Expression>();
        var literalArguments = new Dictionary<int, Expression>();
        for (int i = 0; i < arguments.Count; i++)
        {
            if (function.LiteralParameters.Contains(i))
            {
                literalArguments[i] = function.IsRegex ? Constant(call.Regex) : Constant(((BoundLiteral)call.Arguments[i]).Value, typeof(string));
            }
            else
            {
                strictArguments.Add(arguments[i]);
            }
        }

        MethodInfo method = function.Method!;
        return Strict(strictArguments, values =>
        {
            var parameters = new Expression[arguments.Count];
            int next = 0;
            for (int i = 0; i < parameters.Length; i++)
            {
                parameters[i] = literalArguments.TryGetValue(i, out Expression? literal) ? literal : values[next++];
            }

            return Call(method, parameters);
        }, call.Type);
    }

    private static Expression EmitExtreme(List<Expression> arguments, LanguageType type, bool least)
    {
        Type clr = type.ClrType();
        if (type == LanguageType.Null)
        {
            // Every argument is the NULL literal: the least (or greatest) of nothing is NULL; there is nothing to compare.
            return Constant(null, clr);
        }

        ParameterExpression best = Variable(clr, "best");
        ParameterExpression next = Variable(clr, "next");
        var body = new List<Expression> { Assign(best, Convert(arguments[0], clr)) };
        BinaryOperator op = least ? BinaryOperator.Less : BinaryOperator.Greater;
        foreach (Expression argument in arguments.Skip(1))
        {
            body.Add(Assign(next, Convert(argument, clr)));
            Expression isBetter = Call(Convert(EmitComparison(op, next, best, type), typeof(bool?)), typeof(bool?).GetMethod(nameof(Nullable<bool>.GetValueOrDefault), Type.EmptyTypes)!);
            body.Add(IfThen(OrElse(IsNull(best), AndAlso(Not(IsNull(next)), isBetter)), Assign(best, next)));
        }

        body.Add(best);
        return Block(clr, [best, next], body);
    }

    private static Expression CallStrict(string castMethod, Expression operand, LanguageType to) =>
        Strict([operand], v => Call(typeof(CastFunctions).GetMethod(castMethod)!, v[0]), to);

    /// <summary>
    /// Evaluates each argument once; if any is NULL the result is NULL, otherwise <paramref name="body"/> runs on
    /// the non-NULL values. The result is converted to the nullable CLR type of <paramref name="resultType"/>.
    /// </summary>
    private static Expression Strict(IReadOnlyList<Expression> arguments, Func<Expression[], Expression> body, LanguageType resultType)
    {
        Type clr = resultType.ClrType();
        var temps = arguments.Select((a, i) => Variable(a.Type, "arg" + i)).ToArray();
        var values = temps.Select(t => t.Type.IsValueType && Nullable.GetUnderlyingType(t.Type) is not null ? (Expression)Property(t, "Value") : t).ToArray();
        Expression result = body(values);
        if (result.Type != clr)
        {
            result = Convert(result, clr);
        }

        Expression? anyNull = null;
        foreach (ParameterExpression temp in temps)
        {
            Expression test = IsNull(temp);
            anyNull = anyNull is null ? test : OrElse(anyNull, test);
        }

        var block = new List<Expression>();
        block.AddRange(arguments.Select((a, i) => Assign(temps[i], a)));
        block.Add(anyNull is null ? result : Condition(anyNull, Constant(null, clr), result));
        return Block(clr, temps, block);
    }

    private static Expression IsNull(Expression value) => value.Type.IsValueType
        ? Nullable.GetUnderlyingType(value.Type) is null ? Constant(false) : Not(Property(value, "HasValue"))
        : ReferenceEqual(value, Constant(null, value.Type));
}
