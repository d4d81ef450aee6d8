using System.Collections;
using System.Globalization;
using System.Linq.Expressions;
using System.Runtime.CompilerServices;
using System.Text;
using LlamaDb.Connectors.Postgres.Sql;
using LlamaDb.VectorData;
using LlamaDb.VectorData.ProviderServices;
using LlamaDb.VectorData.ProviderServices.Filter;
using Microsoft.Extensions.AI;
using Npgsql;
using NpgsqlTypes;

namespace LlamaDb.Connectors.Postgres;

/// <summary>
/// A collection stored as a PostgreSQL table with pgvector columns. Upserts are batched
/// (<c>INSERT ... SELECT FROM unnest(...) ON CONFLICT DO UPDATE</c>), filters become SQL, vector search orders by the
/// pgvector distance operator (HNSW index, <c>hnsw.ef_search</c> per query), and hybrid search fuses the vector and
/// <c>ts_rank</c> rankings by reciprocal rank fusion in one statement.
/// </summary>
/// <typeparam name="TKey">The key type: string, Guid, ulong, long or int (object for dynamic collections).</typeparam>
/// <typeparam name="TRecord">The record type.</typeparam>
public sealed class PostgresCollection<TKey, TRecord> : VectorStoreCollection<TKey, TRecord>, IKeywordHybridSearchable<TRecord>, IKeywordSearchable<TRecord>
    where TKey : notnull
    where TRecord : class
{
    private const string DistanceAlias = "llamadb_distance";
    private readonly PostgresVectorStore _store;
    private readonly PostgresCollectionOptions _options;
    private readonly CollectionModel _model;
    private readonly TableMapping _table;
    private volatile bool _verified;

    internal PostgresCollection(PostgresVectorStore store, string name, PostgresCollectionOptions options)
    {
        PgIdentifier.ValidateCollectionName(name);
        _store = store;
        Name = name;
        _options = new PostgresCollectionOptions(options);
        _options.Validate();
        _model = CollectionModelBuilder.Build(typeof(TRecord), _options.Definition, _options.EmbeddingGenerator ?? store.Options.EmbeddingGenerator);
        if (typeof(TKey) != typeof(object) && typeof(TKey) != _model.KeyProperty.Type)
        {
            throw new InvalidOperationException($"The collection's key type is {typeof(TKey).Name}, but the record's key property '{_model.KeyProperty.ModelName}' is {_model.KeyProperty.Type.Name}.");
        }

        _table = new TableMapping(store.Schema, name, _model, _options);
    }

    /// <inheritdoc />
    public override string Name { get; }

    private PgExecutor Executor => _store.Executor;

    /// <inheritdoc />
    public override Task<bool> CollectionExistsAsync(CancellationToken cancellationToken = default) => _store.TableExistsAsync(Name, cancellationToken);

    /// <inheritdoc />
    public override async Task EnsureCollectionExistsAsync(CancellationToken cancellationToken = default)
    {
        if (_store.Options.CreateExtension)
        {
            await Executor.RunAsync(Name, "CreateExtension", async (connection, ct) =>
            {
                // Checked first so a role without CREATE privilege works once an administrator has created it.
                if (await PgCommands.ScalarAsync<bool>(connection, "SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'vector')", [], ct).ConfigureAwait(false))
                {
                    return true;
                }

                return await PgCommands.ExecuteAsync(connection, "CREATE EXTENSION IF NOT EXISTS vector", [], ct).ConfigureAwait(false);
            }, cancellationToken).ConfigureAwait(false);
        }

        _table.VectorSchema = await _store.GetVectorSchemaAsync(cancellationToken).ConfigureAwait(false);
        (bool exists, bool isCollection) = await _store.GetTableStateAsync(Name, cancellationToken).ConfigureAwait(false);
        if (exists && !isCollection)
        {
            throw _store.NotACollection(Name);
        }

        HashSet<string> existingIndexes = [];
        if (exists)
        {
            // The shape first, so a table of other dimensions gets the mismatch error rather than a failing CREATE INDEX.
            _verified = false;
            await VerifyAsync(cancellationToken).ConfigureAwait(false);
            existingIndexes = [.. await Executor.RunAsync(Name, "EnsureCollectionExists", (connection, ct) => PgCommands.ReadAsync(
                connection,
                "SELECT indexname FROM pg_indexes WHERE schemaname = @schema AND tablename = @table",
                [new NpgsqlParameter("schema", _table.Schema), new NpgsqlParameter("table", Name)],
                static reader => reader.GetString(0),
                ct), cancellationToken).ConfigureAwait(false)];
        }

        List<string> missingIndexes = [.. _table.IndexStatements().Where(i => !existingIndexes.Contains(i.Name)).Select(i => i.Statement)];
        if (exists && missingIndexes.Count == 0)
        {
            return; // nothing to create: no DDL, so a role with only DML privileges can call this
        }

        await Executor.RunAsync(Name, "EnsureCollectionExists", async (connection, ct) =>
        {
            NpgsqlTransaction transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                // Serializes concurrent creators of the same table (CREATE TABLE IF NOT EXISTS can still race on pg_type).
                await PgCommands.ExecuteAsync(connection, "SELECT pg_advisory_xact_lock(hashtext(@name))", [new NpgsqlParameter("name", _table.Table)], ct).ConfigureAwait(false);
                await PgCommands.ExecuteAsync(connection, _table.CreateTableStatement(), [], ct).ConfigureAwait(false);

                // Mark the table as a collection unless it already is (keeping metadata stored after the marker).
                string? comment = await PgCommands.CommentStatementAsync(connection, _table.Table, TableMapping.CommentMarker, onlyIfUnmarked: true, ct).ConfigureAwait(false);
                if (comment is not null)
                {
                    await PgCommands.ExecuteAsync(connection, comment, [], ct).ConfigureAwait(false);
                }

                foreach (string statement in missingIndexes)
                {
                    await PgCommands.ExecuteAsync(connection, statement, [], ct).ConfigureAwait(false);
                }

                await transaction.CommitAsync(ct).ConfigureAwait(false);
            }

            return true;
        }, cancellationToken).ConfigureAwait(false);
        if (!exists)
        {
            // An existing table was checked before the DDL; a new one is checked once it is there.
            _verified = false;
            await VerifyAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public override Task EnsureCollectionDeletedAsync(CancellationToken cancellationToken = default)
    {
        _verified = false;
        return _store.EnsureCollectionDeletedAsync(Name, cancellationToken);
    }

    /// <summary>The number of records (<c>SELECT count(*)</c>).</summary>
    public async Task<long> CountAsync(CancellationToken cancellationToken = default)
    {
        await VerifyAsync(cancellationToken).ConfigureAwait(false);
        return await Executor.RunAsync(Name, "Count", (connection, ct) =>
            PgCommands.ScalarAsync<long>(connection, $"SELECT count(*) FROM {_table.Table}", [], ct), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public override async Task<TRecord?> GetAsync(TKey key, RecordRetrievalOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        await foreach (TRecord record in GetAsync([key], options, cancellationToken).ConfigureAwait(false))
        {
            return record;
        }

        return null;
    }

    /// <inheritdoc />
    public override async IAsyncEnumerable<TRecord> GetAsync(IEnumerable<TKey> keys, RecordRetrievalOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        Array keyArray = KeyArray(keys, nameof(keys));
        if (keyArray.Length == 0)
        {
            yield break;
        }

        await VerifyAsync(cancellationToken).ConfigureAwait(false);
        bool includeVectors = options?.IncludeVectors ?? false;
        string sql = $"SELECT {_table.SelectList(includeVectors)} FROM {_table.Table} AS {TableMapping.Alias} WHERE {TableMapping.Alias}.{_table.KeyColumn} = ANY(@keys)";
        List<TRecord> records = await Executor.RunAsync(Name, "Get", (connection, ct) =>
            ReadRecordsAsync(connection, sql, [KeyArrayParameter("keys", keyArray)], includeVectors, ct), cancellationToken).ConfigureAwait(false);
        foreach (TRecord record in records)
        {
            yield return record;
        }
    }

    /// <inheritdoc />
    public override async IAsyncEnumerable<TRecord> GetAsync(Expression<Func<TRecord, bool>> filter, int top, FilteredRecordRetrievalOptions<TRecord>? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(top);
        var parameters = new List<NpgsqlParameter>();
        string where = new SqlFilterBuilder(_table, parameters).Build(FilterTranslator.Translate(filter, _model));
        await VerifyAsync(cancellationToken).ConfigureAwait(false);
        bool includeVectors = options?.IncludeVectors ?? false;
        parameters.Add(new NpgsqlParameter("top", NpgsqlDbType.Integer) { Value = top });
        parameters.Add(new NpgsqlParameter("skip", NpgsqlDbType.Integer) { Value = options?.Skip ?? 0 });

        // Ordered by key so pages (Skip) are stable from call to call.
        string sql = $"SELECT {_table.SelectList(includeVectors)} FROM {_table.Table} AS {TableMapping.Alias} WHERE {where} ORDER BY {TableMapping.Alias}.{_table.KeyColumn} LIMIT @top OFFSET @skip";
        List<TRecord> records = await Executor.RunAsync(Name, "GetByFilter", (connection, ct) =>
            ReadRecordsAsync(connection, sql, parameters, includeVectors, ct), cancellationToken).ConfigureAwait(false);
        foreach (TRecord record in records)
        {
            yield return record;
        }
    }

    /// <summary>
    /// Every record in key order, in pages of <paramref name="batchSize"/>, each page read by key range
    /// (<c>WHERE key &gt; last ORDER BY key LIMIT n</c>), so reading a large collection costs one index scan, not
    /// <c>OFFSET</c> rescans. Records written meanwhile may or may not be seen.
    /// </summary>
    internal async IAsyncEnumerable<IReadOnlyList<TRecord>> ReadAllAsync(int batchSize, bool includeVectors, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        await VerifyAsync(cancellationToken).ConfigureAwait(false);
        string a = TableMapping.Alias;
        string first = $"SELECT {_table.SelectList(includeVectors)} FROM {_table.Table} AS {a} ORDER BY {a}.{_table.KeyColumn} LIMIT @n";
        string next = $"SELECT {_table.SelectList(includeVectors)} FROM {_table.Table} AS {a} WHERE {a}.{_table.KeyColumn} > @last ORDER BY {a}.{_table.KeyColumn} LIMIT @n";
        object? last = null;
        while (true)
        {
            var parameters = new List<NpgsqlParameter> { new("n", NpgsqlDbType.Integer) { Value = batchSize } };
            if (last is not null)
            {
                parameters.Add(new NpgsqlParameter("last", PgTypes.DbType(_table.KeyElement)) { Value = PgTypes.ToDb(last) });
            }

            List<TRecord> page = await Executor.RunAsync(Name, "ReadAll", (connection, ct) =>
                ReadRecordsAsync(connection, last is null ? first : next, parameters, includeVectors, ct), cancellationToken).ConfigureAwait(false);
            if (page.Count > 0)
            {
                yield return page;
                last = CheckKey(_model.KeyProperty.GetValue(page[^1])!, 0); // keys read back are never null
            }

            if (page.Count < batchSize)
            {
                yield break;
            }
        }
    }

    /// <inheritdoc />
    public override Task DeleteAsync(TKey key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        return DeleteAsync([key], cancellationToken);
    }

    /// <inheritdoc />
    public override async Task DeleteAsync(IEnumerable<TKey> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        Array keyArray = KeyArray(keys, nameof(keys));
        if (keyArray.Length == 0)
        {
            return;
        }

        await VerifyAsync(cancellationToken).ConfigureAwait(false);
        string sql = $"DELETE FROM {_table.Table} WHERE {_table.KeyColumn} = ANY(@keys)";
        await Executor.RunAsync(Name, "Delete", (connection, ct) =>
            PgCommands.ExecuteAsync(connection, sql, [KeyArrayParameter("keys", keyArray)], ct), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public override Task UpsertAsync(TRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        return UpsertAsync([record], cancellationToken);
    }

    /// <inheritdoc />
    public override async Task UpsertAsync(IEnumerable<TRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        List<TRecord> list = [.. records];
        if (list.Count == 0)
        {
            return;
        }

        // Validate and read everything (embedding the inputs of each property in one batched call) before any write,
        // so a bad record stores nothing.
        var keys = new object[list.Count];
        for (int i = 0; i < list.Count; i++)
        {
            TRecord record = list[i] ?? throw new ArgumentNullException(nameof(records), $"records[{i}] is null.");
            object key = _model.KeyProperty.GetValue(record)
                ?? throw new ArgumentException($"records[{i}] has a null key ('{_model.KeyProperty.ModelName}').", nameof(records));
            keys[i] = CheckKey(key, i);
        }

        var vectors = new object?[_table.Vectors.Count][];
        for (int v = 0; v < _table.Vectors.Count; v++)
        {
            vectors[v] = await ReadVectorsAsync(_table.Vectors[v].Property, list, cancellationToken).ConfigureAwait(false);
        }

        // A key given twice: the last record wins (ON CONFLICT cannot touch a row twice in one statement).
        var last = new Dictionary<object, int>();
        for (int i = 0; i < keys.Length; i++)
        {
            last[keys[i]] = i;
        }

        var order = new List<int>(last.Count);
        for (int i = 0; i < keys.Length; i++)
        {
            if (last[keys[i]] == i)
            {
                order.Add(i);
            }
        }

        await VerifyAsync(cancellationToken).ConfigureAwait(false);
        string sql = UpsertSql();
        var batches = new List<List<NpgsqlParameter>>();
        for (int start = 0; start < order.Count; start += _options.UpsertBatchSize)
        {
            batches.Add(UpsertParameters(list, keys, vectors, order, start, Math.Min(_options.UpsertBatchSize, order.Count - start)));
        }

        await Executor.RunAsync(Name, "Upsert", async (connection, ct) =>
        {
            // One transaction: an upsert of many records lands whole or not at all.
            NpgsqlTransaction transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                foreach (List<NpgsqlParameter> batch in batches)
                {
                    await PgCommands.ExecuteAsync(connection, sql, batch, ct).ConfigureAwait(false);
                }

                await transaction.CommitAsync(ct).ConfigureAwait(false);
            }

            return true;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public override async IAsyncEnumerable<VectorSearchResult<TRecord>> SearchAsync<TInput>(TInput searchValue, int top, VectorSearchOptions<TRecord>? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(searchValue);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(top);
        VectorPropertyModel property = _model.GetVectorPropertyOrSingle(options?.VectorProperty);
        TableMapping.VectorColumn column = _table.VectorColumnOf(property);
        int? efRequested = (options as PostgresVectorSearchOptions<TRecord>)?.EfSearch;
        if (efRequested is { } requested)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(requested, "options.EfSearch");
        }

        NpgsqlParameter query = await QueryParameterAsync(column, searchValue, cancellationToken).ConfigureAwait(false);
        var parameters = new List<NpgsqlParameter> { query };
        string where = $"{TableMapping.Alias}.{column.Column} IS NOT NULL";
        if (options?.Filter is { } filter)
        {
            where += " AND " + new SqlFilterBuilder(_table, parameters).Build(FilterTranslator.Translate(filter, _model));
        }

        await VerifyAsync(cancellationToken).ConfigureAwait(false);
        bool includeVectors = options?.IncludeVectors ?? false;
        int skip = options?.Skip ?? 0;
        int wanted = checked(top + skip);
        string distance = $"{TableMapping.Alias}.{column.Column} {column.QualifiedOperator} {column.QueryCast("@q")}";
        string sql;
        int candidates = wanted;
        int efBase = efRequested ?? _options.EfSearch;
        if (column.IsQuantizedIndex)
        {
            // The index orders by the compact expression (half floats or sign bits); the best candidates (at least the
            // ef_search the graph visits anyway) are rescored exactly with the stored vectors.
            candidates = Math.Max(checked(wanted * _options.Oversampling), efBase);
            string coarse = $"{column.IndexExpression($"{TableMapping.Alias}.{column.Column}")} {column.IndexOperator} {column.IndexExpression(column.QueryCast("@q"))}";
            sql = $"SELECT * FROM (SELECT {_table.SelectList(includeVectors)}, {distance} AS {DistanceAlias} FROM {_table.Table} AS {TableMapping.Alias} WHERE {where} ORDER BY {coarse} LIMIT @candidates) AS c ORDER BY {DistanceAlias} LIMIT @wanted";
        }
        else
        {
            sql = $"SELECT {_table.SelectList(includeVectors)}, {distance} AS {DistanceAlias} FROM {_table.Table} AS {TableMapping.Alias} WHERE {where} ORDER BY {DistanceAlias} LIMIT @wanted";
        }

        parameters.Add(new NpgsqlParameter("wanted", NpgsqlDbType.Integer) { Value = wanted });
        parameters.Add(new NpgsqlParameter("candidates", NpgsqlDbType.Integer) { Value = candidates });
        int ef = Math.Min(1000, Math.Max(efBase, candidates));

        // An HNSW scan returns at most ef_search rows (capped at 1,000) unless it iterates: iterate for filters and for
        // requests beyond ef_search (Skip 1,000, top 2,000...).
        bool iterative = _options.IterativeScan && (options?.Filter is not null || candidates > ef);
        List<(TRecord Record, double Distance)> hits = await Executor.RunAsync(Name, "Search", (connection, ct) =>
            ReadScoredAsync(connection, sql, parameters, includeVectors, column.Property.IndexKind == IndexKind.Hnsw ? ef : null, iterative, ct), cancellationToken).ConfigureAwait(false);

        // Iterative scans may return rows slightly out of order (relaxed_order): order them before skipping.
        // NaN distances (a zero vector under cosine) sort last, as PostgreSQL sorts them, never first.
        hits.Sort(static (a, b) => double.IsNaN(a.Distance) ? (double.IsNaN(b.Distance) ? 0 : 1) : double.IsNaN(b.Distance) ? -1 : a.Distance.CompareTo(b.Distance));
        bool similarity = DistanceFunction.IsSimilarity(property.DistanceFunction);
        for (int i = skip; i < hits.Count && i < wanted; i++)
        {
            double score = Score(property.DistanceFunction, hits[i].Distance);
            if (options?.ScoreThreshold is { } threshold && (similarity ? score < threshold : score > threshold))
            {
                continue;
            }

            cancellationToken.ThrowIfCancellationRequested();
            yield return new VectorSearchResult<TRecord>(hits[i].Record, score);
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<VectorSearchResult<TRecord>> HybridSearchAsync<TInput>(TInput searchValue, ICollection<string> keywords, int top, HybridSearchOptions<TRecord>? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        where TInput : notnull
    {
        ArgumentNullException.ThrowIfNull(searchValue);
        ArgumentNullException.ThrowIfNull(keywords);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(top);
        VectorPropertyModel vectorProperty = _model.GetVectorPropertyOrSingle(options?.VectorProperty);
        TableMapping.VectorColumn vectorColumn = _table.VectorColumnOf(vectorProperty);
        TableMapping.DataColumn textColumn = _table.DataColumnOf(_model.GetFullTextPropertyOrSingle(options?.AdditionalProperty));
        NpgsqlParameter query = await QueryParameterAsync(vectorColumn, searchValue, cancellationToken).ConfigureAwait(false);
        var parameters = new List<NpgsqlParameter> { query };
        string filter = options?.Filter is { } f ? " AND " + new SqlFilterBuilder(_table, parameters).Build(FilterTranslator.Translate(f, _model)) : "";
        await VerifyAsync(cancellationToken).ConfigureAwait(false);
        bool includeVectors = options?.IncludeVectors ?? false;
        int skip = options?.Skip ?? 0;
        int candidates = Math.Max(checked(2 * (top + skip)), 50);
        parameters.Add(new NpgsqlParameter("text", NpgsqlDbType.Text) { Value = string.Join(' ', keywords) });
        parameters.Add(new NpgsqlParameter("n", NpgsqlDbType.Integer) { Value = candidates });
        parameters.Add(new NpgsqlParameter("rrf_k", NpgsqlDbType.Double) { Value = (double)_options.HybridRankConstant });
        parameters.Add(new NpgsqlParameter("w_vector", NpgsqlDbType.Double) { Value = _options.HybridVectorWeight });
        parameters.Add(new NpgsqlParameter("w_text", NpgsqlDbType.Double) { Value = _options.HybridKeywordWeight });
        parameters.Add(new NpgsqlParameter("top", NpgsqlDbType.Integer) { Value = top });
        parameters.Add(new NpgsqlParameter("skip", NpgsqlDbType.Integer) { Value = skip });

        string a = TableMapping.Alias;
        string key = $"{a}.{_table.KeyColumn}";
        string distance = $"{a}.{vectorColumn.Column} {vectorColumn.QualifiedOperator} {vectorColumn.QueryCast("@q")}";

        string vectorCandidates = vectorColumn.IsQuantizedIndex
            ? $"SELECT key, d FROM (SELECT {key} AS key, {distance} AS d FROM {_table.Table} AS {a} WHERE {a}.{vectorColumn.Column} IS NOT NULL{filter} " +
              $"ORDER BY {vectorColumn.IndexExpression($"{a}.{vectorColumn.Column}")} {vectorColumn.IndexOperator} {vectorColumn.IndexExpression(vectorColumn.QueryCast("@q"))} LIMIT @coarse) AS coarse ORDER BY d LIMIT @n"
            : $"SELECT {key} AS key, {distance} AS d FROM {_table.Table} AS {a} WHERE {a}.{vectorColumn.Column} IS NOT NULL{filter} ORDER BY d LIMIT @n";
        parameters.Add(new NpgsqlParameter("coarse", NpgsqlDbType.Integer) { Value = Math.Max(checked(candidates * _options.Oversampling), _options.EfSearch) });

        // Both rankings in one statement, fused by reciprocal rank fusion: score = Σ weight / (k + rank).
        string sql = $"""
            WITH q AS (SELECT {KeywordQuery("@text")} AS query),
            v AS (
              SELECT key, row_number() OVER (ORDER BY d, key) AS rank FROM ({vectorCandidates}) AS vs),
            t AS (
              SELECT key, row_number() OVER (ORDER BY s DESC, key) AS rank FROM (
                SELECT {key} AS key, ts_rank({a}.{textColumn.TsvColumn}, q.query) AS s FROM {_table.Table} AS {a}, q
                WHERE {a}.{textColumn.TsvColumn} @@ q.query{filter} ORDER BY s DESC LIMIT @n) AS ts),
            fused AS (
              SELECT coalesce(v.key, t.key) AS key,
                     coalesce(@w_vector / (@rrf_k + v.rank), 0) + coalesce(@w_text / (@rrf_k + t.rank), 0) AS score,
                     v.rank AS vrank, t.rank AS trank
              FROM v FULL OUTER JOIN t ON v.key = t.key)
            SELECT {_table.SelectList(includeVectors)}, fused.score FROM fused JOIN {_table.Table} AS {a} ON {key} = fused.key
            ORDER BY fused.score DESC, fused.vrank NULLS LAST, fused.trank NULLS LAST LIMIT @top OFFSET @skip
            """;
        int vectorRows = vectorColumn.IsQuantizedIndex ? Math.Max(checked(candidates * _options.Oversampling), _options.EfSearch) : candidates;
        int ef = Math.Min(1000, Math.Max(_options.EfSearch, vectorRows));
        bool iterative = _options.IterativeScan && (options?.Filter is not null || vectorRows > ef);
        List<(TRecord Record, double Score)> hits = await Executor.RunAsync(Name, "HybridSearch", (connection, ct) =>
            ReadScoredAsync(connection, sql, parameters, includeVectors, vectorColumn.Property.IndexKind == IndexKind.Hnsw ? ef : null, iterative, ct), cancellationToken).ConfigureAwait(false);
        foreach ((TRecord record, double score) in hits)
        {
            if (options?.ScoreThreshold is { } threshold && score < threshold)
            {
                continue;
            }

            cancellationToken.ThrowIfCancellationRequested();
            yield return new VectorSearchResult<TRecord>(record, score);
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<VectorSearchResult<TRecord>> KeywordSearchAsync(ICollection<string> keywords, int top, KeywordSearchOptions<TRecord>? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keywords);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(top);
        TableMapping.DataColumn textColumn = _table.DataColumnOf(_model.GetFullTextPropertyOrSingle(options?.FullTextProperty));
        var parameters = new List<NpgsqlParameter>();
        string filter = options?.Filter is { } f ? " AND " + new SqlFilterBuilder(_table, parameters).Build(FilterTranslator.Translate(f, _model)) : "";
        if (keywords.Count == 0)
        {
            yield break;
        }

        await VerifyAsync(cancellationToken).ConfigureAwait(false);
        bool includeVectors = options?.IncludeVectors ?? false;
        parameters.Add(new NpgsqlParameter("text", NpgsqlDbType.Text) { Value = string.Join(' ', keywords) });
        parameters.Add(new NpgsqlParameter("top", NpgsqlDbType.Integer) { Value = top });
        parameters.Add(new NpgsqlParameter("skip", NpgsqlDbType.Integer) { Value = options?.Skip ?? 0 });
        string a = TableMapping.Alias;
        string sql = $"""
            WITH q AS (SELECT {KeywordQuery("@text")} AS query)
            SELECT {_table.SelectList(includeVectors)}, ts_rank({a}.{textColumn.TsvColumn}, q.query) AS s
            FROM {_table.Table} AS {a}, q WHERE {a}.{textColumn.TsvColumn} @@ q.query{filter}
            ORDER BY s DESC, {a}.{_table.KeyColumn} LIMIT @top OFFSET @skip
            """;
        List<(TRecord Record, double Score)> hits = await Executor.RunAsync(Name, "KeywordSearch", (connection, ct) =>
            ReadScoredAsync(connection, sql, parameters, includeVectors, null, false, ct), cancellationToken).ConfigureAwait(false);
        foreach ((TRecord record, double score) in hits)
        {
            if (options?.ScoreThreshold is { } threshold && score < threshold)
            {
                continue;
            }

            cancellationToken.ThrowIfCancellationRequested();
            yield return new VectorSearchResult<TRecord>(record, score);
        }
    }

    /// <inheritdoc />
    public override object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        if (serviceType == typeof(VectorStoreCollectionMetadata))
        {
            return new VectorStoreCollectionMetadata { VectorStoreSystemName = PostgresVectorStore.SystemName, VectorStoreName = _store.Name, CollectionName = Name };
        }

        if (serviceType == typeof(NpgsqlDataSource))
        {
            return Executor.DataSource;
        }

        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <summary>
    /// Keywords as an OR query: <c>plainto_tsquery</c> normalizes them (stemming, stop words) and ANDs the lexemes;
    /// turning its ANDs into ORs lets any keyword match, ranked by <c>ts_rank</c>, as BM25 does.
    /// </summary>
    private string KeywordQuery(string parameter) =>
        $"replace(plainto_tsquery({_table.TextSearchConfigLiteral}, {parameter})::text, ' & ', ' | ')::tsquery";

    private static double Score(string distanceFunction, double distance) => distanceFunction switch
    {
        DistanceFunction.CosineSimilarity => 1 - distance,
        DistanceFunction.DotProductSimilarity => -distance,
        DistanceFunction.EuclideanSquaredDistance => distance * distance,
        _ => distance,
    };

    /// <summary>
    /// Checks once per collection object that the table exists and matches the model: every column present, vector
    /// columns of the same type and dimensions. A mismatch throws naming the column and both shapes.
    /// </summary>
    private async Task VerifyAsync(CancellationToken cancellationToken)
    {
        if (_verified)
        {
            return;
        }

        _table.VectorSchema = await _store.GetVectorSchemaAsync(cancellationToken).ConfigureAwait(false);

        Dictionary<string, string> columns = (await Executor.RunAsync(Name, "Verify", (connection, ct) => PgCommands.ReadAsync(
            connection,
            "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = to_regclass(@table) AND attnum > 0 AND NOT attisdropped",
            [new NpgsqlParameter("table", _table.Table)],
            static reader => (Name: reader.GetString(0), Type: reader.GetString(1)),
            ct), cancellationToken).ConfigureAwait(false)).ToDictionary(c => c.Name, c => c.Type, StringComparer.Ordinal);

        if (columns.Count == 0)
        {
            throw new InvalidOperationException($"Collection '{Name}' does not exist; call EnsureCollectionExistsAsync first.");
        }

        Check(_model.KeyProperty.StorageName, _table.KeySqlType);
        foreach (TableMapping.DataColumn column in _table.Data)
        {
            Check(column.Property.StorageName, column.SqlType);
            if (column.TsvColumn is not null)
            {
                Check(column.TsvColumn[1..^1].Replace("\"\"", "\"", StringComparison.Ordinal), "tsvector"); // the unquoted name
            }
        }

        foreach (TableMapping.VectorColumn column in _table.Vectors)
        {
            Check(column.Property.StorageName, column.SqlType);
        }

        _verified = true;

        void Check(string name, string expected)
        {
            if (!columns.TryGetValue(name, out string? actual))
            {
                throw new InvalidOperationException($"Collection '{Name}' has no column '{name}'; the table has {string.Join(", ", columns.Keys)}. The record definition does not match the existing table.");
            }

            if (!string.Equals(Normalize(actual), Normalize(expected), StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"Collection '{Name}' column '{name}' is {actual}, but the record definition needs {expected}. Use a new collection (or migrate) when the model or its dimensions change.");
            }
        }

        static string Normalize(string type)
        {
            // format_type qualifies types outside the search_path (public.vector(3)); compare the unqualified name.
            int paren = type.IndexOf('(', StringComparison.Ordinal);
            int dot = (paren < 0 ? type : type[..paren]).LastIndexOf('.');
            return (dot < 0 ? type : type[(dot + 1)..])
                .Replace("timestamp with time zone", "timestamptz", StringComparison.Ordinal)
                .Replace("bit varying", "varbit", StringComparison.Ordinal);
        }
    }

    private string UpsertSql()
    {
        var columns = new List<string> { _table.KeyColumn };
        var selects = new List<string> { "u.c0" };
        var unnest = new List<string> { "@c0" };
        var names = new List<string> { "c0" };
        for (int d = 0; d < _table.Data.Count; d++)
        {
            TableMapping.DataColumn column = _table.Data[d];
            string alias = "d" + d.ToString(CultureInfo.InvariantCulture);
            columns.Add(column.Column);
            selects.Add(column.IsArray ? $"u.{alias}::{column.SqlType}" : $"u.{alias}");
            unnest.Add("@" + alias);
            names.Add(alias);
        }

        for (int v = 0; v < _table.Vectors.Count; v++)
        {
            TableMapping.VectorColumn column = _table.Vectors[v];
            string alias = "v" + v.ToString(CultureInfo.InvariantCulture);
            columns.Add(column.Column);
            if (column.Property.IsBinary)
            {
                selects.Add($"u.{alias}::bit({column.Dimensions})");
            }
            else
            {
                // Vectors travel as one flat real[] per batch; each row names its offset (-1: no vector).
                string dims = column.Dimensions.ToString(CultureInfo.InvariantCulture);
                selects.Add($"CASE WHEN u.{alias} >= 0 THEN (@{alias}f::real[])[u.{alias} + 1 : u.{alias} + {dims}]::{column.WriteCast} END");
            }

            unnest.Add("@" + alias);
            names.Add(alias);
        }

        var sql = new StringBuilder();
        sql.Append("INSERT INTO ").Append(_table.Table).Append(" (").AppendJoin(", ", columns).Append(") SELECT ").AppendJoin(", ", selects)
            .Append(" FROM unnest(").AppendJoin(", ", unnest).Append(") AS u(").AppendJoin(", ", names).Append(')')
            .Append(" ON CONFLICT (").Append(_table.KeyColumn).Append(')');
        if (columns.Count == 1)
        {
            sql.Append(" DO NOTHING");
        }
        else
        {
            sql.Append(" DO UPDATE SET ").AppendJoin(", ", columns.Skip(1).Select(c => $"{c} = EXCLUDED.{c}"));
        }

        return sql.ToString();
    }

    private List<NpgsqlParameter> UpsertParameters(List<TRecord> records, object[] keys, object?[][] vectors, List<int> order, int start, int count)
    {
        var parameters = new List<NpgsqlParameter>();
        Array keyArray = PgTypes.NewParameterArray(_table.KeyElement, count);
        for (int i = 0; i < count; i++)
        {
            keyArray.SetValue(PgTypes.ToDb(keys[order[start + i]]), i);
        }

        parameters.Add(new NpgsqlParameter("c0", NpgsqlDbType.Array | PgTypes.DbType(_table.KeyElement)) { Value = keyArray });
        for (int d = 0; d < _table.Data.Count; d++)
        {
            TableMapping.DataColumn column = _table.Data[d];
            string name = "d" + d.ToString(CultureInfo.InvariantCulture);
            if (column.IsArray)
            {
                string?[] literals = new string?[count];
                for (int i = 0; i < count; i++)
                {
                    literals[i] = PgTypes.ToArrayLiteral(column.Property.GetValue(records[order[start + i]]));
                }

                parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = literals });
            }
            else
            {
                Array values = PgTypes.NewParameterArray(column.Element, count);
                for (int i = 0; i < count; i++)
                {
                    values.SetValue(PgTypes.ToDb(ConvertData(column, column.Property.GetValue(records[order[start + i]]), order[start + i])), i);
                }

                parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Array | PgTypes.DbType(column.Element)) { Value = values });
            }
        }

        for (int v = 0; v < _table.Vectors.Count; v++)
        {
            TableMapping.VectorColumn column = _table.Vectors[v];
            string name = "v" + v.ToString(CultureInfo.InvariantCulture);
            if (column.Property.IsBinary)
            {
                var bits = new BitArray?[count];
                for (int i = 0; i < count; i++)
                {
                    bits[i] = (BitArray?)vectors[v][order[start + i]];
                }

                parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Array | NpgsqlDbType.Varbit) { Value = bits });
                continue;
            }

            int present = 0;
            for (int i = 0; i < count; i++)
            {
                present += vectors[v][order[start + i]] is null ? 0 : 1;
            }

            var offsets = new int[count];
            var flat = new float[checked(present * column.Dimensions)];
            int at = 0;
            for (int i = 0; i < count; i++)
            {
                if (vectors[v][order[start + i]] is float[] vector)
                {
                    offsets[i] = at;
                    vector.CopyTo(flat, at);
                    at += vector.Length;
                }
                else
                {
                    offsets[i] = -1;
                }
            }

            parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Array | NpgsqlDbType.Integer) { Value = offsets });
            parameters.Add(new NpgsqlParameter(name + "f", NpgsqlDbType.Array | NpgsqlDbType.Real) { Value = flat });
        }

        return parameters;
    }

    private static object? ConvertData(TableMapping.DataColumn column, object? value, int index)
    {
        if (value is null)
        {
            return null;
        }

        // Dynamic records may carry a compatible value (an int for a long property).
        try
        {
            return PgTypes.ConvertTo(value, column.Element);
        }
        catch (Exception e) when (e is InvalidCastException or FormatException or OverflowException)
        {
            throw new ArgumentException($"records[{index}].{column.Property.ModelName} is a {value.GetType().Name}, which cannot be stored as {column.Property.Type.Name}.", e);
        }
    }

    /// <summary>Reads one vector property of every record: float arrays (dimensions checked), bits, or embeddings of the inputs.</summary>
    private static async Task<object?[]> ReadVectorsAsync(VectorPropertyModel property, List<TRecord> records, CancellationToken cancellationToken)
    {
        var result = new object?[records.Count];
        if (property.RequiresEmbedding)
        {
            ReadOnlyMemory<float>?[] embedded = await property.GenerateRecordEmbeddingsAsync(records, cancellationToken).ConfigureAwait(false);
            for (int i = 0; i < embedded.Length; i++)
            {
                result[i] = embedded[i] is { } vector ? CheckFinite(property, vector.ToArray(), i) : null;
            }

            return result;
        }

        for (int i = 0; i < records.Count; i++)
        {
            object? value = property.GetValue(records[i]);
            if (value is null)
            {
                continue;
            }

            if (property.IsBinary)
            {
                BitArray bits = VectorTypes.ToBits(value)!; // not null: value is not null
                if (bits.Length != property.Dimensions)
                {
                    throw new ArgumentException($"The vector property '{property.ModelName}' has {property.Dimensions} bits, but records[{i}] has {bits.Length}.");
                }

                result[i] = bits;
            }
            else
            {
                result[i] = CheckFinite(property, property.CheckDimensions(VectorTypes.ToFloats(value)!.Value).ToArray(), i); // not null: value is not null
            }
        }

        return result;
    }

    private static float[] CheckFinite(VectorPropertyModel property, float[] vector, int index)
    {
        foreach (float x in vector)
        {
            if (!float.IsFinite(x))
            {
                throw new ArgumentException($"records[{index}].{property.ModelName} contains {x}; pgvector stores only finite values.");
            }
        }

        return vector;
    }

    private static async Task<NpgsqlParameter> QueryParameterAsync<TInput>(TableMapping.VectorColumn column, TInput value, CancellationToken cancellationToken)
    {
        VectorPropertyModel property = column.Property;
        switch (value)
        {
            case BitArray or BinaryEmbedding when property.IsBinary:
                BitArray bits = VectorTypes.ToBits(value)!; // value is one of the binary types
                if (bits.Length != property.Dimensions)
                {
                    throw new ArgumentException($"The vector property '{property.ModelName}' has {property.Dimensions} bits, but a vector of {bits.Length} was given.");
                }

                return new NpgsqlParameter("q", NpgsqlDbType.Varbit) { Value = bits };
            case ReadOnlyMemory<float> or float[] or Embedding<float> or Memory<float> when !property.IsBinary:
                float[] floats = property.CheckDimensions(VectorTypes.ToFloats(value)!.Value).ToArray(); // value is one of the float types
                return new NpgsqlParameter("q", NpgsqlDbType.Array | NpgsqlDbType.Real) { Value = CheckFinite(property, floats, 0) };
            case string when property.EmbeddingGenerator is not null && !property.IsBinary:
                IReadOnlyList<ReadOnlyMemory<float>> embedded = await property.GenerateEmbeddingsAsync([value], cancellationToken).ConfigureAwait(false);
                return new NpgsqlParameter("q", NpgsqlDbType.Array | NpgsqlDbType.Real) { Value = embedded[0].ToArray() };
            case string:
                throw new NotSupportedException($"Searching with a string needs an embedding generator on vector property '{property.ModelName}' (or the collection / store options).");
            case BitArray or BinaryEmbedding or ReadOnlyMemory<float> or float[] or Embedding<float> or Memory<float>:
                throw new ArgumentException($"The vector property '{property.ModelName}' holds {(property.IsBinary ? "bits" : "floats")}; a {typeof(TInput).Name} cannot search it.");
            default:
                throw new NotSupportedException($"Search values of type {typeof(TInput).Name} are not supported. Supported: ReadOnlyMemory<float>, float[], Embedding<float>, BitArray, BinaryEmbedding, or string with an embedding generator.");
        }
    }

    private object CheckKey(object key, int index)
    {
        Type expected = _model.KeyProperty.Type == typeof(object) ? _table.KeyElement : _model.KeyProperty.Type;
        if (expected.IsInstanceOfType(key))
        {
            return key;
        }

        if (_model.IsDynamic)
        {
            try
            {
                return PgTypes.ConvertTo(key, expected);
            }
            catch (Exception e) when (e is InvalidCastException or FormatException or OverflowException)
            {
                throw new ArgumentException($"Key {index} ({key}) is a {key.GetType().Name}; the collection's keys are {expected.Name}.", e);
            }
        }

        throw new ArgumentException($"Key {index} ({key}) is a {key.GetType().Name}; the collection's keys are {expected.Name}.");
    }

    private Array KeyArray(IEnumerable<TKey> keys, string parameterName)
    {
        var list = new List<object>();
        foreach (TKey key in keys)
        {
            list.Add(CheckKey(key ?? throw new ArgumentException("A key is null.", parameterName), list.Count));
        }

        Array array = PgTypes.NewParameterArray(_table.KeyElement, list.Count);
        for (int i = 0; i < list.Count; i++)
        {
            array.SetValue(PgTypes.ToDb(list[i]), i);
        }

        return array;
    }

    private NpgsqlParameter KeyArrayParameter(string name, Array keys) =>
        new(name, NpgsqlDbType.Array | PgTypes.DbType(_table.KeyElement)) { Value = keys };

    private Task<List<TRecord>> ReadRecordsAsync(NpgsqlConnection connection, string sql, IEnumerable<NpgsqlParameter> parameters, bool includeVectors, CancellationToken cancellationToken) =>
        PgCommands.ReadAsync(connection, sql, parameters, reader => (TRecord)_table.ReadRecord(reader, includeVectors), cancellationToken);

    private async Task<List<(TRecord Record, double Score)>> ReadScoredAsync(NpgsqlConnection connection, string sql, IEnumerable<NpgsqlParameter> parameters, bool includeVectors, int? efSearch, bool iterativeScan, CancellationToken cancellationToken)
    {
        // One round trip: the settings and the query go in one batch, which the server runs as one implicit
        // transaction (extended protocol, a single Sync), so transaction-local set_config(..., true) applies to the query
        // and pooled connections keep their defaults.
        NpgsqlBatch batch = connection.CreateBatch();
        await using (batch.ConfigureAwait(false))
        {
            var calls = new List<string>();
            var settings = new NpgsqlBatchCommand();
            if (efSearch is { } ef)
            {
                calls.Add("set_config('hnsw.ef_search', @ef, true)");
                settings.Parameters.Add(new NpgsqlParameter("ef", NpgsqlDbType.Text) { Value = ef.ToString(CultureInfo.InvariantCulture) });
            }

            if (iterativeScan)
            {
                calls.Add("set_config('hnsw.iterative_scan', 'relaxed_order', true)");
            }

            if (calls.Count > 0)
            {
                settings.CommandText = "SELECT " + string.Join(", ", calls);
                batch.BatchCommands.Add(settings);
            }

            var query = new NpgsqlBatchCommand(sql);
            foreach (NpgsqlParameter parameter in parameters)
            {
                query.Parameters.Add(parameter.Clone());
            }

            batch.BatchCommands.Add(query);
            var hits = new List<(TRecord, double)>();
            NpgsqlDataReader reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                if (calls.Count > 0)
                {
                    await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
                }

                int scoreOrdinal = _table.SelectCount(includeVectors);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    hits.Add(((TRecord)_table.ReadRecord(reader, includeVectors), Convert.ToDouble(reader.GetValue(scoreOrdinal), CultureInfo.InvariantCulture)));
                }
            }

            return hits;
        }
    }
}
