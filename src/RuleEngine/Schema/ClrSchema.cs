using System.Collections.Concurrent;
using System.Linq.Expressions;
using System.Reflection;
using System.Text.Json;
using RuleEngine.Diagnostics;
using RuleEngine.Records;

namespace RuleEngine.Schema;

/// <summary>
/// A schema derived from a host CLR type, with a compiled writer that copies an object's properties into a
/// <see cref="Record"/> without reflection per record.
/// </summary>
internal sealed class ClrSchema
{
    private static readonly ConcurrentDictionary<Type, (List<(PropertyInfo Property, FieldDefinition Field, bool IsKey)> Fields, Delegate Writer)> Cache = new();

    private ClrSchema(DatasetSchema schema, Delegate writer)
    {
        Schema = schema;
        Writer = writer;
    }

    public DatasetSchema Schema { get; }

    /// <summary>Gets an <c>Action&lt;T, Record&gt;</c> that writes every field; throws <see cref="FieldRejectedException"/> on a bad value.</summary>
    public Delegate Writer { get; }

    public static ClrSchema Derive(Type type, string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var (fields, writer) = Cache.GetOrAdd(type, Build);
        DatasetSchemaBuilder builder = DatasetSchema.Create(name);
        foreach (var (_, field, _) in fields)
        {
            builder.Add(field);
        }

        builder.Key([.. fields.Where(f => f.IsKey).Select(f => f.Field.Name)]);
        return new ClrSchema(builder.Build(), writer);
    }

    private static (List<(PropertyInfo, FieldDefinition, bool)>, Delegate) Build(Type type)
    {
        var bag = new DiagnosticBag();
        var nullability = new NullabilityInfoContext();
        var fields = new List<(PropertyInfo Property, FieldDefinition Field, bool IsKey)>();
        foreach (PropertyInfo property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanRead && p.GetIndexParameters().Length == 0))
        {
            DatasetFieldAttribute? attribute = property.GetCustomAttribute<DatasetFieldAttribute>();
            if (attribute?.Ignore == true)
            {
                continue;
            }

            FieldType? inferred = Infer(property.PropertyType);
            FieldType? declared = attribute is not null && Enum.IsDefined(attribute.Type) ? attribute.Type : null;
            if (inferred is null || (declared is { } d && !IsCompatible(inferred.Value, d)))
            {
                bag.Error(DiagnosticIds.InvalidSchema, $"Property '{type.Name}.{property.Name}' of type '{property.PropertyType.Name}' cannot be a field{(declared is null ? string.Empty : $" of type {declared}")}.", SourceLocation.None);
                continue;
            }

            FieldType fieldType = declared ?? inferred.Value;
            bool nullable = !property.PropertyType.IsValueType
                ? nullability.Create(property).ReadState != NullabilityState.NotNull
                : Nullable.GetUnderlyingType(property.PropertyType) is not null;
            var field = new FieldDefinition(attribute?.Name ?? JsonNamingPolicy.SnakeCaseLower.ConvertName(property.Name), fieldType) { IsNullable = nullable };
            if (attribute is not null && Enum.IsDefined(attribute.Personal))
            {
                field = field with { Personal = attribute.Personal };
            }

            fields.Add((property, field, attribute?.Key == true));
        }

        if (bag.HasErrors)
        {
            throw new RuleCompilationException(bag.Items);
        }

        return (fields.Select(f => (f.Property, f.Field, f.IsKey)).ToList(), CompileWriter(type, fields));
    }

    private static Delegate CompileWriter(Type type, List<(PropertyInfo Property, FieldDefinition Field, bool IsKey)> fields)
    {
        ParameterExpression item = Expression.Parameter(type, "item");
        ParameterExpression record = Expression.Parameter(typeof(Record), "record");
        var statements = new List<Expression>();
        for (int f = 0; f < fields.Count; f++)
        {
            var (property, field, _) = fields[f];
            Expression value = Expression.Property(item, property);
            (string method, Type parameter) = field.Type switch
            {
                FieldType.Int or FieldType.Long => (nameof(ObjectFieldWriter.WriteInt64), typeof(long?)),
                FieldType.Bool => (nameof(ObjectFieldWriter.WriteBool), typeof(bool?)),
                FieldType.Double => (nameof(ObjectFieldWriter.WriteDouble), typeof(double?)),
                FieldType.Decimal => (nameof(ObjectFieldWriter.WriteDecimal), typeof(decimal?)),
                FieldType.Date or FieldType.YearMonth => (nameof(ObjectFieldWriter.WriteDate), typeof(DateOnly?)),
                FieldType.DateTime => (nameof(ObjectFieldWriter.WriteDateTime), typeof(DateTime?)),
                FieldType.StringArray => (nameof(ObjectFieldWriter.WriteArray), typeof(IEnumerable<string>)),
                _ => (nameof(ObjectFieldWriter.WriteString), typeof(string)),
            };
            if (parameter == typeof(DateOnly?) && (value.Type == typeof(DateTime) || value.Type == typeof(DateTime?)))
            {
                // A DateTime property declared as a date: the day it falls on (hosts often hold dates as DateTime).
                value = Expression.Call(typeof(ClrSchema).GetMethod(nameof(DayOf), BindingFlags.NonPublic | BindingFlags.Static)!, Expression.Convert(value, typeof(DateTime?)));
            }

            if (value.Type != parameter)
            {
                value = value.Type == typeof(float) || value.Type == typeof(float?)
                    ? Expression.Convert(Expression.Convert(value, typeof(double?)), parameter)
                    : Expression.Convert(value, parameter);
            }

            MethodInfo writer = typeof(ObjectFieldWriter).GetMethod(method)!;
            statements.Add(Expression.Call(writer, record, Expression.Constant(f), Expression.Constant(field), value));
        }

        Type delegateType = typeof(Action<,>).MakeGenericType(type, typeof(Record));
        Expression body = statements.Count == 0 ? Expression.Empty() : Expression.Block(statements);
        return Expression.Lambda(delegateType, body, item, record).Compile();
    }

    private static FieldType? Infer(Type type)
    {
        Type t = Nullable.GetUnderlyingType(type) ?? type;
        if (t == typeof(string))
        {
            return FieldType.String;
        }

        if (t == typeof(int) || t == typeof(short) || t == typeof(byte))
        {
            return FieldType.Int;
        }

        if (t == typeof(long))
        {
            return FieldType.Long;
        }

        if (t == typeof(decimal))
        {
            return FieldType.Decimal;
        }

        if (t == typeof(double) || t == typeof(float))
        {
            return FieldType.Double;
        }

        if (t == typeof(bool))
        {
            return FieldType.Bool;
        }

        if (t == typeof(DateOnly))
        {
            return FieldType.Date;
        }

        if (t == typeof(DateTime))
        {
            return FieldType.DateTime;
        }

        return typeof(IEnumerable<string>).IsAssignableFrom(t) ? FieldType.StringArray : null;
    }

    private static DateOnly? DayOf(DateTime? time) => time is { } value ? DateOnly.FromDateTime(value) : null;

    private static bool IsCompatible(FieldType inferred, FieldType declared) =>
        inferred == declared
        || (inferred == FieldType.String && declared is FieldType.IdNumber or FieldType.CreditCode or FieldType.CaseNo)
        || (inferred == FieldType.Int && declared == FieldType.Long)
        || (inferred == FieldType.DateTime && declared is FieldType.Date or FieldType.YearMonth);
}
