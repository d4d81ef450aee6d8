using System.Collections;
using System.Globalization;
using System.Text;
using NpgsqlTypes;

namespace LlamaDb.Connectors.Postgres.Sql;

/// <summary>
/// How .NET property types map to PostgreSQL column types, and how values cross over. Values are always sent as
/// parameters; array-valued columns travel in batches as PostgreSQL array literals in a <c>text[]</c> parameter and are
/// cast on the server (<c>unnest</c> cannot carry arrays of arrays).
/// </summary>
internal static class PgTypes
{
    /// <summary>The non-nullable element type of a scalar, or of an array / list property (any list type the contract accepts).</summary>
    public static Type ElementType(Type type, out bool isArray)
    {
        Type t = Nullable.GetUnderlyingType(type) ?? type;
        if (LlamaDb.VectorData.ProviderServices.CollectionModelBuilder.ElementType(t) is { } element)
        {
            isArray = true;
            return Nullable.GetUnderlyingType(element) ?? element;
        }

        isArray = false;
        return t;
    }

    /// <summary>The declared element type of an array or list type (nullable kept).</summary>
    public static Type DeclaredElementType(Type listType) =>
        LlamaDb.VectorData.ProviderServices.CollectionModelBuilder.ElementType(Nullable.GetUnderlyingType(listType) ?? listType)
        ?? throw new ArgumentException($"{listType.Name} is not an array or list type.", nameof(listType));

    /// <summary>Whether <paramref name="type"/> is a numeric .NET type.</summary>
    public static bool IsNumeric(Type type) =>
        type == typeof(int) || type == typeof(long) || type == typeof(short) || type == typeof(byte) || type == typeof(uint)
        || type == typeof(ulong) || type == typeof(float) || type == typeof(double) || type == typeof(decimal) || type == typeof(sbyte) || type == typeof(ushort);

    /// <summary>The column type of a scalar element.</summary>
    public static string SqlType(Type element) => element switch
    {
        _ when element == typeof(string) => "text",
        _ when element == typeof(int) => "integer",
        _ when element == typeof(long) => "bigint",
        _ when element == typeof(short) => "smallint",
        _ when element == typeof(byte) => "smallint",
        _ when element == typeof(uint) => "bigint",
        _ when element == typeof(ulong) => "numeric(20,0)",
        _ when element == typeof(float) => "real",
        _ when element == typeof(double) => "double precision",
        _ when element == typeof(decimal) => "numeric",
        _ when element == typeof(bool) => "boolean",
        _ when element == typeof(DateTime) => "timestamptz",
        _ when element == typeof(DateTimeOffset) => "timestamptz",
        _ when element == typeof(Guid) => "uuid",
        _ => throw new NotSupportedException($"The PostgreSQL connector does not store properties of type {element.Name}."),
    };

    /// <summary>The parameter type of a scalar element (as sent, after <see cref="ToDb"/>).</summary>
    public static NpgsqlDbType DbType(Type element) => element switch
    {
        _ when element == typeof(string) => NpgsqlDbType.Text,
        _ when element == typeof(int) => NpgsqlDbType.Integer,
        _ when element == typeof(long) || element == typeof(uint) => NpgsqlDbType.Bigint,
        _ when element == typeof(short) || element == typeof(byte) => NpgsqlDbType.Smallint,
        _ when element == typeof(ulong) || element == typeof(decimal) => NpgsqlDbType.Numeric,
        _ when element == typeof(float) => NpgsqlDbType.Real,
        _ when element == typeof(double) => NpgsqlDbType.Double,
        _ when element == typeof(bool) => NpgsqlDbType.Boolean,
        _ when element == typeof(DateTime) || element == typeof(DateTimeOffset) => NpgsqlDbType.TimestampTz,
        _ when element == typeof(Guid) => NpgsqlDbType.Uuid,
        _ => throw new NotSupportedException($"The PostgreSQL connector does not store properties of type {element.Name}."),
    };

    /// <summary>The .NET type a parameter value of <paramref name="element"/> is sent as.</summary>
    public static Type DbClrType(Type element) => element switch
    {
        _ when element == typeof(byte) => typeof(short),
        _ when element == typeof(uint) => typeof(long),
        _ when element == typeof(ulong) => typeof(decimal),
        _ when element == typeof(DateTimeOffset) => typeof(DateTime),
        _ => element,
    };

    /// <summary>
    /// Converts a value of another type to <paramref name="element"/> (an int given for a long, a string for a Guid, a
    /// DateTime for a DateTimeOffset). Throws <see cref="InvalidCastException"/>, <see cref="FormatException"/> or
    /// <see cref="OverflowException"/> when it cannot; callers turn that into their own error.
    /// </summary>
    public static object ConvertTo(object value, Type element)
    {
        if (element.IsInstanceOfType(value))
        {
            return value;
        }

        return element == typeof(DateTimeOffset) && value is DateTime d ? new DateTimeOffset(d)
            : element == typeof(Guid) && value is string s ? Guid.Parse(s)
            : Convert.ChangeType(value, element, CultureInfo.InvariantCulture);
    }

    /// <summary>Converts a scalar to what is sent (UTC timestamps, widened unsigned integers).</summary>
    public static object? ToDb(object? value) => value switch
    {
        null => null,
        byte b => (short)b,
        uint u => (long)u,
        ulong u => (decimal)u,
        DateTime d => d.Kind switch
        {
            DateTimeKind.Utc => d,
            DateTimeKind.Local => d.ToUniversalTime(),
            _ => DateTime.SpecifyKind(d, DateTimeKind.Utc), // an unspecified time is taken as UTC (timestamptz keeps instants)
        },
        DateTimeOffset o => o.UtcDateTime,
        _ => value,
    };

    /// <summary>Converts a value read from the database to <paramref name="type"/> (the property's type).</summary>
    public static object? FromDb(object? value, Type type)
    {
        if (value is null or DBNull)
        {
            return null;
        }

        Type t = Nullable.GetUnderlyingType(type) ?? type;
        if (t == typeof(object))
        {
            return value;
        }

        if (t.IsInstanceOfType(value) && t != typeof(DateTime))
        {
            return value;
        }

        Type element = ElementType(t, out bool isArray);
        if (isArray)
        {
            var source = (Array)value;
            Type declared = DeclaredElementType(t);
            Array converted = Array.CreateInstance(declared, source.Length);
            for (int i = 0; i < source.Length; i++)
            {
                converted.SetValue(FromDb(source.GetValue(i), declared), i);
            }

            if (t.IsArray)
            {
                return converted;
            }

            // List<T> serves List<T>, IList<T>, IReadOnlyList<T>, ICollection<T>, IReadOnlyCollection<T> and IEnumerable<T>.
            var list = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(declared), source.Length)!; // List<T>(int capacity)
            foreach (object? item in converted)
            {
                list.Add(item);
            }

            return list;
        }

        return element switch
        {
            _ when element == typeof(DateTime) => value is DateTime d ? DateTime.SpecifyKind(d, DateTimeKind.Utc) : Convert.ToDateTime(value, CultureInfo.InvariantCulture),
            _ when element == typeof(DateTimeOffset) => value is DateTime d ? new DateTimeOffset(DateTime.SpecifyKind(d, DateTimeKind.Utc)) : (DateTimeOffset)value,
            _ when element == typeof(Guid) => (Guid)value,
            _ => Convert.ChangeType(value, element, CultureInfo.InvariantCulture),
        };
    }

    /// <summary>A typed, nullable array of <paramref name="count"/> parameter values of <paramref name="element"/>.</summary>
    public static Array NewParameterArray(Type element, int count)
    {
        Type clr = DbClrType(element);
        return Array.CreateInstance(clr.IsValueType ? typeof(Nullable<>).MakeGenericType(clr) : clr, count);
    }

    /// <summary>Writes an array or list value as a PostgreSQL array literal (<c>{"a","b",NULL}</c>), or null.</summary>
    public static string? ToArrayLiteral(object? value)
    {
        if (value is null)
        {
            return null;
        }

        if (value is not IEnumerable items || value is string)
        {
            throw new ArgumentException($"A value of type {value.GetType().Name} is not an array or list.");
        }

        var builder = new StringBuilder("{");
        bool first = true;
        foreach (object? item in items)
        {
            if (!first)
            {
                builder.Append(',');
            }

            first = false;
            object? db = ToDb(item);
            if (db is null)
            {
                builder.Append("NULL");
                continue;
            }

            string text = db switch
            {
                // As Npgsql sends single values: the extremes are PostgreSQL's infinities (and read back as them).
                DateTime d when d == DateTime.MinValue => "-infinity",
                DateTime d when d == DateTime.MaxValue => "infinity",
                DateTime d => d.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture),
                float f => f.ToString("R", CultureInfo.InvariantCulture),
                double f => f.ToString("R", CultureInfo.InvariantCulture),
                bool b => b ? "true" : "false",
                IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                _ => db.ToString() ?? "",
            };
            builder.Append('"');
            foreach (char c in text)
            {
                if (c is '"' or '\\')
                {
                    builder.Append('\\');
                }

                builder.Append(c);
            }

            builder.Append('"');
        }

        return builder.Append('}').ToString();
    }
}
