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
        if (isArray)
        {
            // The element type exactly: array operators and array_position need the column's element type.
            string parameter = AddRaw(PgTypes.ToDb(filter.Value is null ? null : ConvertValue(filter.Value, element)), PgTypes.DbType(element));
            if (negated || filter.Value is null)
            {
                // array_position compares with IS NOT DISTINCT FROM (finds a null element too) and is never null itself.
                return negated ? $"(array_position({column}, {parameter}) IS NULL)" : $"(array_position({column}, {parameter}) IS NOT NULL)";
            }

            // Containment can use the column's GIN index (IsIndexed on a list property).
            return $"({column} @> ARRAY[{parameter}])";
        }

        if (element == typeof(string))
        {
            object? value = filter.Value is char c ? c.ToString() : filter.Value;
            if (value is not string)
            {
                throw new NotSupportedException($"Contains on the string property '{filter.Property.ModelName}' needs a string value.");
            }

            string parameter = Add(value, element);
            return negated ? $"(NOT coalesce(strpos({column}, {parameter}) > 0, FALSE))" : $"(strpos({column}, {parameter}) > 0)";
        }

        throw new NotSupportedException($"Contains needs a string or list property; '{filter.Property.ModelName}' is {filter.Property.Type.Name}.");
    }

    private string In(InFilter filter, bool negated)
    {
        (string column, Type element, bool isArray) = Column(filter.Property);
        if (isArray)
        {
            throw new NotSupportedException($"'values.Contains(r.{filter.Property.ModelName})' needs a scalar property.");
        }

        var values = new List<object>();
        bool hasNull = false;
        foreach (object? value in filter.Values)
        {
            if (value is null)
            {
                hasNull = true;
            }
            else
            {
                values.Add(value);
            }
        }

        // Numbers keep their own type (widened to the widest among them), as C# compares them; others take the column's.
        Type type = element;
        if (PgTypes.IsNumeric(element) && values.Count > 0 && values.All(v => PgTypes.IsNumeric(v.GetType())) && values.Any(v => v.GetType() != element))
        {
            type = values.Any(v => v is float or double) ? typeof(double) : typeof(decimal);
        }

        Array array = PgTypes.NewParameterArray(type, values.Count);
        for (int i = 0; i < values.Count; i++)
        {
            array.SetValue(PgTypes.ToDb(type == element ? ConvertValue(values[i], element) : Convert.ChangeType(values[i], type, System.Globalization.CultureInfo.InvariantCulture)), i);
        }

        string parameter = AddRaw(array, NpgsqlDbType.Array | PgTypes.DbType(type));
        if (negated)
        {
            string sql = $"coalesce({column} = ANY({parameter}), FALSE)";
            return hasNull ? $"(NOT ({sql} OR {column} IS NULL))" : $"(NOT {sql})";
        }

        // A plain = ANY keeps the B-tree usable; a null column gives null there, which excludes the row like false.
        return hasNull ? $"({column} = ANY({parameter}) OR {column} IS NULL)" : $"({column} = ANY({parameter}))";
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

        if (value is not null && PgTypes.IsNumeric(element) && PgTypes.IsNumeric(value.GetType()) && value.GetType() != element)
        {
            // C# compares an int property with a double value as doubles (r.Count >= 2.5 is false for 2): send the value in
            // its own type and let PostgreSQL widen the column, rather than narrowing (rounding) the value.
            Type own = value is sbyte or ushort ? typeof(int) : value.GetType();
            return AddRaw(PgTypes.ToDb(Convert.ChangeType(value, own, System.Globalization.CultureInfo.InvariantCulture)), PgTypes.DbType(own));
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
        try
        {
            // Filters also compare a DateTimeOffset with a DateTime column (as its UTC instant).
            return element == typeof(DateTime) && value is DateTimeOffset o ? o.UtcDateTime : PgTypes.ConvertTo(value, element);
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
