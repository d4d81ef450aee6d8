using System.Collections;
using LlamaDb.VectorData.ProviderServices;
using Microsoft.Extensions.AI;

namespace LlamaDb.VectorData.Tests.ProviderServices;

public sealed class CollectionModelBuilderTests
{
    private sealed class Hotel
    {
        [VectorStoreKey]
        public string Id { get; set; } = "";

        [VectorStoreData(IsIndexed = true, StorageName = "hotel_name")]
        public string Name { get; set; } = "";

        [VectorStoreData(IsFullTextIndexed = true)]
        public string Description { get; set; } = "";

        [VectorStoreData]
        public int? Rating { get; set; }

        [VectorStoreVector(4, DistanceFunction = DistanceFunction.EuclideanDistance, IndexKind = IndexKind.Flat, StorageName = "vec")]
        public ReadOnlyMemory<float> Embedding { get; set; }

        [VectorStoreVector(2)]
        public float[]? Second { get; set; }

        public string NotMapped { get; set; } = "";
    }

    private sealed class PlainHotel
    {
        public Guid Key { get; set; }

        public string Name { get; set; } = "";

        public ReadOnlyMemory<float> Embedding { get; set; }
    }

    private sealed class KeyRecord<TKey>
    {
        [VectorStoreKey]
        public TKey Key { get; set; } = default!;

        [VectorStoreVector(2)]
        public ReadOnlyMemory<float> Embedding { get; set; }
    }

    private sealed class DataRecord<TData>
    {
        [VectorStoreKey]
        public int Key { get; set; }

        [VectorStoreData]
        public TData Data { get; set; } = default!;

        [VectorStoreVector(2)]
        public ReadOnlyMemory<float> Embedding { get; set; }
    }

    private sealed class VectorRecord<TVector>
    {
        [VectorStoreKey]
        public int Key { get; set; }

        [VectorStoreVector(8)]
        public TVector Embedding { get; set; } = default!;
    }

    private sealed class Custom
    {
        public int Value { get; set; }
    }

    private sealed class TwoKeys
    {
        [VectorStoreKey]
        public int A { get; set; }

        [VectorStoreKey]
        public int B { get; set; }

        [VectorStoreVector(2)]
        public ReadOnlyMemory<float> Embedding { get; set; }
    }

    private sealed class NoKey
    {
        [VectorStoreData]
        public string Name { get; set; } = "";

        [VectorStoreVector(2)]
        public ReadOnlyMemory<float> Embedding { get; set; }
    }

    private sealed class NoVector
    {
        [VectorStoreKey]
        public int Key { get; set; }

        [VectorStoreData]
        public string Name { get; set; } = "";
    }

    private sealed class FullTextOnInt
    {
        [VectorStoreKey]
        public int Key { get; set; }

        [VectorStoreData(IsFullTextIndexed = true)]
        public int Count { get; set; }

        [VectorStoreVector(2)]
        public ReadOnlyMemory<float> Embedding { get; set; }
    }

    private sealed class BinaryCosine
    {
        [VectorStoreKey]
        public int Key { get; set; }

        [VectorStoreVector(8, DistanceFunction = DistanceFunction.CosineSimilarity)]
        public BitArray? Embedding { get; set; }
    }

    private sealed class FloatHamming
    {
        [VectorStoreKey]
        public int Key { get; set; }

        [VectorStoreVector(8, DistanceFunction = DistanceFunction.HammingDistance)]
        public ReadOnlyMemory<float> Embedding { get; set; }
    }

    private sealed class TextVector
    {
        [VectorStoreKey]
        public int Key { get; set; }

        [VectorStoreVector(8)]
        public string? Embedding { get; set; }
    }

    private sealed class UnknownDistance
    {
        [VectorStoreKey]
        public int Key { get; set; }

        [VectorStoreVector(2, DistanceFunction = "Chebyshev")]
        public ReadOnlyMemory<float> Embedding { get; set; }
    }

    private sealed class UnknownIndex
    {
        [VectorStoreKey]
        public int Key { get; set; }

        [VectorStoreVector(2, IndexKind = "Annoy")]
        public ReadOnlyMemory<float> Embedding { get; set; }
    }

    private sealed class NoParameterlessConstructor(int key)
    {
        [VectorStoreKey]
        public int Key { get; set; } = key;

        [VectorStoreVector(2)]
        public ReadOnlyMemory<float> Embedding { get; set; }
    }

    private sealed class SameStorageName
    {
        [VectorStoreKey]
        public int Key { get; set; }

        [VectorStoreData(StorageName = "x")]
        public string A { get; set; } = "";

        [VectorStoreData(StorageName = "x")]
        public string B { get; set; } = "";

        [VectorStoreVector(2)]
        public ReadOnlyMemory<float> Embedding { get; set; }
    }

    [Fact]
    public void Build_Attributes_ReadsKeyDataAndVectorsWithStorageNames()
    {
        CollectionModel model = CollectionModelBuilder.Build(typeof(Hotel), definition: null);

        Assert.Equal(typeof(Hotel), model.RecordType);
        Assert.False(model.IsDynamic);
        Assert.Equal("Id", model.KeyProperty.ModelName);
        Assert.Equal("Id", model.KeyProperty.StorageName);
        Assert.Equal(typeof(string), model.KeyProperty.Type);
        Assert.Equal(["Name", "Description", "Rating"], model.DataProperties.Select(p => p.ModelName));
        Assert.Equal(["hotel_name", "Description", "Rating"], model.DataProperties.Select(p => p.StorageName));
        Assert.True(model.DataProperties[0].IsIndexed);
        Assert.False(model.DataProperties[0].IsFullTextIndexed);
        Assert.True(model.DataProperties[1].IsFullTextIndexed);
        Assert.Equal(typeof(int?), model.DataProperties[2].Type);
        Assert.Equal(["Embedding", "Second"], model.VectorProperties.Select(p => p.ModelName));
        Assert.Equal(["Id", "Name", "Description", "Rating", "Embedding", "Second"], model.Properties.Select(p => p.ModelName));
        Assert.False(model.TryGetProperty("NotMapped", out _));
    }

    [Fact]
    public void Build_Attributes_ReadsVectorSettingsAndResolvesDefaults()
    {
        CollectionModel model = CollectionModelBuilder.Build(typeof(Hotel), definition: null);

        VectorPropertyModel first = model.VectorProperties[0];
        Assert.Equal("vec", first.StorageName);
        Assert.Equal(4, first.Dimensions);
        Assert.Equal(DistanceFunction.EuclideanDistance, first.DistanceFunction);
        Assert.Equal(IndexKind.Flat, first.IndexKind);
        Assert.False(first.RequiresEmbedding);
        Assert.False(first.IsBinary);
        Assert.Null(first.EmbeddingGenerator);

        VectorPropertyModel second = model.VectorProperties[1];
        Assert.Equal(2, second.Dimensions);
        Assert.Equal(DistanceFunction.CosineSimilarity, second.DistanceFunction);
        Assert.Equal(IndexKind.Hnsw, second.IndexKind);
    }

    [Fact]
    public void Build_OptionsWithOtherDefaults_UsesThem()
    {
        var options = new CollectionModelBuildingOptions { DefaultDistanceFunction = DistanceFunction.DotProductSimilarity, DefaultIndexKind = IndexKind.Flat };

        CollectionModel model = CollectionModelBuilder.Build(typeof(KeyRecord<int>), definition: null, options: options);

        Assert.Equal(DistanceFunction.DotProductSimilarity, model.VectorProperties[0].DistanceFunction);
        Assert.Equal(IndexKind.Flat, model.VectorProperties[0].IndexKind);
    }

    [Fact]
    public void Build_BinaryVectorWithoutDistanceFunction_DefaultsToHamming()
    {
        CollectionModel model = CollectionModelBuilder.Build(typeof(VectorRecord<BitArray>), definition: null);

        Assert.Equal(DistanceFunction.HammingDistance, model.VectorProperties[0].DistanceFunction);
        Assert.True(model.VectorProperties[0].IsBinary);
    }

    [Fact]
    public void Build_DefinitionForPlainClass_UsesDefinitionAndClrTypes()
    {
        var definition = new VectorStoreCollectionDefinition
        {
            Properties =
            [
                new VectorStoreKeyProperty("Key") { StorageName = "id" },
                new VectorStoreDataProperty("Name") { IsFullTextIndexed = true },
                new VectorStoreVectorProperty("Embedding", dimensions: 3) { DistanceFunction = DistanceFunction.CosineDistance, IndexKind = IndexKind.Flat },
            ],
        };

        CollectionModel model = CollectionModelBuilder.Build(typeof(PlainHotel), definition);

        Assert.Equal(typeof(Guid), model.KeyProperty.Type);
        Assert.Equal("id", model.KeyProperty.StorageName);
        Assert.Equal(typeof(string), model.DataProperties[0].Type);
        Assert.True(model.DataProperties[0].IsFullTextIndexed);
        Assert.Equal(typeof(ReadOnlyMemory<float>), model.VectorProperties[0].Type);
        Assert.Equal(3, model.VectorProperties[0].Dimensions);
        Assert.Equal(DistanceFunction.CosineDistance, model.VectorProperties[0].DistanceFunction);
        Assert.IsType<PlainHotel>(model.CreateRecord());
    }

    [Fact]
    public void Build_DefinitionNamingMissingProperty_ThrowsNamingIt()
    {
        var definition = new VectorStoreCollectionDefinition
        {
            Properties = [new VectorStoreKeyProperty("Key"), new VectorStoreDataProperty("Missing", typeof(string)), new VectorStoreVectorProperty("Embedding", 3)],
        };

        var exception = Assert.Throws<InvalidOperationException>(() => CollectionModelBuilder.Build(typeof(PlainHotel), definition));

        Assert.Contains("'Missing'", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_DefinitionTypeDiffersFromClrType_ThrowsNamingBoth()
    {
        var definition = new VectorStoreCollectionDefinition
        {
            Properties = [new VectorStoreKeyProperty("Key", typeof(string)), new VectorStoreDataProperty("Name", typeof(string)), new VectorStoreVectorProperty("Embedding", 3)],
        };

        var exception = Assert.Throws<InvalidOperationException>(() => CollectionModelBuilder.Build(typeof(PlainHotel), definition));

        Assert.Contains("'Key'", exception.Message, StringComparison.Ordinal);
        Assert.Contains("String", exception.Message, StringComparison.Ordinal);
        Assert.Contains("Guid", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_DynamicDefinition_BuildsDictionaryModel()
    {
        var definition = new VectorStoreCollectionDefinition
        {
            Properties =
            [
                new VectorStoreKeyProperty("Key", typeof(string)),
                new VectorStoreDataProperty("Category", typeof(string)) { IsIndexed = true },
                new VectorStoreDataProperty("Tags", typeof(List<string>)),
                new VectorStoreVectorProperty("Embedding", dimensions: 3),
                new VectorStoreVectorProperty("Bits", typeof(BitArray), dimensions: 16),
            ],
        };

        CollectionModel model = CollectionModelBuilder.Build(typeof(Dictionary<string, object?>), definition);

        Assert.True(model.IsDynamic);
        Assert.Equal(typeof(string), model.KeyProperty.Type);
        Assert.Equal([typeof(string), typeof(List<string>)], model.DataProperties.Select(p => p.Type));
        Assert.Equal(typeof(ReadOnlyMemory<float>), model.VectorProperties[0].Type);
        Assert.Equal(DistanceFunction.HammingDistance, model.VectorProperties[1].DistanceFunction);
        Assert.IsType<Dictionary<string, object?>>(model.CreateRecord());
    }

    [Fact]
    public void Build_DynamicWithoutDefinition_Throws()
    {
        var exception = Assert.Throws<InvalidOperationException>(() => CollectionModelBuilder.Build(typeof(Dictionary<string, object?>), definition: null));

        Assert.Contains("VectorStoreCollectionDefinition", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_DynamicDataPropertyWithoutType_ThrowsNamingIt()
    {
        var definition = new VectorStoreCollectionDefinition
        {
            Properties = [new VectorStoreKeyProperty("Key", typeof(string)), new VectorStoreDataProperty("Category"), new VectorStoreVectorProperty("Embedding", 3)],
        };

        var exception = Assert.Throws<InvalidOperationException>(() => CollectionModelBuilder.Build(typeof(Dictionary<string, object?>), definition));

        Assert.Contains("'Category'", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GetValueAndSetValue_TypedAndDynamicRecords_ReadAndWriteTheProperty()
    {
        CollectionModel typed = CollectionModelBuilder.Build(typeof(Hotel), definition: null);
        var hotel = new Hotel { Name = "Grand" };
        Assert.True(typed.TryGetProperty("Name", out PropertyModel name));
        Assert.Equal("Grand", name.GetValue(hotel));
        name.SetValue(hotel, "Palace");
        Assert.Equal("Palace", hotel.Name);

        var definition = new VectorStoreCollectionDefinition
        {
            Properties = [new VectorStoreKeyProperty("Key", typeof(string)), new VectorStoreDataProperty("Category", typeof(string)), new VectorStoreVectorProperty("Embedding", 3)],
        };
        CollectionModel dynamic = CollectionModelBuilder.Build(typeof(Dictionary<string, object?>), definition);
        var record = new Dictionary<string, object?> { ["Key"] = "k" };
        Assert.True(dynamic.TryGetProperty("Category", out PropertyModel category));
        Assert.Null(category.GetValue(record));
        category.SetValue(record, "a");
        Assert.Equal("a", record["Category"]);
        Assert.Equal("k", dynamic.KeyProperty.GetValue(record));
    }

    [Fact]
    public void Build_EverySupportedKeyType_Builds()
    {
        Assert.Equal(typeof(string), CollectionModelBuilder.Build(typeof(KeyRecord<string>), null).KeyProperty.Type);
        Assert.Equal(typeof(Guid), CollectionModelBuilder.Build(typeof(KeyRecord<Guid>), null).KeyProperty.Type);
        Assert.Equal(typeof(ulong), CollectionModelBuilder.Build(typeof(KeyRecord<ulong>), null).KeyProperty.Type);
        Assert.Equal(typeof(long), CollectionModelBuilder.Build(typeof(KeyRecord<long>), null).KeyProperty.Type);
        Assert.Equal(typeof(int), CollectionModelBuilder.Build(typeof(KeyRecord<int>), null).KeyProperty.Type);
    }

    [Theory]
    [InlineData(typeof(KeyRecord<double>), "Double")]
    [InlineData(typeof(KeyRecord<DateTime>), "DateTime")]
    [InlineData(typeof(KeyRecord<int?>), "Int32?")]
    [InlineData(typeof(KeyRecord<short>), "Int16")]
    public void Build_UnsupportedKeyType_ThrowsNamingPropertyAndSupportedTypes(Type recordType, string typeName)
    {
        var exception = Assert.Throws<InvalidOperationException>(() => CollectionModelBuilder.Build(recordType, null));

        Assert.Contains("'Key'", exception.Message, StringComparison.Ordinal);
        Assert.Contains(typeName, exception.Message, StringComparison.Ordinal);
        Assert.Contains("String, Guid, UInt64, Int64, Int32", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(typeof(DataRecord<string>))]
    [InlineData(typeof(DataRecord<int>))]
    [InlineData(typeof(DataRecord<long>))]
    [InlineData(typeof(DataRecord<short>))]
    [InlineData(typeof(DataRecord<byte>))]
    [InlineData(typeof(DataRecord<uint>))]
    [InlineData(typeof(DataRecord<ulong>))]
    [InlineData(typeof(DataRecord<float>))]
    [InlineData(typeof(DataRecord<double>))]
    [InlineData(typeof(DataRecord<decimal>))]
    [InlineData(typeof(DataRecord<bool>))]
    [InlineData(typeof(DataRecord<DateTime>))]
    [InlineData(typeof(DataRecord<DateTimeOffset>))]
    [InlineData(typeof(DataRecord<Guid>))]
    [InlineData(typeof(DataRecord<int?>))]
    [InlineData(typeof(DataRecord<double?>))]
    [InlineData(typeof(DataRecord<bool?>))]
    [InlineData(typeof(DataRecord<DateTime?>))]
    [InlineData(typeof(DataRecord<DateTimeOffset?>))]
    [InlineData(typeof(DataRecord<Guid?>))]
    [InlineData(typeof(DataRecord<string[]>))]
    [InlineData(typeof(DataRecord<int[]>))]
    [InlineData(typeof(DataRecord<int?[]>))]
    [InlineData(typeof(DataRecord<List<string>>))]
    [InlineData(typeof(DataRecord<List<double>>))]
    [InlineData(typeof(DataRecord<IList<Guid>>))]
    [InlineData(typeof(DataRecord<IReadOnlyList<long>>))]
    [InlineData(typeof(DataRecord<IEnumerable<string>>))]
    public void Build_SupportedDataType_Builds(Type recordType)
    {
        CollectionModel model = CollectionModelBuilder.Build(recordType, null);

        Assert.Equal(recordType.GetProperty("Data")!.PropertyType, model.DataProperties.Single().Type);
    }

    [Theory]
    [InlineData(typeof(DataRecord<Dictionary<string, int>>), "Dictionary<String, Int32>")]
    [InlineData(typeof(DataRecord<Custom>), "Custom")]
    [InlineData(typeof(DataRecord<List<Custom>>), "List<Custom>")]
    [InlineData(typeof(DataRecord<char>), "Char")]
    [InlineData(typeof(DataRecord<TimeSpan>), "TimeSpan")]
    [InlineData(typeof(DataRecord<object>), "Object")]
    [InlineData(typeof(DataRecord<HashSet<string>>), "HashSet<String>")]
    public void Build_UnsupportedDataType_ThrowsNamingPropertyAndSupportedTypes(Type recordType, string typeName)
    {
        var exception = Assert.Throws<InvalidOperationException>(() => CollectionModelBuilder.Build(recordType, null));

        Assert.Contains("'Data'", exception.Message, StringComparison.Ordinal);
        Assert.Contains(typeName, exception.Message, StringComparison.Ordinal);
        Assert.Contains("Supported data types: String, Int32, Int64", exception.Message, StringComparison.Ordinal);
        Assert.Contains("DateTimeOffset, Guid", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(typeof(VectorRecord<ReadOnlyMemory<float>>))]
    [InlineData(typeof(VectorRecord<ReadOnlyMemory<float>?>))]
    [InlineData(typeof(VectorRecord<float[]>))]
    [InlineData(typeof(VectorRecord<Embedding<float>>))]
    public void Build_FloatVectorTypes_Build(Type recordType)
    {
        VectorPropertyModel vector = CollectionModelBuilder.Build(recordType, null).VectorProperties.Single();

        Assert.False(vector.RequiresEmbedding);
        Assert.False(vector.IsBinary);
        Assert.Equal(DistanceFunction.CosineSimilarity, vector.DistanceFunction);
    }

    [Theory]
    [InlineData(typeof(VectorRecord<double[]>), "Double[]")]
    [InlineData(typeof(VectorRecord<ReadOnlyMemory<double>>), "ReadOnlyMemory<Double>")]
    [InlineData(typeof(VectorRecord<int>), "Int32")]
    public void Build_UnsupportedVectorType_ThrowsNamingPropertyAndSupportedTypes(Type recordType, string typeName)
    {
        var exception = Assert.Throws<InvalidOperationException>(() => CollectionModelBuilder.Build(recordType, null));

        Assert.Contains("'Embedding'", exception.Message, StringComparison.Ordinal);
        Assert.Contains(typeName, exception.Message, StringComparison.Ordinal);
        Assert.Contains("ReadOnlyMemory<float>, float[], Embedding<float>, BitArray", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_TwoKeys_ThrowsNamingBoth()
    {
        var exception = Assert.Throws<InvalidOperationException>(() => CollectionModelBuilder.Build(typeof(TwoKeys), null));

        Assert.Contains("'A'", exception.Message, StringComparison.Ordinal);
        Assert.Contains("'B'", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_NoKey_ThrowsNamingType()
    {
        var exception = Assert.Throws<InvalidOperationException>(() => CollectionModelBuilder.Build(typeof(NoKey), null));

        Assert.Contains(nameof(NoKey), exception.Message, StringComparison.Ordinal);
        Assert.Contains("[VectorStoreKey]", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_NoVector_ThrowsNamingType()
    {
        var exception = Assert.Throws<InvalidOperationException>(() => CollectionModelBuilder.Build(typeof(NoVector), null));

        Assert.Contains(nameof(NoVector), exception.Message, StringComparison.Ordinal);
        Assert.Contains("[VectorStoreVector", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_FullTextOnNonString_ThrowsNamingProperty()
    {
        var exception = Assert.Throws<InvalidOperationException>(() => CollectionModelBuilder.Build(typeof(FullTextOnInt), null));

        Assert.Contains("'Count'", exception.Message, StringComparison.Ordinal);
        Assert.Contains("IsFullTextIndexed", exception.Message, StringComparison.Ordinal);
        Assert.Contains("Int32", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_BinaryVectorWithCosine_ThrowsAskingForHamming()
    {
        var exception = Assert.Throws<InvalidOperationException>(() => CollectionModelBuilder.Build(typeof(BinaryCosine), null));

        Assert.Contains("'Embedding'", exception.Message, StringComparison.Ordinal);
        Assert.Contains("HammingDistance", exception.Message, StringComparison.Ordinal);
        Assert.Contains("CosineSimilarity", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_FloatVectorWithHamming_ThrowsAskingForBinaryType()
    {
        var exception = Assert.Throws<InvalidOperationException>(() => CollectionModelBuilder.Build(typeof(FloatHamming), null));

        Assert.Contains("'Embedding'", exception.Message, StringComparison.Ordinal);
        Assert.Contains("BitArray", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_StringVectorWithoutGenerator_ThrowsNamingPropertyAndGeneratorType()
    {
        var exception = Assert.Throws<InvalidOperationException>(() => CollectionModelBuilder.Build(typeof(TextVector), null));

        Assert.Contains("'Embedding'", exception.Message, StringComparison.Ordinal);
        Assert.Contains("IEmbeddingGenerator<string, Embedding<float>>", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_StringVectorWithGeneratorOfWrongType_Throws()
    {
        using var wrong = new DoubleEmbeddingGenerator();

        Assert.Throws<InvalidOperationException>(() => CollectionModelBuilder.Build(typeof(TextVector), null, defaultGenerator: wrong));
    }

    [Fact]
    public void Build_StringVectorWithDefaultGenerator_UsesIt()
    {
        using var generator = new TestEmbeddingGenerator(8);

        VectorPropertyModel vector = CollectionModelBuilder.Build(typeof(TextVector), null, defaultGenerator: generator).VectorProperties.Single();

        Assert.True(vector.RequiresEmbedding);
        Assert.Same(generator, vector.EmbeddingGenerator);
    }

    [Fact]
    public void Build_GeneratorOnPropertyDefinitionAndDefault_PropertyWinsThenDefinition()
    {
        using var onProperty = new TestEmbeddingGenerator(8);
        using var onDefinition = new TestEmbeddingGenerator(8);
        using var fallback = new TestEmbeddingGenerator(8);
        var definition = new VectorStoreCollectionDefinition
        {
            EmbeddingGenerator = onDefinition,
            Properties =
            [
                new VectorStoreKeyProperty("Key", typeof(int)),
                new VectorStoreVectorProperty("A", typeof(string), 8) { EmbeddingGenerator = onProperty },
                new VectorStoreVectorProperty("B", typeof(string), 8),
            ],
        };

        CollectionModel model = CollectionModelBuilder.Build(typeof(Dictionary<string, object?>), definition, defaultGenerator: fallback);

        Assert.Same(onProperty, model.VectorProperties[0].EmbeddingGenerator);
        Assert.Same(onDefinition, model.VectorProperties[1].EmbeddingGenerator);
    }

    [Fact]
    public void Build_UnknownDistanceFunction_ThrowsListingSupported()
    {
        var exception = Assert.Throws<InvalidOperationException>(() => CollectionModelBuilder.Build(typeof(UnknownDistance), null));

        Assert.Contains("'Embedding'", exception.Message, StringComparison.Ordinal);
        Assert.Contains("'Chebyshev'", exception.Message, StringComparison.Ordinal);
        Assert.Contains("CosineSimilarity, CosineDistance, DotProductSimilarity, NegativeDotProductSimilarity, EuclideanDistance, EuclideanSquaredDistance, HammingDistance", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_UnknownIndexKind_ThrowsListingSupported()
    {
        var exception = Assert.Throws<InvalidOperationException>(() => CollectionModelBuilder.Build(typeof(UnknownIndex), null));

        Assert.Contains("'Embedding'", exception.Message, StringComparison.Ordinal);
        Assert.Contains("'Annoy'", exception.Message, StringComparison.Ordinal);
        Assert.Contains("Hnsw, Flat", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_DistanceFunctionTheConnectorLacks_Throws()
    {
        var options = new CollectionModelBuildingOptions { SupportedDistanceFunctions = [DistanceFunction.CosineSimilarity] };

        var exception = Assert.Throws<InvalidOperationException>(() => CollectionModelBuilder.Build(typeof(Hotel), null, options: options));

        Assert.Contains("'EuclideanDistance'", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_DuplicateStorageName_ThrowsNamingIt()
    {
        var exception = Assert.Throws<InvalidOperationException>(() => CollectionModelBuilder.Build(typeof(SameStorageName), null));

        Assert.Contains("'x'", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_NoParameterlessConstructor_ThrowsNamingType()
    {
        var exception = Assert.Throws<InvalidOperationException>(() => CollectionModelBuilder.Build(typeof(NoParameterlessConstructor), null));

        Assert.Contains(nameof(NoParameterlessConstructor), exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void VectorStoreVectorAttribute_NonPositiveDimensions_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new VectorStoreVectorAttribute(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new VectorStoreVectorProperty("Embedding", -1));
    }

    [Fact]
    public void GetVectorPropertyOrSingle_SelectorAndSingle_FindTheProperty()
    {
        CollectionModel model = CollectionModelBuilder.Build(typeof(Hotel), null);

        Assert.Equal("Second", model.GetVectorPropertyOrSingle<Hotel>(h => h.Second).ModelName);
        Assert.Equal("Embedding", model.GetVectorPropertyOrSingle<Hotel>(h => h.Embedding).ModelName);
        Assert.Throws<InvalidOperationException>(() => model.GetVectorPropertyOrSingle<Hotel>(null));
        Assert.Throws<InvalidOperationException>(() => model.GetVectorPropertyOrSingle<Hotel>(h => h.Name));
        Assert.Equal("Embedding", CollectionModelBuilder.Build(typeof(KeyRecord<int>), null).GetVectorPropertyOrSingle<KeyRecord<int>>(null).ModelName);
    }

    [Fact]
    public void GetFullTextPropertyOrSingle_SelectorAndSingle_FindTheProperty()
    {
        CollectionModel model = CollectionModelBuilder.Build(typeof(Hotel), null);

        Assert.Equal("Description", model.GetFullTextPropertyOrSingle<Hotel>(null).ModelName);
        Assert.Equal("Description", model.GetFullTextPropertyOrSingle<Hotel>(h => h.Description).ModelName);
        Assert.Throws<InvalidOperationException>(() => model.GetFullTextPropertyOrSingle<Hotel>(h => h.Name));
    }

    [Fact]
    public void GetVectorPropertyOrSingle_DynamicIndexer_FindsTheProperty()
    {
        var definition = new VectorStoreCollectionDefinition
        {
            Properties = [new VectorStoreKeyProperty("Key", typeof(string)), new VectorStoreVectorProperty("A", 3), new VectorStoreVectorProperty("B", 3)],
        };
        CollectionModel model = CollectionModelBuilder.Build(typeof(Dictionary<string, object?>), definition);

        Assert.Equal("B", model.GetVectorPropertyOrSingle<Dictionary<string, object?>>(r => r["B"]).ModelName);
    }

    [Fact]
    public async Task GenerateEmbeddingsAsync_SeveralInputs_OneBatchedCall()
    {
        using var generator = new TestEmbeddingGenerator(8);
        VectorPropertyModel vector = CollectionModelBuilder.Build(typeof(TextVector), null, defaultGenerator: generator).VectorProperties.Single();

        IReadOnlyList<ReadOnlyMemory<float>> vectors = await vector.GenerateEmbeddingsAsync(["a b", "c", "a b"], CancellationToken.None);

        Assert.Equal(1, generator.CallCount);
        Assert.Equal(["a b", "c", "a b"], generator.Inputs);
        Assert.Equal(3, vectors.Count);
        Assert.Equal(vectors[0].ToArray(), vectors[2].ToArray());
        Assert.Equal(generator.Embed("c"), vectors[1].ToArray());
    }

    [Fact]
    public async Task GenerateEmbeddingsAsync_NullInput_ThrowsNamingRecordIndex()
    {
        using var generator = new TestEmbeddingGenerator(8);
        VectorPropertyModel vector = CollectionModelBuilder.Build(typeof(TextVector), null, defaultGenerator: generator).VectorProperties.Single();

        var exception = await Assert.ThrowsAsync<ArgumentException>(() => vector.GenerateEmbeddingsAsync(["a", null], CancellationToken.None));

        Assert.Contains("record 1", exception.Message, StringComparison.Ordinal);
        Assert.Equal(0, generator.CallCount);
    }

    [Fact]
    public async Task GenerateEmbeddingsAsync_GeneratorWithOtherDimensions_ThrowsArgumentException()
    {
        using var generator = new TestEmbeddingGenerator(4);
        var definition = new VectorStoreCollectionDefinition
        {
            Properties = [new VectorStoreKeyProperty("Key", typeof(int)), new VectorStoreVectorProperty("Text", typeof(string), 8) { EmbeddingGenerator = generator }],
        };
        VectorPropertyModel vector = CollectionModelBuilder.Build(typeof(Dictionary<string, object?>), definition).VectorProperties.Single();

        var exception = await Assert.ThrowsAsync<ArgumentException>(() => vector.GenerateEmbeddingsAsync(["a"], CancellationToken.None));

        Assert.Contains("'Text' has 8 dimensions", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckDimensions_WrongLength_ThrowsArgumentException()
    {
        VectorPropertyModel vector = CollectionModelBuilder.Build(typeof(KeyRecord<int>), null).VectorProperties.Single();

        Assert.Equal(2, vector.CheckDimensions(new float[] { 1, 2 }).Length);
        Assert.Throws<ArgumentException>(() => vector.CheckDimensions(new float[] { 1, 2, 3 }));
    }

    private sealed class DoubleEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<double>>
    {
        public Task<GeneratedEmbeddings<Embedding<double>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(new GeneratedEmbeddings<Embedding<double>>(values.Select(_ => new Embedding<double>(new double[8]))));

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
