using System.Linq.Expressions;
using LlamaDb.VectorData.ProviderServices;
using LlamaDb.VectorData.ProviderServices.Filter;

namespace LlamaDb.VectorData.Tests.ProviderServices.Filter;

public sealed class FilterTranslatorTests
{
    private static readonly Guid s_g1 = new("11111111-1111-1111-1111-111111111111");
    private static readonly Guid s_g2 = new("22222222-2222-2222-2222-222222222222");
    private static readonly Guid s_g3 = new("33333333-3333-3333-3333-333333333333");
    private static readonly Guid s_g4 = new("44444444-4444-4444-4444-444444444444");

    private static readonly CollectionModel s_model = CollectionModelBuilder.Build(typeof(FilterRecord), definition: null);

    private static readonly FilterRecord[] s_records =
    [
        new()
        {
            Key = 1, Category = "a", Name = "alpha", Rating = 5, NullableRating = 5, Count = 10, Score = 0.5, Ratio = 0.25f, Price = 1.5m, IsActive = true, NullableFlag = true,
            Created = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc), Updated = new DateTimeOffset(2024, 1, 1, 12, 0, 0, TimeSpan.FromHours(2)), Id = s_g1, Big = ulong.MaxValue,
            Tags = ["x", "y"], Labels = ["l1"],
        },
        new()
        {
            Key = 2, Category = "b", Name = null, Rating = 3, NullableRating = null, Count = 20, Score = 1.5, Ratio = 0.5f, Price = 2.5m, IsActive = false, NullableFlag = null,
            Created = new DateTime(2024, 6, 1, 0, 0, 0, DateTimeKind.Utc), Updated = new DateTimeOffset(2024, 6, 1, 0, 0, 0, TimeSpan.Zero), Id = s_g2, Big = 1,
            Tags = ["y"], Labels = ["l1", "l2"],
        },
        new()
        {
            Key = 3, Category = "a", Name = "beta", Rating = 1, NullableRating = 1, Count = 30, Score = 2.5, Ratio = 0.75f, Price = 3.5m, IsActive = true, NullableFlag = false,
            Created = new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc), Updated = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.FromHours(-5)), Id = s_g3, Big = 2,
            Tags = [], Labels = [],
        },
        new()
        {
            Key = 4, Category = "c", Name = "alphabet", Rating = 4, NullableRating = null, Count = 40, Score = -1.0, Ratio = 1f, Price = 0m, IsActive = false, NullableFlag = true,
            Created = new DateTime(2023, 3, 1, 0, 0, 0, DateTimeKind.Utc), Updated = new DateTimeOffset(2023, 3, 1, 0, 0, 0, TimeSpan.Zero), Id = s_g4, Big = (ulong)long.MaxValue + 1,
            Tags = ["z", "x"], Labels = ["l3"],
        },
    ];

    // Instance state a filter can capture (fields and properties of the test object).
    private readonly string _categoryField = "b";

    private int MinimumRatingProperty { get; } = 4;

    private static int[] Keys(Func<FilterRecord, bool> predicate) => [.. s_records.Where(predicate).Select(r => r.Key)];

    /// <summary>Asserts the translated filter, evaluated in memory, selects <paramref name="expected"/>, and so does the compiled lambda (when it can run on every record).</summary>
    private static void AssertSelects(Expression<Func<FilterRecord, bool>> filter, int[] expected, bool compareWithCompiled = true)
    {
        FilterNode node = FilterTranslator.Translate(filter, s_model);

        int[] evaluated = Keys(record => FilterEvaluator.Evaluate(node, property => property.GetValue(record)));

        Assert.Equal(expected, evaluated);
        if (compareWithCompiled)
        {
            Assert.Equal(expected, Keys(filter.Compile()));
        }
    }

    [Fact]
    public void Translate_Equal_SelectsEqualRecords() => AssertSelects(r => r.Category == "a", [1, 3]);

    [Fact]
    public void Translate_NotEqual_SelectsOtherRecords() => AssertSelects(r => r.Category != "a", [2, 4]);

    [Fact]
    public void Translate_LessThan_SelectsSmaller() => AssertSelects(r => r.Rating < 4, [2, 3]);

    [Fact]
    public void Translate_LessThanOrEqual_SelectsSmallerOrEqual() => AssertSelects(r => r.Rating <= 4, [2, 3, 4]);

    [Fact]
    public void Translate_GreaterThan_SelectsGreater() => AssertSelects(r => r.Rating > 3, [1, 4]);

    [Fact]
    public void Translate_GreaterThanOrEqual_SelectsGreaterOrEqual() => AssertSelects(r => r.Rating >= 3, [1, 2, 4]);

    [Fact]
    public void Translate_EqualOperator_BuildsComparisonNode()
    {
        var node = Assert.IsType<ComparisonFilter>(FilterTranslator.Translate<FilterRecord>(r => r.Rating >= 3, s_model));

        Assert.Equal("Rating", node.Property.ModelName);
        Assert.Equal(ComparisonOperator.GreaterThanOrEqual, node.Operator);
        Assert.Equal(3, node.Value);
    }

    [Fact]
    public void Translate_AndAlso_SelectsBoth() => AssertSelects(r => r.Category == "a" && r.Rating > 2, [1]);

    [Fact]
    public void Translate_OrElse_SelectsEither() => AssertSelects(r => r.Category == "c" || r.Rating == 1, [3, 4]);

    [Fact]
    public void Translate_Not_SelectsComplement() => AssertSelects(r => !(r.Category == "a" || r.Rating == 4), [2]);

    [Fact]
    public void Translate_NestedLogic_KeepsStructure()
    {
        var node = Assert.IsType<OrFilter>(FilterTranslator.Translate<FilterRecord>(r => (r.Category == "a" && !r.IsActive) || r.Rating > 4, s_model));

        var and = Assert.IsType<AndFilter>(node.Left);
        Assert.IsType<NotFilter>(and.Right);
        Assert.IsType<ComparisonFilter>(node.Right);
        AssertSelects(r => (r.Category == "a" && !r.IsActive) || r.Rating > 4, [1]);
    }

    [Fact]
    public void Translate_BoolProperty_SelectsTrue() => AssertSelects(r => r.IsActive, [1, 3]);

    [Fact]
    public void Translate_NegatedBoolProperty_SelectsFalse() => AssertSelects(r => !r.IsActive, [2, 4]);

    [Fact]
    public void Translate_BoolPropertyComparedWithFalse_SelectsFalse() => AssertSelects(r => r.IsActive == false, [2, 4]);

    [Fact]
    public void Translate_NullableBoolEqualTrue_SelectsTrueOnly() => AssertSelects(r => r.NullableFlag == true, [1, 4]);

    [Fact]
    public void Translate_NullableBoolNotEqualTrue_SelectsFalseAndNull() => AssertSelects(r => r.NullableFlag != true, [2, 3]);

    [Fact]
    public void Translate_NullableBoolEqualNull_SelectsNull() => AssertSelects(r => r.NullableFlag == null, [2]);

    [Fact]
    public void Translate_StringContains_SelectsSubstringMatches() => AssertSelects(r => r.Name != null && r.Name.Contains("alpha"), [1, 4]);

    [Fact]
    public void Translate_StringContainsOnNullValue_DoesNotMatch()
    {
        // The compiled lambda would throw on the null Name; a store filter never matches it.
        AssertSelects(r => r.Name!.Contains("et"), [3, 4], compareWithCompiled: false);
    }

    [Fact]
    public void Translate_StringContainsIsOrdinal_DoesNotIgnoreCase() => AssertSelects(r => r.Category.Contains('A'), [], compareWithCompiled: true);

    [Fact]
    public void Translate_StringContainsChar_SelectsMatches() => AssertSelects(r => r.Category.Contains('a'), [1, 3]);

    [Fact]
    public void Translate_ListContains_SelectsRecordsHoldingTheElement()
    {
        var node = Assert.IsType<ContainsFilter>(FilterTranslator.Translate<FilterRecord>(r => r.Tags.Contains("x"), s_model));

        Assert.Equal("Tags", node.Property.ModelName);
        Assert.Equal("x", node.Value);
        AssertSelects(r => r.Tags.Contains("x"), [1, 4]);
    }

    [Fact]
    public void Translate_ArrayPropertyContains_SelectsRecordsHoldingTheElement()
    {
        // C# 14 binds this to MemoryExtensions.Contains(ReadOnlySpan<string>, string) through op_Implicit.
        Expression<Func<FilterRecord, bool>> filter = r => r.Labels.Contains("l1");
        Assert.Equal(typeof(MemoryExtensions), ((MethodCallExpression)filter.Body).Method.DeclaringType);

        AssertSelects(filter, [1, 2]);
    }

    [Fact]
    public void Translate_EnumerableContainsOnArrayProperty_SelectsRecordsHoldingTheElement() =>
        AssertSelects(r => Enumerable.Contains(r.Labels, "l2"), [2]);

    [Fact]
    public void Translate_CapturedArrayContainsProperty_BuildsInFilter()
    {
        string[] categories = ["b", "c"];
        Expression<Func<FilterRecord, bool>> filter = r => categories.Contains(r.Category);
        Assert.Equal(typeof(MemoryExtensions), ((MethodCallExpression)filter.Body).Method.DeclaringType);

        var node = Assert.IsType<InFilter>(FilterTranslator.Translate(filter, s_model));

        Assert.Equal("Category", node.Property.ModelName);
        Assert.Equal(["b", "c"], node.Values);
        AssertSelects(filter, [2, 4]);
    }

    [Fact]
    public void Translate_CapturedIntArrayContainsKey_SelectsThoseKeys()
    {
        int[] keys = [1, 3, 99];

        AssertSelects(r => keys.Contains(r.Key), [1, 3]);
    }

    [Fact]
    public void Translate_CapturedListContainsProperty_SelectsMembers()
    {
        List<string> categories = ["a"];

        AssertSelects(r => categories.Contains(r.Category), [1, 3]);
    }

    [Fact]
    public void Translate_CapturedHashSetContainsProperty_SelectsMembers()
    {
        HashSet<Guid> ids = [s_g2, s_g4];

        AssertSelects(r => ids.Contains(r.Id), [2, 4]);
    }

    [Fact]
    public void Translate_EnumerableContainsOnCapturedSequence_SelectsMembers()
    {
        IEnumerable<int> ratings = Enumerable.Range(4, 2);

        AssertSelects(r => ratings.Contains(r.Rating), [1, 4]);
    }

    [Fact]
    public void Translate_EmptyCapturedArray_SelectsNothing()
    {
        string[] none = [];

        AssertSelects(r => none.Contains(r.Category), []);
    }

    [Fact]
    public void Translate_CapturedLocal_UsesItsValue()
    {
        string category = "a";
        int minimum = 2;

        AssertSelects(r => r.Category == category && r.Rating >= minimum, [1]);
    }

    [Fact]
    public void Translate_CapturedLocalChangedBeforeTranslation_UsesValueAtTranslation()
    {
        string category = "a";
        Expression<Func<FilterRecord, bool>> filter = r => r.Category == category;
        category = "c";

        AssertSelects(filter, [4]);
    }

    [Fact]
    public void Translate_CapturedFieldAndProperty_UsesTheirValues() =>
        AssertSelects(r => r.Category == _categoryField || r.Rating >= MinimumRatingProperty, [1, 2, 4]);

    [Fact]
    public void Translate_PropertyOfCapturedObject_UsesItsValue()
    {
        var settings = new { Category = "a", Limits = new { Rating = 3 } };

        AssertSelects(r => r.Category == settings.Category && r.Rating > settings.Limits.Rating, [1]);
    }

    [Fact]
    public void Translate_StaticField_UsesItsValue() => AssertSelects(r => r.Id == s_g3, [3]);

    [Fact]
    public void Translate_MethodCallOnValueSide_IsEvaluated() => AssertSelects(r => r.Category == string.Concat("", "b"), [2]);

    [Fact]
    public void Translate_FlippedLessThan_FlipsOperator()
    {
        var node = Assert.IsType<ComparisonFilter>(FilterTranslator.Translate<FilterRecord>(r => 3 < r.Rating, s_model));

        Assert.Equal(ComparisonOperator.GreaterThan, node.Operator);
        AssertSelects(r => 3 < r.Rating, [1, 4]);
    }

    [Fact]
    public void Translate_FlippedComparisons_SelectSameAsCSharp()
    {
        AssertSelects(r => 3 <= r.Rating, [1, 2, 4]);
        AssertSelects(r => 3 > r.Rating, [3]);
        AssertSelects(r => 3 >= r.Rating, [2, 3]);
        AssertSelects(r => "a" == r.Category, [1, 3]);
        AssertSelects(r => "a" != r.Category, [2, 4]);
    }

    [Fact]
    public void Translate_NullablePropertyComparedWithValue_NullNeverMatchesOrdering()
    {
        AssertSelects(r => r.NullableRating > 2, [1]);
        AssertSelects(r => r.NullableRating <= 5, [1, 3]);
        AssertSelects(r => r.NullableRating == 5, [1]);
    }

    [Fact]
    public void Translate_NullablePropertyNotEqual_NullMatches() => AssertSelects(r => r.NullableRating != 5, [2, 3, 4]);

    [Fact]
    public void Translate_NegatedNullableComparison_NullMatches() => AssertSelects(r => !(r.NullableRating > 2), [2, 3, 4]);

    [Fact]
    public void Translate_NullablePropertyEqualNull_SelectsNulls() => AssertSelects(r => r.NullableRating == null, [2, 4]);

    [Fact]
    public void Translate_NullablePropertyNotEqualNull_SelectsValues() => AssertSelects(r => r.NullableRating != null, [1, 3]);

    [Fact]
    public void Translate_StringEqualNull_SelectsNulls() => AssertSelects(r => r.Name == null, [2]);

    [Fact]
    public void Translate_StringNotEqualValue_NullMatches() => AssertSelects(r => r.Name != "alpha", [2, 3, 4]);

    [Fact]
    public void Translate_CapturedNull_ComparesWithNull()
    {
        string? name = null;
        int? rating = null;

        AssertSelects(r => r.Name == name, [2]);
        AssertSelects(r => r.NullableRating != rating, [1, 3]);
    }

    [Fact]
    public void Translate_IntPropertyAgainstLong_ComparesByValue()
    {
        long limit = 3;

        AssertSelects(r => r.Rating > limit, [1, 4]);
    }

    [Fact]
    public void Translate_LongPropertyAgainstInt_ComparesByValue()
    {
        int limit = 20;

        AssertSelects(r => r.Count >= limit, [2, 3, 4]);
    }

    [Fact]
    public void Translate_IntPropertyAgainstDouble_ComparesByValue()
    {
        double limit = 3.5;

        AssertSelects(r => r.Rating > limit, [1, 4]);
    }

    [Fact]
    public void Translate_DoublePropertyAgainstInt_ComparesByValue()
    {
        int limit = 1;

        AssertSelects(r => r.Score > limit, [2, 3]);
    }

    [Fact]
    public void Translate_FloatPropertyAgainstDouble_ComparesByValue() => AssertSelects(r => r.Ratio >= 0.5, [2, 3, 4]);

    [Fact]
    public void Translate_DecimalProperty_ComparesByValue() => AssertSelects(r => r.Price > 1.5m, [2, 3]);

    [Fact]
    public void Translate_UlongPropertyAboveLongMaxValue_ComparesByValue()
    {
        AssertSelects(r => r.Big > long.MaxValue, [1, 4]);
        AssertSelects(r => r.Big < 10UL, [2, 3]);
    }

    [Fact]
    public void Translate_DateTime_ComparesInstants()
    {
        var start = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc);

        AssertSelects(r => r.Created >= start, [1, 2, 3]);
        AssertSelects(r => r.Created == start, [1]);
    }

    [Fact]
    public void Translate_DateTimeOffset_ComparesInstantsAcrossOffsets()
    {
        // Record 1 is 2024-01-01T12:00+02:00 = 10:00Z.
        var tenUtc = new DateTimeOffset(2024, 1, 1, 10, 0, 0, TimeSpan.Zero);

        AssertSelects(r => r.Updated == tenUtc, [1]);
        AssertSelects(r => r.Updated > tenUtc, [2, 3]);
    }

    [Fact]
    public void Translate_Guid_ComparesValues()
    {
        Guid id = s_g2;

        AssertSelects(r => r.Id == id, [2]);
        AssertSelects(r => r.Id != id, [1, 3, 4]);
    }

    [Fact]
    public void Translate_KeyProperty_CanBeFiltered() => AssertSelects(r => r.Key == 2 || r.Key > 3, [2, 4]);

    [Fact]
    public void Translate_EqualsMethod_ComparesValues() => AssertSelects(r => r.Category.Equals("c"), [4]);

    [Fact]
    public void Translate_ConstantTrueAndFalse_SelectAllOrNothing()
    {
        Assert.IsType<ConstantFilter>(FilterTranslator.Translate<FilterRecord>(r => true, s_model));
        AssertSelects(r => true, [1, 2, 3, 4]);
        AssertSelects(r => false, []);
    }

    [Fact]
    public void Translate_CapturedBool_FoldsToConstant()
    {
        bool onlyActive = true;

        AssertSelects(r => onlyActive && r.IsActive, [1, 3]);
        AssertSelects(r => !onlyActive || r.Rating == 3, [2]);
    }

    [Fact]
    public void Translate_DynamicRecordIndexer_FiltersDictionaries()
    {
        var definition = new VectorStoreCollectionDefinition
        {
            Properties =
            [
                new VectorStoreKeyProperty("Key", typeof(string)),
                new VectorStoreDataProperty("Category", typeof(string)),
                new VectorStoreDataProperty("Rating", typeof(int)),
                new VectorStoreDataProperty("Tags", typeof(List<string>)),
                new VectorStoreVectorProperty("Embedding", 2),
            ],
        };
        CollectionModel model = CollectionModelBuilder.Build(typeof(Dictionary<string, object?>), definition);
        Dictionary<string, object?>[] records =
        [
            new() { ["Key"] = "k1", ["Category"] = "a", ["Rating"] = 5, ["Tags"] = new List<string> { "x" } },
            new() { ["Key"] = "k2", ["Category"] = "b", ["Rating"] = 2, ["Tags"] = new List<string>() },
            new() { ["Key"] = "k3", ["Category"] = "a", ["Rating"] = 1, ["Tags"] = new List<string> { "x", "y" } },
        ];
        string[] Select(Expression<Func<Dictionary<string, object?>, bool>> filter)
        {
            FilterNode node = FilterTranslator.Translate(filter, model);
            string[] evaluated = [.. records.Where(r => FilterEvaluator.Evaluate(node, p => p.GetValue(r))).Select(r => (string)r["Key"]!)];
            Assert.Equal(records.Where(filter.Compile()).Select(r => (string)r["Key"]!), evaluated);
            return evaluated;
        }

        // Casts of the indexer are safe: every test record has these keys with these types.
        Assert.Equal(["k1", "k3"], Select(r => (string)r["Category"]! == "a"));
        Assert.Equal(["k1"], Select(r => (string)r["Category"]! == "a" && (int)r["Rating"]! > 2));
        Assert.Equal(["k3"], Select(r => ((List<string>)r["Tags"]!).Contains("y")));
        string key = "k2";
        Assert.Equal(["k2"], Select(r => (string)r["Key"]! == key));
    }

    [Fact]
    public void Translate_DynamicRecordUnknownProperty_ThrowsNamingIt()
    {
        var definition = new VectorStoreCollectionDefinition
        {
            Properties = [new VectorStoreKeyProperty("Key", typeof(string)), new VectorStoreVectorProperty("Embedding", 2)],
        };
        CollectionModel model = CollectionModelBuilder.Build(typeof(Dictionary<string, object?>), definition);

        var exception = Assert.Throws<InvalidOperationException>(() => FilterTranslator.Translate<Dictionary<string, object?>>(r => (string)r["Nope"]! == "a", model));

        Assert.Contains("'Nope'", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Translate_StringMethodOtherThanContains_ThrowsNotSupportedNamingTheCall()
    {
        var exception = Assert.Throws<NotSupportedException>(() => FilterTranslator.Translate<FilterRecord>(r => r.Category.StartsWith("a"), s_model));

        Assert.Contains("StartsWith", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Translate_ContainsWithComparison_ThrowsNotSupported()
    {
        var exception = Assert.Throws<NotSupportedException>(() => FilterTranslator.Translate<FilterRecord>(r => r.Category.Contains("A", StringComparison.OrdinalIgnoreCase), s_model));

        Assert.Contains("Contains", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Translate_Arithmetic_ThrowsNotSupportedNamingTheNode()
    {
        var exception = Assert.Throws<NotSupportedException>(() => FilterTranslator.Translate<FilterRecord>(r => r.Rating + 1 > 2, s_model));

        Assert.Contains("r.Rating + 1", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Translate_TwoProperties_ThrowsNotSupported()
    {
        var exception = Assert.Throws<NotSupportedException>(() => FilterTranslator.Translate<FilterRecord>(r => r.Rating == r.Count, s_model));

        Assert.Contains("r.Rating", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Translate_MemberOfProperty_ThrowsNotSupported()
    {
        Assert.Throws<NotSupportedException>(() => FilterTranslator.Translate<FilterRecord>(r => r.Category.Length > 1, s_model));
        Assert.Throws<NotSupportedException>(() => FilterTranslator.Translate<FilterRecord>(r => r.Tags.Count > 0, s_model));
        Assert.Throws<NotSupportedException>(() => FilterTranslator.Translate<FilterRecord>(r => r.NullableRating.HasValue, s_model));
    }

    [Fact]
    public void Translate_Conditional_ThrowsNotSupportedNamingTheNodeType()
    {
        var exception = Assert.Throws<NotSupportedException>(() => FilterTranslator.Translate<FilterRecord>(r => r.IsActive ? r.Rating > 1 : r.Rating > 4, s_model));

        Assert.Contains("Conditional", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Translate_VectorProperty_ThrowsNotSupportedNamingIt()
    {
        var exception = Assert.Throws<NotSupportedException>(() => FilterTranslator.Translate<FilterRecord>(r => r.ArrayEmbedding == null, s_model));

        Assert.Contains("'ArrayEmbedding'", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Translate_ValuesOfInFilterNotACollection_ThrowsNotSupported()
    {
        string letters = "abc";

        Assert.Throws<NotSupportedException>(() => FilterTranslator.Translate<FilterRecord>(r => letters.Contains(r.Category), s_model));
    }

    [Fact]
    public void Compare_NullsAndMixedTypes_FollowCSharpEquality()
    {
        Assert.True(FilterEvaluator.Compare(null, ComparisonOperator.Equal, null));
        Assert.False(FilterEvaluator.Compare(null, ComparisonOperator.NotEqual, null));
        Assert.False(FilterEvaluator.Compare(null, ComparisonOperator.LessThan, 1));
        Assert.False(FilterEvaluator.Compare(1, ComparisonOperator.GreaterThanOrEqual, null));
        Assert.True(FilterEvaluator.Compare(2, ComparisonOperator.Equal, 2L));
        Assert.True(FilterEvaluator.Compare((byte)2, ComparisonOperator.LessThan, 2.5));
        Assert.True(FilterEvaluator.Compare(2.5m, ComparisonOperator.GreaterThan, 2));
        Assert.True(FilterEvaluator.Compare("a", ComparisonOperator.NotEqual, 1));
        Assert.False(FilterEvaluator.Compare("a", ComparisonOperator.Equal, 1));
        Assert.False(FilterEvaluator.Compare("a", ComparisonOperator.LessThan, 1));
    }

    [Fact]
    public void Compare_NaN_IsUnorderedLikeCSharp()
    {
        Assert.False(FilterEvaluator.Compare(double.NaN, ComparisonOperator.Equal, double.NaN));
        Assert.True(FilterEvaluator.Compare(double.NaN, ComparisonOperator.NotEqual, double.NaN));
        Assert.False(FilterEvaluator.Compare(double.NaN, ComparisonOperator.LessThan, 1.0));
        Assert.False(FilterEvaluator.Compare(double.NaN, ComparisonOperator.LessThanOrEqual, 1));
        Assert.False(FilterEvaluator.Compare(1.0, ComparisonOperator.GreaterThan, double.NaN));
        Assert.False(FilterEvaluator.Compare(float.NaN, ComparisonOperator.GreaterThanOrEqual, 0f));
    }

    [Fact]
    public void Compare_StringsAreOrdinal()
    {
        Assert.True(FilterEvaluator.Compare("B", ComparisonOperator.LessThan, "a"));
        Assert.False(FilterEvaluator.Compare("a", ComparisonOperator.Equal, "A"));
    }
}
