using System.Collections;

namespace LlamaDb.VectorData.ProviderServices.Filter;

/// <summary>Evaluates a <see cref="FilterNode"/> in memory against a record's values.</summary>
public static class FilterEvaluator
{
    /// <summary>Whether the record whose values <paramref name="getValue"/> returns matches <paramref name="filter"/>.</summary>
    public static bool Evaluate(FilterNode filter, Func<PropertyModel, object?> getValue)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(getValue);
        return filter switch
        {
            AndFilter and => Evaluate(and.Left, getValue) && Evaluate(and.Right, getValue),
            OrFilter or => Evaluate(or.Left, getValue) || Evaluate(or.Right, getValue),
            NotFilter not => !Evaluate(not.Operand, getValue),
            ConstantFilter constant => constant.Value,
            ComparisonFilter comparison => Compare(getValue(comparison.Property), comparison.Operator, comparison.Value),
            ContainsFilter contains => Contains(getValue(contains.Property), contains.Value),
            InFilter @in => In(getValue(@in.Property), @in.Values),
            _ => throw new NotSupportedException($"Unknown filter node {filter.GetType().Name}."),
        };
    }

    /// <summary>Compares two values the way filters do: numbers by value across numeric types, strings ordinally, nulls equal only to null, NaN unordered (only != holds).</summary>
    public static bool Compare(object? left, ComparisonOperator op, object? right)
    {
        if (left is null || right is null)
        {
            return op switch
            {
                ComparisonOperator.Equal => left is null && right is null,
                ComparisonOperator.NotEqual => !(left is null && right is null),
                _ => false,
            };
        }

        int? order = Order(left, right);
        if (order is null)
        {
            return op == ComparisonOperator.NotEqual;
        }

        return op switch
        {
            ComparisonOperator.Equal => order == 0,
            ComparisonOperator.NotEqual => order != 0,
            ComparisonOperator.LessThan => order < 0,
            ComparisonOperator.LessThanOrEqual => order <= 0,
            ComparisonOperator.GreaterThan => order > 0,
            _ => order >= 0,
        };
    }

    private static bool Contains(object? container, object? value)
    {
        switch (container)
        {
            case null:
                return false;
            case string text:
                return value switch
                {
                    string part => text.Contains(part, StringComparison.Ordinal),
                    char c => text.Contains(c, StringComparison.Ordinal),
                    _ => false,
                };
            case IEnumerable items:
                foreach (object? item in items)
                {
                    if (Compare(item, ComparisonOperator.Equal, value))
                    {
                        return true;
                    }
                }

                return false;
            default:
                return false;
        }
    }

    private static bool In(object? value, IReadOnlyList<object?> values)
    {
        foreach (object? candidate in values)
        {
            if (Compare(value, ComparisonOperator.Equal, candidate))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The order of two non-null values, or null when they cannot be compared.</summary>
    private static int? Order(object left, object right)
    {
        if (IsNumber(left) && IsNumber(right))
        {
            // NaN is unordered: like C#, every comparison with it is false except !=.
            if (left is double.NaN or float.NaN || right is double.NaN or float.NaN)
            {
                return null;
            }

            if (left is float or double || right is float or double)
            {
                return Convert.ToDouble(left, System.Globalization.CultureInfo.InvariantCulture).CompareTo(Convert.ToDouble(right, System.Globalization.CultureInfo.InvariantCulture));
            }

            if (left is ulong ul && ul > long.MaxValue || right is ulong ur && ur > long.MaxValue)
            {
                return Convert.ToDecimal(left, System.Globalization.CultureInfo.InvariantCulture).CompareTo(Convert.ToDecimal(right, System.Globalization.CultureInfo.InvariantCulture));
            }

            if (left is decimal || right is decimal)
            {
                return Convert.ToDecimal(left, System.Globalization.CultureInfo.InvariantCulture).CompareTo(Convert.ToDecimal(right, System.Globalization.CultureInfo.InvariantCulture));
            }

            return Convert.ToInt64(left, System.Globalization.CultureInfo.InvariantCulture).CompareTo(Convert.ToInt64(right, System.Globalization.CultureInfo.InvariantCulture));
        }

        if (left is string ls && right is string rs)
        {
            return string.CompareOrdinal(ls, rs);
        }

        if (left is DateTimeOffset ldo && right is DateTime rdt)
        {
            return ldo.CompareTo(new DateTimeOffset(rdt.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(rdt, DateTimeKind.Utc) : rdt));
        }

        if (left is DateTime ldt && right is DateTimeOffset rdo)
        {
            return new DateTimeOffset(ldt.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(ldt, DateTimeKind.Utc) : ldt).CompareTo(rdo);
        }

        if (left.GetType() == right.GetType() && left is IComparable comparable)
        {
            return comparable.CompareTo(right);
        }

        return left.Equals(right) ? 0 : null;
    }

    private static bool IsNumber(object value) =>
        value is byte or sbyte or short or ushort or int or uint or long or ulong or float or double or decimal;
}
