using System.Linq.Expressions;
using System.Reflection;
using FsCheck;
using FsCheck.Fluent;
using LlamaDb.VectorData.ProviderServices;
using LlamaDb.VectorData.ProviderServices.Filter;

namespace LlamaDb.VectorData.Tests.ProviderServices.Filter;

/// <summary>
/// FsCheck: for random records and random filter trees over the supported operators, evaluating the translated tree
/// agrees with the compiled LINQ predicate.
/// </summary>
public sealed class FilterPropertyTests
{
    private static readonly Config s_config = Config.QuickThrowOnFailure.WithMaxTest(500);
    private static readonly CollectionModel s_model = CollectionModelBuilder.Build(typeof(FilterRecord), definition: null);
    private static readonly ParameterExpression s_record = Expression.Parameter(typeof(FilterRecord), "r");

    private static readonly string[] s_categories = ["a", "b", "c", "ab"];
    private static readonly string?[] s_names = ["alpha", "beta", "alphabet", null];
    private static readonly string[] s_tags = ["x", "y", "z"];
    private static readonly double[] s_scores = [-1, 0, 0.5, 1.5, 2.5, double.NaN, double.PositiveInfinity];
    private static readonly Guid[] s_ids = [new("11111111-1111-1111-1111-111111111111"), new("22222222-2222-2222-2222-222222222222"), new("33333333-3333-3333-3333-333333333333")];
    private static readonly DateTime[] s_dates = [new(2023, 1, 1, 0, 0, 0, DateTimeKind.Utc), new(2024, 6, 1, 0, 0, 0, DateTimeKind.Utc), new(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc)];
    private static readonly ExpressionType[] s_comparisons =
        [ExpressionType.Equal, ExpressionType.NotEqual, ExpressionType.LessThan, ExpressionType.LessThanOrEqual, ExpressionType.GreaterThan, ExpressionType.GreaterThanOrEqual];

    private static readonly MethodInfo s_stringEquality = typeof(string).GetMethod("op_Equality", [typeof(string), typeof(string)])!;
    private static readonly MethodInfo s_stringInequality = typeof(string).GetMethod("op_Inequality", [typeof(string), typeof(string)])!;
    private static readonly MethodInfo s_stringContains = typeof(string).GetMethod(nameof(string.Contains), [typeof(string)])!;
    private static readonly MethodInfo s_listContains = typeof(List<string>).GetMethod(nameof(List<string>.Contains), [typeof(string)])!;
    private static readonly MethodInfo s_enumerableContains = typeof(Enumerable).GetMethods()
        .Single(m => m.Name == nameof(Enumerable.Contains) && m.GetParameters().Length == 2).MakeGenericMethod(typeof(string));

    private static Gen<T[]> SubsetOf<T>(T[] items) =>
        Gen.ListOf(Gen.Elements(items)).Select(list => list.Distinct().ToArray());

    private static readonly Gen<FilterRecord> s_recordGen =
        from key in Gen.Choose(1, 100)
        from category in Gen.Elements(s_categories)
        from name in Gen.Elements(s_names)
        from rating in Gen.Choose(0, 6)
        from nullableRating in Gen.OneOf(Gen.Constant<int?>(null), Gen.Choose(0, 6).Select(v => (int?)v))
        from count in Gen.Choose(-3, 3).Select(v => (long)v)
        from score in Gen.Elements(s_scores)
        from isActive in Gen.Elements(true, false)
        from flag in Gen.Elements<bool?>(true, false, null)
        from created in Gen.Elements(s_dates)
        from id in Gen.Elements(s_ids)
        from tags in SubsetOf(s_tags)
        from labels in SubsetOf(s_tags)
        select new FilterRecord
        {
            Key = key, Category = category, Name = name, Rating = rating, NullableRating = nullableRating, Count = count, Score = score,
            IsActive = isActive, NullableFlag = flag, Created = created, Id = id, Tags = [.. tags], Labels = labels,
        };

    private static Expression Property(string name) => Expression.Property(s_record, name);

    private static Gen<Expression> Comparison(string property, Gen<Expression> value) =>
        from op in Gen.Elements(s_comparisons)
        from right in value
        select (Expression)Expression.MakeBinary(op, Property(property), right);

    private static Gen<Expression> Leaf()
    {
        Gen<Expression> intConstant = Gen.Choose(-1, 7).Select(v => (Expression)Expression.Constant(v));
        return Gen.OneOf(
            Comparison(nameof(FilterRecord.Rating), intConstant),
            Comparison(nameof(FilterRecord.NullableRating), Gen.OneOf(Gen.Constant<int?>(null), Gen.Choose(-1, 7).Select(v => (int?)v)).Select(v => (Expression)Expression.Constant(v, typeof(int?)))),
            Comparison(nameof(FilterRecord.Score), Gen.Elements(s_scores).Select(v => (Expression)Expression.Constant(v))),
            Comparison(nameof(FilterRecord.Count), Gen.Choose(-4, 4).Select(v => (Expression)Expression.Convert(Expression.Constant(v), typeof(long)))),
            Comparison(nameof(FilterRecord.Created), Gen.Elements(s_dates).Select(v => (Expression)Expression.Constant(v))),
            from op in Gen.Elements(s_comparisons)
            from limit in Gen.Choose(-1, 7)
            select (Expression)Expression.MakeBinary(op, Expression.Convert(Property(nameof(FilterRecord.Rating)), typeof(long)), Expression.Constant((long)limit)),
            from equal in Gen.Elements(true, false)
            from value in Gen.Elements<string?>([.. s_categories, "zz"])
            select (Expression)(equal
                ? Expression.Equal(Property(nameof(FilterRecord.Category)), Expression.Constant(value, typeof(string)), false, s_stringEquality)
                : Expression.NotEqual(Property(nameof(FilterRecord.Category)), Expression.Constant(value, typeof(string)), false, s_stringInequality)),
            from equal in Gen.Elements(true, false)
            from value in Gen.Elements(s_names)
            select (Expression)(equal
                ? Expression.Equal(Property(nameof(FilterRecord.Name)), Expression.Constant(value, typeof(string)), false, s_stringEquality)
                : Expression.NotEqual(Property(nameof(FilterRecord.Name)), Expression.Constant(value, typeof(string)), false, s_stringInequality)),
            from equal in Gen.Elements(true, false)
            from value in Gen.Elements(s_ids)
            select (Expression)(equal
                ? Expression.Equal(Property(nameof(FilterRecord.Id)), Expression.Constant(value))
                : Expression.NotEqual(Property(nameof(FilterRecord.Id)), Expression.Constant(value))),
            Gen.Constant(Property(nameof(FilterRecord.IsActive))),
            Gen.Elements<bool?>(true, false, null).Select(v => (Expression)Expression.Equal(Property(nameof(FilterRecord.NullableFlag)), Expression.Constant(v, typeof(bool?)))),
            Gen.Elements("a", "b", "").Select(v => (Expression)Expression.Call(Property(nameof(FilterRecord.Category)), s_stringContains, Expression.Constant(v))),
            Gen.Elements(s_tags).Select(v => (Expression)Expression.Call(Property(nameof(FilterRecord.Tags)), s_listContains, Expression.Constant(v))),
            Gen.Elements(s_tags).Select(v => (Expression)Expression.Call(s_enumerableContains, Property(nameof(FilterRecord.Labels)), Expression.Constant(v))),
            SubsetOf(s_categories).Select(values => (Expression)Expression.Call(s_enumerableContains, Expression.Constant(values), Property(nameof(FilterRecord.Category)))),
            Gen.Elements(true, false).Select(v => (Expression)Expression.Constant(v)));
    }

    private static Gen<Expression> Tree(int depth) =>
        depth == 0
            ? Leaf()
            : Gen.Frequency(
                (3, Leaf()),
                (2, from left in Tree(depth - 1) from right in Tree(depth - 1) select (Expression)Expression.AndAlso(left, right)),
                (2, from left in Tree(depth - 1) from right in Tree(depth - 1) select (Expression)Expression.OrElse(left, right)),
                (1, Tree(depth - 1).Select(operand => (Expression)Expression.Not(operand))));

    private static readonly Gen<Expression<Func<FilterRecord, bool>>> s_filterGen =
        Gen.Choose(0, 3).SelectMany(Tree).Select(body => Expression.Lambda<Func<FilterRecord, bool>>(body, s_record));

    [Fact]
    public void Evaluate_RandomFiltersAndRecords_AgreesWithCompiledPredicate()
    {
        Check.One(s_config, Prop.ForAll(Arb.From(s_filterGen), Arb.From(Gen.ArrayOf(s_recordGen, 8)), (filter, records) =>
        {
            Func<FilterRecord, bool> compiled = filter.Compile();
            FilterNode node = FilterTranslator.Translate(filter, s_model);
            foreach (FilterRecord record in records)
            {
                bool expected = compiled(record);
                bool actual = FilterEvaluator.Evaluate(node, property => property.GetValue(record));
                if (expected != actual)
                {
                    throw new InvalidOperationException($"Filter {filter} on {record}: LINQ says {expected}, the evaluator says {actual}.");
                }
            }

            return true;
        }));
    }
}
