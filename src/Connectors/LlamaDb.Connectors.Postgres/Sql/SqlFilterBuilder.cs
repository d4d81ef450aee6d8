using System.Collections;
using LlamaDb.VectorData.ProviderServices;
using LlamaDb.VectorData.ProviderServices.Filter;
using Npgsql;
using NpgsqlTypes;

namespace LlamaDb.Connectors.Postgres.Sql;

/// <summary>
/// Translates a <see cref="FilterNode"/> to a SQL condition with C#'s null semantics (<c>r.Name != "x"</c> matches a null
/// Name; <c>!(r.Rating &gt; 2)</c> matches a null Rating). Negations are pushed down to the comparisons (De Morgan), so
/// plain comparisons stay index-friendly. Values become parameters.
/// </summary>
internal sealed class SqlFilterBuilder(TableMapping table, List<NpgsqlParameter> parameters)
{
    public string Build(FilterNode node) => Visit(node, negated: false);

    private string Visit(FilterNode node, bool negated) => node switch
    {
        AndFilter and => negated
            ? $"({Visit(and.Left, true)} OR {Visit(and.Right, true)})"
            : $"({Visit(and.Left, false)} AND {Visit(and.Right, false)})",
        OrFilter or => negated
            ? $"({Visit(or.Left, true)} AND {Visit(or.Right, true)})"
            : $"({Visit(or.Left, false)} OR {Visit(or.Right, false)})",
        NotFilter not => Visit(not.Operand, !negated),
        ConstantFilter constant => constant.Value != negated ? "TRUE" : "FALSE",
        ComparisonFilter comparison => Comparison(comparison, negated),
        ContainsFilter contains => Contains(contains, negated),
        InFilter @in => In(@in, negated),
        _ => throw new NotSupportedException($"The filter node {node.GetType().Name} is not supported by the PostgreSQL connector."),
    };

    private string Comparison(ComparisonFilter filter, bool negated)
    {
        (string column, Type element, bool isArray) = Column(filter.Property);
        if (isArray)
        {
            throw new NotSupportedException($"The filter compares the list property '{filter.Property.ModelName}'; use Contains.");
        }

        ComparisonOperator op = negated ? Negate(filter.Operator) : filter.Operator;
        if (filter.Value is null)
        {
            // C#: x == null / x != null; any ordering comparison with null is false.
            return op switch
            {
                ComparisonOperator.Equal => $"{column} IS NULL",
                ComparisonOperator.NotEqual => $"{column} IS NOT NULL",
                _ => negated ? "TRUE" : "FALSE",
            };
        }

        string parameter = Add(filter.Value, element);
        string sql = $"{column} {Symbol(op)} {parameter}";

        // A null column: == and the orderings are false, != is true. Negated orderings become true for null, too.
        bool matchesNull = op == ComparisonOperator.NotEqual || (negated && op != ComparisonOperator.Equal);
        return matchesNull ? $"({sql} OR {column} IS NULL)" : sql;
    }

    private string Contains(ContainsFilter filter, bool negated)
    {
        (string column, Type element, bool isArray) = Column(filter.Property);
        string sql;
        if (isArray)
        {
            // array_position compares with IS NOT DISTINCT FROM, so a null element is found too; never null itself.
            string parameter = Add(filter.Value, element);
            sql = $"(array_position({column}, {parameter}) IS NOT NULL)";
        }
        else if (element == typeof(string))
        {
            object? value = filter.Value is char c ? c.ToString() : filter.Value;
            if (value is not string)
            {
                throw new NotSupportedException($"Contains on the string property '{filter.Property.ModelName}' needs a string value.");
            }

            string parameter = Add(value, element);
            sql = $"coalesce(strpos({column}, {parameter}) > 0, FALSE)";
        }
        else
        {
            throw new NotSupportedException($"Contains needs a string or list property; '{filter.Property.ModelName}' is {filter.Property.Type.Name}.");
        }

        return negated ? $"(NOT {sql})" : sql;
    }

    private string In(InFilter filter, bool negated)
    {
        (string column, Type element, bool isArray) = Column(filter.Property);
        if (isArray)
        {
            throw new NotSupportedException($"'values.Contains(r.{filter.Property.ModelName})' needs a scalar property.");
        }

        Array values = PgTypes.NewParameterArray(element, filter.Values.Count(v => v is not null));
        bool hasNull = false;
        int i = 0;
        foreach (object? value in filter.Values)
        {
            if (value is null)
            {
                hasNull = true;
                continue;
            }

            values.SetValue(PgTypes.ToDb(value), i++);
        }

        string parameter = AddRaw(values, NpgsqlDbType.Array | PgTypes.DbType(element));
        string sql = $"coalesce({column} = ANY({parameter}), FALSE)";
        if (hasNull)
        {
            sql = $"({sql} OR {column} IS NULL)";
        }

        return negated ? $"(NOT {sql})" : sql;
    }

    private (string Column, Type Element, bool IsArray) Column(PropertyModel property)
    {
        if (property is KeyPropertyModel)
        {
            return ($"{TableMapping.Alias}.{table.KeyColumn}", table.KeyElement, false);
        }

        if (property is DataPropertyModel data)
        {
            TableMapping.DataColumn column = table.DataColumnOf(data);
            return ($"{TableMapping.Alias}.{column.Column}", column.Element, column.IsArray);
        }

        throw new NotSupportedException($"Filters cannot use the vector property '{property.ModelName}'.");
    }

    private string Add(object? value, Type element)
    {
        if (value is not null and not string && value is IEnumerable)
        {
            throw new NotSupportedException($"A filter value of type {value.GetType().Name} cannot be compared with a column of {element.Name}.");
        }

        object? db = PgTypes.ToDb(value is null ? null : ConvertValue(value, element));
        return AddRaw(db, PgTypes.DbType(element));
    }

    private string AddRaw(object? value, NpgsqlDbType type)
    {
        string name = "f" + parameters.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        parameters.Add(new NpgsqlParameter(name, type) { Value = value ?? DBNull.Value });
        return "@" + name;
    }

    /// <summary>Converts a filter value to the column's element type (an int constant compared with a long column, an enum...).</summary>
    private static object ConvertValue(object value, Type element)
    {
        if (element.IsInstanceOfType(value))
        {
            return value;
        }

        try
        {
            return element == typeof(DateTimeOffset) && value is DateTime d ? new DateTimeOffset(d)
                : element == typeof(DateTime) && value is DateTimeOffset o ? o.UtcDateTime
                : element == typeof(Guid) && value is string s ? Guid.Parse(s)
                : Convert.ChangeType(value, element, System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is InvalidCastException or FormatException or OverflowException)
        {
            throw new NotSupportedException($"The filter value {value} ({value.GetType().Name}) cannot be compared with a column of {element.Name}.", e);
        }
    }

    private static ComparisonOperator Negate(ComparisonOperator op) => op switch
    {
        ComparisonOperator.Equal => ComparisonOperator.NotEqual,
        ComparisonOperator.NotEqual => ComparisonOperator.Equal,
        ComparisonOperator.LessThan => ComparisonOperator.GreaterThanOrEqual,
        ComparisonOperator.LessThanOrEqual => ComparisonOperator.GreaterThan,
        ComparisonOperator.GreaterThan => ComparisonOperator.LessThanOrEqual,
        _ => ComparisonOperator.LessThan,
    };

    private static string Symbol(ComparisonOperator op) => op switch
    {
        ComparisonOperator.Equal => "=",
        ComparisonOperator.NotEqual => "<>",
        ComparisonOperator.LessThan => "<",
        ComparisonOperator.LessThanOrEqual => "<=",
        ComparisonOperator.GreaterThan => ">",
        _ => ">=",
    };
}
