using System.Collections;
using System.Linq.Expressions;
using System.Reflection;

namespace LlamaDb.VectorData.ProviderServices.Filter;

/// <summary>
/// Turns a LINQ filter (<c>r =&gt; r.Category == "a" &amp;&amp; r.Rating &gt;= min</c>) into a <see cref="FilterNode"/> tree.
/// Supported: <c>==</c>, <c>!=</c>, <c>&lt;</c>, <c>&lt;=</c>, <c>&gt;</c>, <c>&gt;=</c>, <c>&amp;&amp;</c>, <c>||</c>, <c>!</c>,
/// bool properties, <c>Contains</c> on string and list properties, <c>array.Contains(r.Property)</c>, captured variables,
/// and <c>r["Name"]</c> on dynamic records. Anything else throws <see cref="NotSupportedException"/> naming the node.
/// </summary>
public static class FilterTranslator
{
    /// <summary>Analyzes <paramref name="filter"/> against <paramref name="model"/>.</summary>
    public static FilterNode Translate<TRecord>(Expression<Func<TRecord, bool>> filter, CollectionModel model)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(model);
        return new Visitor(filter.Parameters[0], model).Visit(filter.Body);
    }

    private sealed class Visitor(ParameterExpression record, CollectionModel model)
    {
        public FilterNode Visit(Expression node)
        {
            node = StripConvert(node);
            switch (node)
            {
                case BinaryExpression { NodeType: ExpressionType.AndAlso } and:
                    return new AndFilter(Visit(and.Left), Visit(and.Right));
                case BinaryExpression { NodeType: ExpressionType.OrElse } or:
                    return new OrFilter(Visit(or.Left), Visit(or.Right));
                case UnaryExpression { NodeType: ExpressionType.Not } not:
                    return new NotFilter(Visit(not.Operand));
                case BinaryExpression binary when ToOperator(binary.NodeType) is { } op:
                    return Comparison(binary, op);
                case MethodCallExpression call:
                    return Call(call);
                case ConstantExpression { Value: bool constant }:
                    return new ConstantFilter(constant);
                default:
                    if (TryGetProperty(node, out PropertyModel? boolProperty) && (Nullable.GetUnderlyingType(boolProperty.Type) ?? boolProperty.Type) == typeof(bool))
                    {
                        return new ComparisonFilter(boolProperty, ComparisonOperator.Equal, true);
                    }

                    if (!References(node, record) && node.Type == typeof(bool))
                    {
                        return new ConstantFilter((bool)Evaluate(node)!);
                    }

                    throw Unsupported(node);
            }
        }

        private FilterNode Comparison(BinaryExpression binary, ComparisonOperator op)
        {
            if (TryGetProperty(binary.Left, out PropertyModel? left) && !References(binary.Right, record))
            {
                return new ComparisonFilter(left, op, Evaluate(binary.Right));
            }

            if (TryGetProperty(binary.Right, out PropertyModel? right) && !References(binary.Left, record))
            {
                return new ComparisonFilter(right, Flip(op), Evaluate(binary.Left));
            }

            throw new NotSupportedException($"The filter comparison '{binary}' must compare one record property with a value (a constant or captured variable).");
        }

        private FilterNode Call(MethodCallExpression call)
        {
            if (call.Method.Name == nameof(string.Contains))
            {
                // instance: r.Text.Contains("x") or r.Tags.Contains("x") (List<T>.Contains)
                if (call.Object is not null && call.Arguments.Count == 1)
                {
                    if (TryGetProperty(call.Object, out PropertyModel? property) && !References(call.Arguments[0], record))
                    {
                        return new ContainsFilter(property, Evaluate(call.Arguments[0]));
                    }

                    if (!References(call.Object, record) && TryGetProperty(call.Arguments[0], out PropertyModel? member))
                    {
                        return new InFilter(member, ToList(Evaluate(call.Object)));
                    }
                }

                // static: Enumerable.Contains(source, value) or MemoryExtensions.Contains(span, value)
                if (call.Object is null && call.Arguments.Count == 2
                    && (call.Method.DeclaringType == typeof(Enumerable) || call.Method.DeclaringType == typeof(MemoryExtensions)))
                {
                    Expression source = StripSpanConversion(call.Arguments[0]);
                    Expression value = call.Arguments[1];
                    if (TryGetProperty(source, out PropertyModel? list) && !References(value, record))
                    {
                        return new ContainsFilter(list, Evaluate(value));
                    }

                    if (!References(source, record) && TryGetProperty(value, out PropertyModel? member))
                    {
                        return new InFilter(member, ToList(Evaluate(source)));
                    }
                }
            }

            if (call.Method.Name == nameof(object.Equals) && call.Object is not null && call.Arguments.Count == 1)
            {
                return Comparison(Expression.Equal(Box(call.Object), Box(call.Arguments[0])), ComparisonOperator.Equal);
            }

            throw Unsupported(call);
        }

        private static Expression Box(Expression e) => e.Type == typeof(object) ? e : Expression.Convert(e, typeof(object));

        private bool TryGetProperty(Expression node, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out PropertyModel? property)
        {
            node = StripConvert(node);
            string? name = node switch
            {
                MemberExpression member when StripConvert(member.Expression!) == record => member.Member.Name,
                MethodCallExpression { Method.Name: "get_Item", Object: { } target, Arguments: [var key] } when StripConvert(target) == record && !References(key, record)
                    => Evaluate(key) as string,
                _ => null,
            };
            if (name is null)
            {
                property = null;
                return false;
            }

            if (!model.TryGetProperty(name, out property))
            {
                throw new InvalidOperationException($"The filter uses '{name}', which is not a property of the collection.");
            }

            if (property is VectorPropertyModel)
            {
                throw new NotSupportedException($"The filter uses the vector property '{name}'; filters apply to key and data properties.");
            }

            return true;
        }

        private static Expression StripConvert(Expression node)
        {
            while (node is UnaryExpression { NodeType: ExpressionType.Convert or ExpressionType.ConvertChecked or ExpressionType.TypeAs } unary)
            {
                node = unary.Operand;
            }

            return node;
        }

        /// <summary>C# 14 binds <c>array.Contains(x)</c> to <c>MemoryExtensions.Contains(ReadOnlySpan&lt;T&gt;, T)</c> through an implicit span conversion.</summary>
        private static Expression StripSpanConversion(Expression node)
        {
            node = StripConvert(node);
            return node is MethodCallExpression { Method.Name: "op_Implicit", Arguments: [var inner] } ? StripConvert(inner) : node;
        }

        private static IReadOnlyList<object?> ToList(object? values)
        {
            if (values is not IEnumerable enumerable || values is string)
            {
                throw new NotSupportedException("The values of an 'in' filter (values.Contains(r.Property)) must be a collection.");
            }

            var list = new List<object?>();
            foreach (object? value in enumerable)
            {
                list.Add(value);
            }

            return list;
        }

        private static object? Evaluate(Expression node)
        {
            node = StripSpanConversion(node);
            switch (node)
            {
                case ConstantExpression constant:
                    return constant.Value;
                case MemberExpression { Member: FieldInfo field } member when member.Expression is null or ConstantExpression:
                    return field.GetValue((member.Expression as ConstantExpression)?.Value);
                case MemberExpression { Member: PropertyInfo property } member when member.Expression is null or ConstantExpression:
                    return property.GetValue((member.Expression as ConstantExpression)?.Value);
                default:
                    return Expression.Lambda<Func<object?>>(Expression.Convert(node, typeof(object))).Compile(preferInterpretation: true)();
            }
        }

        private static bool References(Expression node, ParameterExpression parameter)
        {
            var finder = new ParameterFinder(parameter);
            finder.Visit(node);
            return finder.Found;
        }

        private static ComparisonOperator? ToOperator(ExpressionType type) => type switch
        {
            ExpressionType.Equal => ComparisonOperator.Equal,
            ExpressionType.NotEqual => ComparisonOperator.NotEqual,
            ExpressionType.LessThan => ComparisonOperator.LessThan,
            ExpressionType.LessThanOrEqual => ComparisonOperator.LessThanOrEqual,
            ExpressionType.GreaterThan => ComparisonOperator.GreaterThan,
            ExpressionType.GreaterThanOrEqual => ComparisonOperator.GreaterThanOrEqual,
            _ => null,
        };

        private static ComparisonOperator Flip(ComparisonOperator op) => op switch
        {
            ComparisonOperator.LessThan => ComparisonOperator.GreaterThan,
            ComparisonOperator.LessThanOrEqual => ComparisonOperator.GreaterThanOrEqual,
            ComparisonOperator.GreaterThan => ComparisonOperator.LessThan,
            ComparisonOperator.GreaterThanOrEqual => ComparisonOperator.LessThanOrEqual,
            _ => op,
        };

        private static NotSupportedException Unsupported(Expression node) =>
            new($"The filter expression node '{node}' ({node.NodeType}) is not supported. Supported: ==, !=, <, <=, >, >=, &&, ||, !, bool properties, Contains on string and list properties, array.Contains(r.Property), and captured variables.");
    }

    private sealed class ParameterFinder(ParameterExpression parameter) : ExpressionVisitor
    {
        public bool Found { get; private set; }

        protected override Expression VisitParameter(ParameterExpression node)
        {
            Found |= node == parameter;
            return node;
        }
    }
}
