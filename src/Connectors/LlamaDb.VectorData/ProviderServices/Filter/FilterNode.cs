namespace LlamaDb.VectorData.ProviderServices.Filter;

/// <summary>A filter after analysis: a tree connectors translate (to SQL) or evaluate (in memory).</summary>
public abstract class FilterNode
{
    private protected FilterNode()
    {
    }
}

/// <summary>The comparison operators a filter may use.</summary>
public enum ComparisonOperator
{
    /// <summary><c>==</c></summary>
    Equal,
    /// <summary><c>!=</c></summary>
    NotEqual,
    /// <summary><c>&lt;</c></summary>
    LessThan,
    /// <summary><c>&lt;=</c></summary>
    LessThanOrEqual,
    /// <summary><c>&gt;</c></summary>
    GreaterThan,
    /// <summary><c>&gt;=</c></summary>
    GreaterThanOrEqual,
}

/// <summary><c>property op value</c>.</summary>
public sealed class ComparisonFilter(PropertyModel property, ComparisonOperator op, object? value) : FilterNode
{
    /// <summary>The property compared.</summary>
    public PropertyModel Property { get; } = property;

    /// <summary>The operator.</summary>
    public ComparisonOperator Operator { get; } = op;

    /// <summary>The value (already evaluated; captured variables resolved).</summary>
    public object? Value { get; } = value;
}

/// <summary><c>left &amp;&amp; right</c>.</summary>
public sealed class AndFilter(FilterNode left, FilterNode right) : FilterNode
{
    /// <summary>The left operand.</summary>
    public FilterNode Left { get; } = left;

    /// <summary>The right operand.</summary>
    public FilterNode Right { get; } = right;
}

/// <summary><c>left || right</c>.</summary>
public sealed class OrFilter(FilterNode left, FilterNode right) : FilterNode
{
    /// <summary>The left operand.</summary>
    public FilterNode Left { get; } = left;

    /// <summary>The right operand.</summary>
    public FilterNode Right { get; } = right;
}

/// <summary><c>!operand</c>.</summary>
public sealed class NotFilter(FilterNode operand) : FilterNode
{
    /// <summary>The negated filter.</summary>
    public FilterNode Operand { get; } = operand;
}

/// <summary>
/// <c>r.Property.Contains(value)</c>: a list property holding the value, or a string property holding the substring.
/// </summary>
public sealed class ContainsFilter(PropertyModel property, object? value) : FilterNode
{
    /// <summary>The list or string property.</summary>
    public PropertyModel Property { get; } = property;

    /// <summary>The element or substring looked for.</summary>
    public object? Value { get; } = value;
}

/// <summary><c>values.Contains(r.Property)</c>: the property equals one of the values.</summary>
public sealed class InFilter(PropertyModel property, IReadOnlyList<object?> values) : FilterNode
{
    /// <summary>The property.</summary>
    public PropertyModel Property { get; } = property;

    /// <summary>The allowed values.</summary>
    public IReadOnlyList<object?> Values { get; } = values;
}

/// <summary>A constant <c>true</c> or <c>false</c>.</summary>
public sealed class ConstantFilter(bool value) : FilterNode
{
    /// <summary>The constant.</summary>
    public bool Value { get; } = value;
}
