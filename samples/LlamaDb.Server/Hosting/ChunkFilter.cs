using System.Linq.Expressions;
using System.Reflection;
using System.Text.Json;
using LlamaDb.Retrieval;

namespace LlamaDb.Server.Hosting;

/// <summary>
/// Translates a small JSON filter into an expression over <see cref="ChunkRecord"/>: each field is an equality
/// (<c>{"source": "a.md"}</c>) or an in-list (<c>{"documentId": ["a", "b"]}</c>); fields are combined with AND. Only the
/// fields below are accepted, and values are constants: nothing in the request is compiled or evaluated as code.
/// </summary>
internal static class ChunkFilter
{
    private static readonly Dictionary<string, PropertyInfo> s_fields = new(StringComparer.OrdinalIgnoreCase)
    {
        ["documentId"] = typeof(ChunkRecord).GetProperty(nameof(ChunkRecord.DocumentId))!,
        ["source"] = typeof(ChunkRecord).GetProperty(nameof(ChunkRecord.Source))!,
        ["title"] = typeof(ChunkRecord).GetProperty(nameof(ChunkRecord.Title))!,
        ["headingPath"] = typeof(ChunkRecord).GetProperty(nameof(ChunkRecord.HeadingPath))!,
        ["chunkIndex"] = typeof(ChunkRecord).GetProperty(nameof(ChunkRecord.ChunkIndex))!,
    };

    private static readonly MethodInfo s_containsString = ContainsOf<string>();
    private static readonly MethodInfo s_containsInt = ContainsOf<int>();

    public static string AllowedFields => string.Join(", ", s_fields.Keys);

    public static Expression<Func<ChunkRecord, bool>>? Parse(JsonElement? filter, ServerLimits limits)
    {
        if (filter is not { } element || element.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
        {
            return null;
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            throw ProblemException.BadRequest("'filter' must be a JSON object such as {\"documentId\": \"a.md\"} or {\"source\": [\"a.md\", \"b.md\"]}.");
        }

        ParameterExpression record = Expression.Parameter(typeof(ChunkRecord), "r");
        Expression? body = null;
        foreach (JsonProperty field in element.EnumerateObject())
        {
            if (!s_fields.TryGetValue(field.Name, out PropertyInfo? property))
            {
                throw ProblemException.BadRequest($"'filter' field '{field.Name}' is not supported; use {AllowedFields}.");
            }

            Expression condition = Condition(record, property, field, limits);
            body = body is null ? condition : Expression.AndAlso(body, condition);
        }

        return body is null ? null : Expression.Lambda<Func<ChunkRecord, bool>>(body, record);
    }

    private static Expression Condition(ParameterExpression record, PropertyInfo property, JsonProperty field, ServerLimits limits)
    {
        MemberExpression member = Expression.Property(record, property);
        bool isInt = property.PropertyType == typeof(int);
        if (field.Value.ValueKind == JsonValueKind.Array)
        {
            int count = field.Value.GetArrayLength();
            RequestChecks.Inputs(limits, count, $"values in filter field '{field.Name}'");
            if (isInt)
            {
                int[] values = [.. field.Value.EnumerateArray().Select(v => Int(field.Name, v))];
                return Expression.Call(s_containsInt, Expression.Constant(values, typeof(IEnumerable<int>)), member);
            }

            string[] strings = [.. field.Value.EnumerateArray().Select(v => String(field.Name, v))];
            return Expression.Call(s_containsString, Expression.Constant(strings, typeof(IEnumerable<string>)), member);
        }

        return isInt
            ? Expression.Equal(member, Expression.Constant(Int(field.Name, field.Value)))
            : Expression.Equal(member, Expression.Constant(String(field.Name, field.Value), typeof(string)));
    }

    private static string String(string name, JsonElement value) => value.ValueKind == JsonValueKind.String
        ? value.GetString()!
        : throw ProblemException.BadRequest($"'filter' field '{name}' takes a string or an array of strings.");

    private static int Int(string name, JsonElement value) => value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int number)
        ? number
        : throw ProblemException.BadRequest($"'filter' field '{name}' takes an integer or an array of integers.");

    private static MethodInfo ContainsOf<T>() =>
        typeof(Enumerable).GetMethods(BindingFlags.Public | BindingFlags.Static)
            .Single(m => m.Name == nameof(Enumerable.Contains) && m.GetParameters().Length == 2)
            .MakeGenericMethod(typeof(T));
}
