using System.Globalization;
using System.Reflection;
using System.Text;
using LlamaDb.VectorData;
using LlamaDb.VectorData.ProviderServices;
using Npgsql;

namespace LlamaDb.Connectors.Postgres.Sql;

/// <summary>
/// A collection model mapped to a table: its columns and types, the DDL that creates it, and the pieces of SQL the
/// collection's statements are built from. Every identifier is quoted; every value is a parameter.
/// </summary>
internal sealed class TableMapping
{
    /// <summary>The table's alias in every statement.</summary>
    public const string Alias = "r";

    /// <summary>The comment that marks a table as a LlamaDb collection (listing finds collections by it).</summary>
    public const string CommentMarker = "llamadb collection";

    public TableMapping(string schema, string name, CollectionModel model, PostgresCollectionOptions options)
    {
        Schema = schema;
        Name = name;
        Table = PgIdentifier.Qualified(schema, name);
        Model = model;
        Options = options;
        PgIdentifier.ValidateName(model.KeyProperty.StorageName, "key column");
        KeyColumn = PgIdentifier.Quote(model.KeyProperty.StorageName);
        KeyElement = PgTypes.ElementType(model.KeyProperty.Type == typeof(object) ? typeof(string) : model.KeyProperty.Type, out _);
        KeySqlType = PgTypes.SqlType(KeyElement);

        var names = new HashSet<string>(StringComparer.Ordinal) { model.KeyProperty.StorageName };
        var data = new List<DataColumn>();
        foreach (DataPropertyModel property in model.DataProperties)
        {
            PgIdentifier.ValidateName(property.StorageName, "column");
            if (!names.Add(property.StorageName))
            {
                throw new InvalidOperationException($"Two properties are stored as column '{property.StorageName}'.");
            }

            Type element = PgTypes.ElementType(property.Type, out bool isArray);
            string sqlType = PgTypes.SqlType(element) + (isArray ? "[]" : "");
            string? tsv = null;
            if (property.IsFullTextIndexed)
            {
                if (element != typeof(string) || isArray)
                {
                    throw new NotSupportedException($"The full-text indexed property '{property.ModelName}' must be a string; it is {property.Type.Name}.");
                }

                tsv = "llamadb_tsv_" + property.StorageName;
                PgIdentifier.ValidateName(tsv, "full-text column (llamadb_tsv_ + property)");
                names.Add(tsv);
            }

            data.Add(new DataColumn(property, PgIdentifier.Quote(property.StorageName), element, isArray, sqlType, tsv is null ? null : PgIdentifier.Quote(tsv), ElementNullable(property.Type)));
        }

        var vectors = new List<VectorColumn>();
        foreach (VectorPropertyModel property in model.VectorProperties)
        {
            PgIdentifier.ValidateName(property.StorageName, "column");
            if (!names.Add(property.StorageName))
            {
                throw new InvalidOperationException($"Two properties are stored as column '{property.StorageName}'.");
            }

            PostgresQuantization quantization = options.PropertyQuantization.TryGetValue(property.ModelName, out PostgresQuantization q)
                || options.PropertyQuantization.TryGetValue(property.StorageName, out q)
                ? q
                : options.Quantization;
            if (property.IsBinary)
            {
                if (property.DistanceFunction != DistanceFunction.HammingDistance)
                {
                    throw new NotSupportedException($"The binary vector property '{property.ModelName}' supports only {DistanceFunction.HammingDistance}.");
                }

                quantization = PostgresQuantization.None;
            }
            else if (property.DistanceFunction == DistanceFunction.HammingDistance)
            {
                throw new NotSupportedException($"{DistanceFunction.HammingDistance} needs a binary vector property (BitArray or BinaryEmbedding); '{property.ModelName}' holds floats.");
            }

            // pgvector: vector columns hold up to 16,000 dimensions, bit columns 83 million; HNSW indexes up to 2,000 (vector),
            // 4,000 (halfvec) and 64,000 (bit).
            int storageLimit = property.IsBinary ? 64_000 : 16_000;
            if (property.Dimensions > storageLimit)
            {
                throw new NotSupportedException($"'{property.ModelName}' has {property.Dimensions} dimensions; the PostgreSQL connector stores at most {storageLimit} ({(property.IsBinary ? "bit HNSW index" : "pgvector's vector type")}).");
            }

            int limit = property.IsBinary || quantization == PostgresQuantization.Binary ? 64_000 : quantization == PostgresQuantization.Half ? 4_000 : 2_000;
            if (property.IndexKind == IndexKind.Hnsw && property.Dimensions > limit)
            {
                throw new NotSupportedException($"pgvector's HNSW index supports at most {limit} dimensions for this column type; '{property.ModelName}' has {property.Dimensions}. Use Quantization = Half (up to 4,000) or Binary, or IndexKind.Flat.");
            }

            vectors.Add(new VectorColumn(this, property, PgIdentifier.Quote(property.StorageName), quantization));
        }

        Data = data;
        Vectors = vectors;
    }

    public string Schema { get; }

    /// <summary>
    /// The schema pgvector is installed in, quoted (from <c>pg_extension</c>). Its types, operators and functions are
    /// always schema-qualified, so statements work whatever the connection's <c>search_path</c> (managed services often
    /// install extensions into a separate schema).
    /// </summary>
    public string VectorSchema { get; set; } = "public";

    public string Name { get; }

    /// <summary>The quoted, schema-qualified table name.</summary>
    public string Table { get; }

    public CollectionModel Model { get; }

    public PostgresCollectionOptions Options { get; }

    public string KeyColumn { get; }

    /// <summary>The key's element type (string for dynamic collections without a typed key).</summary>
    public Type KeyElement { get; }

    public string KeySqlType { get; }

    public IReadOnlyList<DataColumn> Data { get; }

    public IReadOnlyList<VectorColumn> Vectors { get; }

    public DataColumn DataColumnOf(DataPropertyModel property)
    {
        foreach (DataColumn column in Data)
        {
            if (ReferenceEquals(column.Property, property))
            {
                return column;
            }
        }

        throw new InvalidOperationException($"'{property.ModelName}' is not a data property of the collection.");
    }

    public VectorColumn VectorColumnOf(VectorPropertyModel property)
    {
        foreach (VectorColumn column in Vectors)
        {
            if (ReferenceEquals(column.Property, property))
            {
                return column;
            }
        }

        throw new InvalidOperationException($"'{property.ModelName}' is not a vector property of the collection.");
    }

    /// <summary>The statement that creates the table (idempotent).</summary>
    public string CreateTableStatement()
    {
        var columns = new List<string> { $"{KeyColumn} {KeySqlType} PRIMARY KEY" };
        foreach (DataColumn column in Data)
        {
            columns.Add($"{column.Column} {column.SqlType}");
            if (column.TsvColumn is not null)
            {
                columns.Add($"{column.TsvColumn} tsvector GENERATED ALWAYS AS (to_tsvector({TextSearchConfigLiteral}, coalesce({column.Column}, ''))) STORED");
            }
        }

        foreach (VectorColumn column in Vectors)
        {
            columns.Add($"{column.Column} {column.QualifiedSqlType}");
        }

        return $"CREATE TABLE IF NOT EXISTS {Table} ({string.Join(", ", columns)})";
    }

    /// <summary>The table's indexes: their (unquoted) names and the statements that create them (idempotent).</summary>
    public IReadOnlyList<(string Name, string Statement)> IndexStatements()
    {
        var statements = new List<(string, string)>();
        foreach (DataColumn column in Data)
        {
            if (column.Property.IsIndexed)
            {
                string method = column.IsArray ? "gin" : "btree";
                string name = PgIdentifier.IndexName(Name, column.Property.StorageName, method);
                statements.Add((name, $"CREATE INDEX IF NOT EXISTS {PgIdentifier.Quote(name)} ON {Table} USING {method} ({column.Column})"));
            }

            if (column.TsvColumn is not null)
            {
                string name = PgIdentifier.IndexName(Name, column.Property.StorageName, "fts");
                statements.Add((name, $"CREATE INDEX IF NOT EXISTS {PgIdentifier.Quote(name)} ON {Table} USING gin ({column.TsvColumn})"));
            }
        }

        foreach (VectorColumn column in Vectors)
        {
            if (column.Property.IndexKind != IndexKind.Hnsw)
            {
                continue; // flat: exact scans
            }

            string with = string.Create(CultureInfo.InvariantCulture, $"WITH (m = {Options.M}, ef_construction = {Options.EfConstruction})");
            string name = PgIdentifier.IndexName(Name, column.Property.StorageName, "hnsw");
            statements.Add((name, column.Quantization == PostgresQuantization.None
                ? $"CREATE INDEX IF NOT EXISTS {PgIdentifier.Quote(name)} ON {Table} USING hnsw ({column.Column} {column.OperatorClass}) {with}"
                : $"CREATE INDEX IF NOT EXISTS {PgIdentifier.Quote(name)} ON {Table} USING hnsw (({column.IndexExpression(column.Column)}) {column.OperatorClass}) {with}"));
        }

        return statements;
    }

    /// <summary>The text search configuration as a SQL literal (validated to letters, digits, '_' and '.').</summary>
    public string TextSearchConfigLiteral => $"'{Options.TextSearchConfiguration}'::regconfig";

    /// <summary>The columns every statement selects: key, data, then (when asked) vectors as <c>real[]</c> / <c>bit</c>.</summary>
    public string SelectList(bool includeVectors)
    {
        var builder = new StringBuilder();
        builder.Append(Alias).Append('.').Append(KeyColumn);
        foreach (DataColumn column in Data)
        {
            builder.Append(", ").Append(Alias).Append('.').Append(column.Column);
        }

        if (includeVectors)
        {
            foreach (VectorColumn column in Vectors)
            {
                builder.Append(", ").Append(column.ReadExpression(Alias + "." + column.Column));
            }
        }

        return builder.ToString();
    }

    /// <summary>The number of columns <see cref="SelectList"/> returns.</summary>
    public int SelectCount(bool includeVectors) => 1 + Data.Count + (includeVectors ? Vectors.Count : 0);

    /// <summary>Reads the record at the reader's current row (columns from <paramref name="offset"/> in <see cref="SelectList"/> order).</summary>
    public object ReadRecord(NpgsqlDataReader reader, bool includeVectors, int offset = 0)
    {
        object record = Model.CreateRecord();
        object key = reader.GetValue(offset);
        Model.KeyProperty.SetValue(record, Model.KeyProperty.Type == typeof(object) ? key : PgTypes.FromDb(key, Model.KeyProperty.Type));
        for (int i = 0; i < Data.Count; i++)
        {
            DataColumn column = Data[i];
            int ordinal = offset + 1 + i;
            object? value = reader.IsDBNull(ordinal) ? null : PgTypes.FromDb(column.ReadRaw(reader, ordinal), column.Property.Type);
            if (value is not null || Model.IsDynamic || !column.Property.Type.IsValueType || Nullable.GetUnderlyingType(column.Property.Type) is not null)
            {
                column.Property.SetValue(record, value);
            }
        }

        if (includeVectors)
        {
            for (int i = 0; i < Vectors.Count; i++)
            {
                VectorColumn column = Vectors[i];
                int ordinal = offset + 1 + Data.Count + i;
                if (reader.IsDBNull(ordinal) || column.Property.RequiresEmbedding)
                {
                    continue;
                }

                column.Property.SetValue(record, column.Property.IsBinary
                    ? VectorTypes.FromBits(reader.GetFieldValue<System.Collections.BitArray>(ordinal), column.Property.Type)
                    : VectorTypes.FromFloats(reader.GetFieldValue<float[]>(ordinal), column.Property.Type));
            }
        }

        return record;
    }

    private static bool ElementNullable(Type type)
    {
        Type? element = LlamaDb.VectorData.ProviderServices.CollectionModelBuilder.ElementType(Nullable.GetUnderlyingType(type) ?? type);
        return element is not null && Nullable.GetUnderlyingType(element) is not null;
    }

    /// <summary>A data column.</summary>
    internal sealed class DataColumn(DataPropertyModel property, string column, Type element, bool isArray, string sqlType, string? tsvColumn, bool nullableElements)
    {
        private readonly MethodInfo? _readNullableArray = isArray && nullableElements && PgTypes.DbClrType(element).IsValueType
            ? typeof(NpgsqlDataReader).GetMethod(nameof(NpgsqlDataReader.GetFieldValue))!.MakeGenericMethod(typeof(Nullable<>).MakeGenericType(PgTypes.DbClrType(element)).MakeArrayType())
            : null;

        public DataPropertyModel Property { get; } = property;

        /// <summary>The quoted column name.</summary>
        public string Column { get; } = column;

        public Type Element { get; } = element;

        public bool IsArray { get; } = isArray;

        public string SqlType { get; } = sqlType;

        /// <summary>The quoted generated <c>tsvector</c> column, for full-text indexed properties.</summary>
        public string? TsvColumn { get; } = tsvColumn;

        /// <summary>Reads the raw value (arrays with nullable elements as <c>T?[]</c>).</summary>
        public object ReadRaw(NpgsqlDataReader reader, int ordinal) =>
            _readNullableArray is null ? reader.GetValue(ordinal) : _readNullableArray.Invoke(reader, [ordinal])!; // GetFieldValue never returns null for a non-null field
    }

    /// <summary>A vector column.</summary>
    internal sealed class VectorColumn(TableMapping table, VectorPropertyModel property, string column, PostgresQuantization quantization)
    {
        private string Vs => table.VectorSchema;

        public VectorPropertyModel Property { get; } = property;

        /// <summary>The quoted column name.</summary>
        public string Column { get; } = column;

        public PostgresQuantization Quantization { get; } = quantization;

        public int Dimensions => Property.Dimensions;

        /// <summary>The column type as <c>format_type</c> shows it (unqualified).</summary>
        public string SqlType => Property.IsBinary ? $"bit({Dimensions})" : $"vector({Dimensions})";

        /// <summary>Whether the HNSW index is over a compact expression (halfvec or sign bits) and results are rescored exactly.</summary>
        public bool IsQuantizedIndex => Quantization != PostgresQuantization.None && Property.IndexKind == IndexKind.Hnsw;

        /// <summary>The expression the HNSW index is built on (and searches order by) for <paramref name="vector"/>.</summary>
        public string IndexExpression(string vector) => Quantization switch
        {
            PostgresQuantization.Half => $"({vector})::{Vs}.halfvec({Dimensions})",
            PostgresQuantization.Binary => $"{Vs}.binary_quantize({vector})::bit({Dimensions})",
            _ => vector,
        };

        /// <summary>The operator the index orders by.</summary>
        public string IndexOperator => Quantization == PostgresQuantization.Binary ? $"OPERATOR({Vs}.<~>)" : QualifiedOperator;

        /// <summary>The column type, schema-qualified for DDL and casts.</summary>
        public string QualifiedSqlType => Property.IsBinary ? SqlType : $"{Vs}.{SqlType}";

        /// <summary>The distance operator, schema-qualified: <c>OPERATOR(schema.&lt;=&gt;)</c>.</summary>
        public string QualifiedOperator => $"OPERATOR({Vs}.{Operator})";


        /// <summary>The pgvector distance operator.</summary>
        public string Operator => Property.DistanceFunction switch
        {
            DistanceFunction.CosineSimilarity or DistanceFunction.CosineDistance => "<=>",
            DistanceFunction.DotProductSimilarity or DistanceFunction.NegativeDotProductSimilarity => "<#>",
            DistanceFunction.EuclideanDistance or DistanceFunction.EuclideanSquaredDistance => "<->",
            DistanceFunction.HammingDistance => "<~>",
            _ => throw new NotSupportedException($"The distance function '{Property.DistanceFunction}' is not supported by the PostgreSQL connector."),
        };

        /// <summary>The HNSW operator class.</summary>
        public string OperatorClass
        {
            get
            {
                if (Property.IsBinary || Quantization == PostgresQuantization.Binary)
                {
                    return $"{Vs}.bit_hamming_ops";
                }

                string prefix = Vs + "." + (Quantization == PostgresQuantization.Half ? "halfvec" : "vector");
                return Operator switch
                {
                    "<=>" => prefix + "_cosine_ops",
                    "<#>" => prefix + "_ip_ops",
                    _ => prefix + "_l2_ops",
                };
            }
        }

        /// <summary>The query parameter cast to the column's type.</summary>
        public string QueryCast(string parameter) => Property.IsBinary ? $"{parameter}::bit({Dimensions})" : $"{parameter}::{QualifiedSqlType}";

        /// <summary>The score, from the operator's value <paramref name="distance"/>.</summary>
        public string ScoreExpression(string distance) => Property.DistanceFunction switch
        {
            DistanceFunction.CosineSimilarity => $"(1 - {distance})",
            DistanceFunction.DotProductSimilarity => $"(-({distance}))",
            DistanceFunction.EuclideanSquaredDistance => $"({distance} * {distance})",
            _ => distance,
        };

        /// <summary>How the column is read back (<c>real[]</c> for float vectors).</summary>
        public string ReadExpression(string qualifiedColumn) => Property.IsBinary ? qualifiedColumn : $"{qualifiedColumn}::real[]";

        /// <summary>The expression a vector value is written with, from a slice of the batch's flat <c>real[]</c>.</summary>
        public string WriteCast => QualifiedSqlType;
    }
}
